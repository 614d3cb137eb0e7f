"""The companion app: four screens on the user's data, switched with 1-4."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.events import ScreenResume
from textual.widgets import HelpPanel

from companion.models import Conference
from companion.errors import CompanionError
from companion.schedules import ImportOutcome
from companion.store import ScheduleShrinkError, Store
from companion.text import clean
from screens.commands import ConferenceCommands, PeopleCommands, SessionCommands
from screens.followups import FollowUpsScreen
from screens.modals import ConfirmModal, ImportModal, ImportRequest
from screens.people import PeopleScreen
from screens.schedule import ScheduleScreen
from screens.today import TodayScreen


def describe_outcome(outcome: ImportOutcome) -> str:
    """A few lines on what an import or refresh did, for a notification."""
    if outcome.changes is None:
        return f"{outcome.conference.name}: not changed since the last fetch"
    changes = outcome.changes
    lines = [
        f"{changes.total} sessions in {outcome.conference.name}",
        f"{len(changes.added)} new, {changes.updated} changed, {changes.removed} gone",
    ]
    lines += [f"starred session moved: {after.title}" for _before, after in changes.starred_moved]
    lines += [f"starred session cancelled: {session.title}" for session in changes.starred_cancelled]
    lines += outcome.warnings
    return "\n".join(lines)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CompanionApp(App[None]):
    """A conference companion: today, the schedule, people to meet, and follow-ups."""

    TITLE = "companion"
    CSS_PATH = "app.tcss"
    MODES = {
        "today": TodayScreen,
        "schedule": ScheduleScreen,
        "people": PeopleScreen,
        "followups": FollowUpsScreen,
    }
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {ConferenceCommands, PeopleCommands, SessionCommands}
    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today", id="today"),
        Binding("2", "switch_mode('schedule')", "Schedule", id="schedule"),
        Binding("3", "switch_mode('people')", "People", id="people"),
        Binding("4", "switch_mode('followups')", "Follow-ups", id="followups"),
        Binding("i", "import", "Import", id="import"),
        Binding("question_mark", "toggle_help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, *, demo: bool = False, clock: Callable[[], datetime] = _utcnow) -> None:
        super().__init__()
        self.store = store
        """The one storage service; screens read and write through it, widgets never do."""
        self.demo = demo
        self.clock = clock
        """Now, as an aware datetime; tests pass a fixed clock."""
        self.chosen_conference_id: str | None = None

    def now(self) -> datetime:
        return self.clock()

    @property
    def conference(self) -> Conference | None:
        """The conference the screens show: the one chosen in the palette, else the current or next one."""
        if self.chosen_conference_id:
            for conference in self.store.conferences():
                if conference.id == self.chosen_conference_id:
                    return conference
        return self.store.current_conference(self.now().date())

    def choose_conference(self, conference_id: str) -> None:
        self.chosen_conference_id = conference_id
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "") + (" (demo)" if self.demo else "")
        self.screen.post_message(ScreenResume())

    def on_mount(self) -> None:
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "no schedule imported") + (" (demo)" if self.demo else "")
        for warning in self.store.warnings:
            self.notify(warning, title="Data restored", severity="warning", markup=False, timeout=15)

    # Opening things from the palette ----------------------------------------------------------

    async def open_person(self, person_id: int) -> None:
        await self.switch_mode("people")
        self.screen.select_person(person_id)  # type: ignore[attr-defined]

    async def open_session(self, session_id: str) -> None:
        await self.switch_mode("schedule")
        await self.screen.select_session(session_id)  # type: ignore[attr-defined]

    # Import ------------------------------------------------------------------------------------

    def action_import(self) -> None:
        self.push_screen(ImportModal(), self.start_import)

    def start_import(self, request: ImportRequest | None, force: bool = False) -> None:
        if request is not None:
            self.notify(f"Importing {clean(request.source, single_line=True)}...", markup=False, timeout=3)
            self.run_import(request, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, request: ImportRequest, force: bool) -> None:
        """Fetch and parse in a thread (a URL can take seconds); report back on the main thread."""
        try:
            if request.kind == "people":
                from companion.importers.sources import load_people

                changes = self.store.add_people(load_people(request.source).people)
                message = f"{len(changes.added)} new people, {len(changes.merged)} merged"
            else:
                from companion.schedules import import_schedule

                outcome = import_schedule(self.store, request.source, tz=request.tz or None, force=force)
                message = describe_outcome(outcome)
        except ScheduleShrinkError as error:
            self.call_from_thread(self.confirm_shrink, request, str(error))
            return
        except CompanionError as error:
            self.call_from_thread(self.notify, clean(error, single_line=True), title="Import failed",
                                  severity="error", markup=False, timeout=12)
            return
        self.call_from_thread(self.import_done, message)

    def confirm_shrink(self, request: ImportRequest, message: str) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self.start_import(request, force=True)

        self.push_screen(ConfirmModal(f"{message}\n\nReplace the stored schedule anyway?"), answered)

    def import_done(self, message: str) -> None:
        self.notify(clean(message), title="Imported", markup=False, timeout=10)
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "no schedule imported") + (" (demo)" if self.demo else "")
        self.screen.post_message(ScreenResume())

    def action_toggle_help(self) -> None:
        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
