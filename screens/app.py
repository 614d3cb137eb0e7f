"""The companion app: four screens on the user's data, switched with 1-4."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from textual.app import App
from textual.binding import Binding
from textual.events import ScreenResume
from textual.widgets import HelpPanel

from companion.models import Conference
from companion.store import Store
from companion.text import clean
from screens.commands import ConferenceCommands
from screens.followups import FollowUpsScreen
from screens.people import PeopleScreen
from screens.schedule import ScheduleScreen
from screens.today import TodayScreen


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
    COMMANDS = App.COMMANDS | {ConferenceCommands}
    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today", id="today"),
        Binding("2", "switch_mode('schedule')", "Schedule", id="schedule"),
        Binding("3", "switch_mode('people')", "People", id="people"),
        Binding("4", "switch_mode('followups')", "Follow-ups", id="followups"),
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

    def action_toggle_help(self) -> None:
        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
