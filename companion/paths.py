"""Where companion keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

from companion.errors import StorageError

ENV_DATA_DIR = "COMPANION_DATA_DIR"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$COMPANION_DATA_DIR``, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("companion", appauthor=False))


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder if needed and check that it can be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"cannot create the data folder {path}: {error.strerror or error}") from None
    if not path.is_dir():
        raise StorageError(f"the data folder {path} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise StorageError(f"the data folder {path} is not writable")
    return path
