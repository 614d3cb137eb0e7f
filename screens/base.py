"""What every screen of the app shares: the services it receives from the app, typed once, and the
message that tells it the data it shows has changed.

Screens receive; they do not reach. A screen gets the store, the clock and the conference through
:attr:`CompanionScreen.host` (the app, seen through the :class:`CompanionHost` protocol), and it
reloads in one place, :meth:`CompanionScreen.reload`, when it is shown and when a
:class:`DataChanged` arrives. Showing a screen never writes to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.message import Message
from textual.screen import Screen
from textual.worker import WorkerFailed

from companion.errors import CompanionError

if TYPE_CHECKING:
    from textual.app import App

    from companion.clock import Clock
    from companion.models import Conference, Note
    from companion.store import Store


T = TypeVar("T")


class DataChanged(Message, bubble=False):
    """The data the screens show has changed (a save, an import, an undo, another conference
    chosen): the screen it is posted to reloads. The same message will carry changes made outside
    the app."""


class CompanionHost(Protocol):
    """What screens and palette providers use of the app."""

    store: Store

    def now(self) -> datetime: ...

    def times(self) -> Clock:
        """How every time on every screen is shown (companion.clock): the conference's zone or the
        laptop's, as the user chose with ``z``."""
        ...

    @property
    def conference(self) -> Conference | None: ...

    def attempt(self, change: Callable[[], object]) -> bool: ...

    def read_failed(self, error: CompanionError) -> None: ...

    def remember_undo(self, undo: Callable[[], None], message: str) -> None: ...

    def show_notes(self, title: str, notes: list[Note], reload: Callable[[], list[Note]]) -> None: ...

    def choose_conference(self, conference_id: str) -> None: ...

    def data_changed(self) -> None: ...

    def open_person(self, person_id: int) -> Coroutine[Any, Any, None]: ...

    def open_session(self, session_id: str) -> Coroutine[Any, Any, None]: ...


def host_of(app: App[Any]) -> CompanionHost:
    """The app as the services it gives screens and providers."""
    return cast("CompanionHost", app)


class CompanionScreen(Screen[None]):
    """A screen of the app: reloads what it shows when shown and when told the data changed."""

    @property
    def host(self) -> CompanionHost:
        return host_of(self.app)

    @property
    def store(self) -> Store:
        return self.host.store

    async def reload(self) -> None:
        """Read what the screen shows from the store again (screens override this)."""

    async def read_in_worker(self, read: Callable[[], T]) -> T:
        """``read()`` (store reads only, no widgets) in a thread worker, so a large list does not
        hold up the screen; its error, if any, is raised here as it was raised there."""
        worker = self.run_worker(read, thread=True, group="reload", exit_on_error=False)
        try:
            return await worker.wait()
        except WorkerFailed as failed:
            raise failed.error from None

    async def _reload(self) -> None:
        try:
            await self.reload()
        except CompanionError as error:
            self.host.read_failed(error)

    async def on_screen_resume(self) -> None:
        await self._reload()

    async def on_data_changed(self, _event: DataChanged) -> None:
        await self._reload()
