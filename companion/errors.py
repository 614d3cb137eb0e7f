"""Errors the user sees as one line, never as a traceback."""

from __future__ import annotations


class CompanionError(Exception):
    """An error with a message fit to show the user as it is."""


class StorageError(CompanionError):
    """The data folder or a data file cannot be read or written."""


class CorruptFileError(StorageError):
    """A data file does not parse; it is kept aside, never overwritten."""


class SourceError(CompanionError):
    """A file or feed could not be imported; the message names the file and the place."""


class NotFoundError(CompanionError):
    """A person, session or follow-up named on the command line does not exist."""
