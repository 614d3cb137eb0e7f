"""The core and the quick CLI path never load the UI (ARCHITECTURE.md, Layers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PEOPLE_CSV = Path(__file__).resolve().parent.parent / "sample_schedules" / "people.csv"

UI_MODULES = ("textual", "rich", "screens")


def loaded_ui_modules(code: str) -> list[str]:
    probe = code + "\nimport sys\nprint('LOADED:' + ','.join(m for m in %r if m in sys.modules))" % (UI_MODULES,)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    marker = [line for line in result.stdout.splitlines() if line.startswith("LOADED:")][-1]
    return [name for name in marker.removeprefix("LOADED:").split(",") if name]


def test_importing_the_cli_loads_no_ui() -> None:
    assert loaded_ui_modules("import companion.cli") == []


def test_every_core_module_imports_without_the_ui() -> None:
    code = (
        "import pkgutil, importlib, companion\n"
        "for info in pkgutil.walk_packages(companion.__path__, 'companion.'):\n"
        "    if info.name != 'companion.__main__':\n"
        "        importlib.import_module(info.name)\n"
    )
    assert loaded_ui_modules(code) == []


def test_who_command_runs_without_loading_the_ui(tmp_path) -> None:
    code = (
        "from companion.cli import main\n"
        f"main(['--data-dir', {str(tmp_path)!r}, 'import', 'people', {str(PEOPLE_CSV)!r}])\n"
        f"main(['--data-dir', {str(tmp_path)!r}, 'who', 'priya'])\n"
    )
    assert loaded_ui_modules(code) == []


def test_no_module_imports_another_modules_private_names() -> None:
    import ast

    root = Path(__file__).resolve().parent.parent
    borrowed = []
    for path in sorted([*root.glob("companion/**/*.py"), *root.glob("screens/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("companion", "screens")):
                borrowed += [f"{path.relative_to(root)}: {node.module}.{alias.name}" for alias in node.names
                             if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert borrowed == []
