"""Today: what is on now and next, who to catch where, and what is due.

Now first, and it fits: sessions you starred and sessions where people on your list speak come
first in each block, and each block is cut to what the terminal has room for with a "+N more" line
(enter opens the Schedule, ``m`` shows everything here), so "who to catch" and the follow-ups stay
on the first screen even when two dozen sessions run at once. Who to catch is
companion.agenda.who_to_catch: by when, must-meet first at the same moment, people already met
last, each kept a while after their talk ends ("just now"); its "+N more" says how many hidden are
must-meet. Rooms come in the schedule's own order (Conference.rooms), never as text ("Saal 10"
before "Saal 2"). Today reads again as the clock passes each minute. A starred session that ended while
the app was open stays here as a reminder until a note is taken (``n``) or it is dismissed (``x``).
A conference that is over says so and how to get its report. Every time goes through the app's
one clock (companion.clock)."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from companion.cards import speakers_on_list
from companion.agenda import first_things_first, sessions_now_and_next, who_to_catch
from companion.clock import Clock
from companion.models import DAY_CUTOFF, Conference, Person, Session
from screens.base import CompanionScreen
from screens.safe import lines, markup, one_line, plain
from screens.widgets import section_title

class TodayView:
    """What Today shows, read once and drawn again at each resize: each block's lines whole (the
    drawing cuts them to fit)."""

    def __init__(self, heading: list[Content], due: list[Content]) -> None:
        self.heading = heading
        self.due = due
        self.with_sessions = False
        """False without a schedule and for a conference that has ended: no Now, Next, Who to catch."""
        self.now: list[Content] = []
        self.next: list[Content] = []
        self.next_when = ""
        self.catches: list[Content] = []
        self.catch_must: list[bool] = []
        """For each catch: whether the person is a must-meet (the "+N more" line counts those hidden)."""
        self.catch_title = "Who to catch"
        self.room_width = 0
        """How much of a room's name the rows show (they are read again when that changes)."""


CLOCK_CHECK_SECONDS = 15
"""How often Today looks whether the minute it shows has passed (and reads again if so)."""
FIXED_LINES = 12
"""Lines Today takes besides the rows of its blocks: the header and footer, the heading, the three
blocks' blank line and title, and the follow-ups (a blank line, the title, the counts)."""
WIDE = 150
"""From this many columns Today has two: now and next on the left, who to catch and the follow-ups
on the right (each then fits the height on its own)."""
FIXED_LEFT, FIXED_RIGHT = 7, 8
ROOM_NARROW, ROOM_WIDE, WIDE_ROOMS = 20, 32, 120
"""A room's name is cut to 20 characters below 120 columns, to 32 from there."""
"""Two columns: the lines each takes besides its rows (header, footer, heading, blocks' titles)."""


def fit_rows(counts: list[int], room: int) -> list[int]:
    """How many rows of each block to show in ``room`` lines, a block cut short taking one line
    more for its "+N more": every block shows at least one row, then one more each in turn (the
    blocks in order of importance) while there is room."""
    shown = [min(count, 1) for count in counts]

    def cost() -> int:
        return sum(rows + (rows < count) for rows, count in zip(shown, counts))

    grew = True
    while grew:
        grew = False
        for index, count in enumerate(counts):
            if shown[index] < count:
                extra = 0 if shown[index] + 1 == count else 1  # the last row takes the "+N more" line's place
                if cost() + extra <= room:
                    shown[index] += 1
                    grew = True
    return shown


class TodayScreen(CompanionScreen):
    """The first screen at a conference: now, next, people to catch, follow-ups due."""

    CSS_PATH = "today.tcss"
    BINDINGS = [
        Binding("enter", "open_schedule", "All sessions", id="today-schedule", show=False),
        Binding("m", "toggle_more", "Show all / fit the screen", id="today-more", show=False),
        Binding("x", "dismiss_ended", "Dismiss", id="today-dismiss"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        """``m``: every row of every block, the screen scrolling, instead of what fits."""
        self.ended: list[Session] = []
        """Starred sessions that ended while the app was open and wait for a note (the app's)."""
        self.view: TodayView | None = None
        self.read_at: datetime | None = None
        """The minute what is shown was read at (it is read again once the clock passes it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="today-heading")
            yield Static(id="ended")
            with Container(id="today-columns"):
                with Vertical(id="today-left"):
                    yield Static(id="now-next")
                with Vertical(id="today-right"):
                    yield Static(id="catch")
                    yield Static(id="due")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss_ended":
            return bool(self.ended)
        return True

    def on_mount(self) -> None:
        self.set_interval(CLOCK_CHECK_SECONDS, self.follow_the_clock)

    async def reload(self) -> None:
        self.refresh_today()

    async def follow_the_clock(self) -> None:
        """Now, Next and who to catch move with the clock (a talk starts, a catch's grace ends):
        read again, while Today is on show, once the minute it was read at has passed."""
        if self.is_current and self.read_at != self.host.now().replace(second=0, microsecond=0):
            await self._reload()

    def on_resize(self) -> None:
        if self.view is not None and self.view.room_width != self.room_width():
            self.refresh_today()  # rooms are cut to another width
        else:
            self.draw()

    def room_width(self) -> int:
        """How much of a room's name a row shows (38C3 has rooms named like sentences)."""
        return ROOM_NARROW if self.size.width < WIDE_ROOMS else ROOM_WIDE

    # Reading -----------------------------------------------------------------------------------

    def refresh_today(self) -> None:
        store = self.store
        now = self.host.now()
        self.read_at = now.replace(second=0, microsecond=0)
        conference = self.host.conference
        clock = self.host.times()
        ended_waiting = getattr(self.app, "ended_waiting", None)
        self.ended = ended_waiting() if ended_waiting is not None else []
        self.refresh_bindings()
        counts = store.due_counts(now.astimezone().date())
        due = [section_title("Follow-ups"), markup(
            "[$error]$overdue overdue[/]  ·  [b]$today due today[/b]  ·  $upcoming upcoming  ·  $waiting waiting for a reply",
            **{key: str(value) for key, value in counts.items()},
        )]
        if conference is None:
            self.view = TodayView([plain("No schedule yet: press i to import one (a file or a URL), "
                                         "or run companion import schedule SRC")], due)
            self.draw()
            return
        sessions = store.sessions_around(conference, now, clock.conference_zone)
        day = now.astimezone(clock.conference_zone).date()
        if conference.last_day and day > conference.last_day and not any(s.end >= now for s in sessions):
            self.view = TodayView(self.ended_heading(conference), due)
            self.draw()
            return
        heading = [markup("[b]$name[/b]  [dim]$day ($zone)[/dim]", name=conference.name,
                          day=clock.at(now).strftime("%A %d %B, %H:%M"), zone=clock.name)]
        if conference.first_day and day < conference.first_day:
            days = (conference.first_day - day).days
            heading.append(markup("[dim]Starts on $when, in $n day$s.[/dim]", when=f"{conference.first_day:%A %d %B}",
                                  n=str(days), s="" if days == 1 else "s"))
        self.view = TodayView(heading, due)
        self.read_sessions(self.view, sessions, now, clock)
        self.draw()

    def ended_heading(self, conference: Conference) -> list[Content]:
        first, last = conference.first_day, conference.last_day
        dates = f"{first:%d %B} to {last:%d %B %Y}" if first and last and first != last else f"{last:%d %B %Y}"
        return [
            markup("[b]$name[/b] ended on $day [dim]($dates)[/dim].", name=conference.name,
                   day=f"{last:%A %d %B}" if last else "", dates=dates),
            plain("Its report, who you met, what you learned and what is pending, as Markdown:"),
            markup("  [b]companion report $id --out report.md[/b]", id=conference.id),
            plain("2: its schedule · 4: the follow-ups · ctrl+p: another conference"),
        ]

    def read_sessions(self, view: TodayView, sessions: list[Session], now: datetime, clock: Clock) -> None:
        """Now and Next (starred and listed people's sessions first), and who to catch, in order."""
        store = self.store
        starred = store.starred_ids()
        matcher = store.speaker_matcher()
        zone = clock.conference_zone
        shown_day = clock.at(now).date()
        live, upcoming = sessions_now_and_next(sessions, now)
        # An overview: exact names only (a typo'd name is matched in the schedule and on the card).
        known = {s.id: [found.person.name for found in speakers_on_list(s, matcher, fuzzy=False) if found.person]
                 for s in [*live, *upcoming]}

        view.with_sessions = True
        view.room_width = self.room_width()

        def room(session: Session) -> str:
            name = one_line(session.room)
            return name if len(name) <= view.room_width else name[: view.room_width - 1].rstrip() + "…"

        def describe(session: Session) -> Content:
            later_day = clock.at(session.start).date() != shown_day
            when = clock.span(session.start, session.end, "%a %d %b %H:%M" if later_day else "%H:%M")
            template = ("[$warning]★[/] " if session.id in starred else "  ") + "$when  [b]$room[/b]  "
            if known[session.id]:
                template += "[$success]$known:[/] "
            return markup(template + "$title", when=when, room=room(session), title=session.title,
                          known=", ".join(known[session.id]))


        rooms = self.host.conference.rooms if self.host.conference is not None else []
        view.now = [describe(s) for s in first_things_first(live, starred, lambda s: bool(known[s.id]), rooms)]
        view.next = [describe(s) for s in first_things_first(upcoming, starred, lambda s: bool(known[s.id]), rooms)]
        view.next_when = clock.time(upcoming[0].start, "%a %H:%M" if clock.at(upcoming[0].start).date() != shown_day
                                    else "%H:%M") if upcoming else ""

        def people_of(session: Session) -> list[Person]:  # a day's worth: exact names only
            return [found.person for found in speakers_on_list(session, matcher, fuzzy=False) if found.person]

        day, catches = who_to_catch(sessions, now, zone, people_of, rooms)
        for catch in catches:
            view.catches.append(markup(
                "  $at" + (" [b $warning]just now[/]" if catch.just_ended else "")
                + "  [b]$room[/b]  $name [dim]($priority)[/dim], after $title",
                name=catch.person.name, priority=catch.person.priority, title=catch.session.title,
                room=room(catch.session), at=clock.time(catch.at),
            ))
            view.catch_must.append(catch.must_meet)
        if day is not None:
            today = (now.astimezone(zone) - DAY_CUTOFF).date()
            view.catch_title = "Who to catch today" if day == today else f"Who to catch on {day:%A}"

    # Drawing -----------------------------------------------------------------------------------

    def draw(self) -> None:
        """Show what was read, each block cut to the room the terminal has (all of it after ``m``)."""
        view = self.view
        if view is None or not self.is_mounted:
            return
        self.query_one("#today-heading", Static).update(lines(view.heading))
        ended = self.query_one("#ended", Static)
        ended.update(lines([
            markup("[b $warning]Just ended[/] [dim](n: note it, x: dismiss)[/dim] $title", title=session.title)
            for session in reversed(self.ended[-2:])
        ] + ([plain(f"  and {len(self.ended) - 2} more that ended earlier")] if len(self.ended) > 2 else [])))
        ended.display = bool(self.ended)
        self.query_one("#due", Static).update(lines(view.due))
        for block in ("#now-next", "#catch"):
            self.query_one(block, Static).display = view.with_sessions
        if not view.with_sessions:
            return
        counts = [len(view.now) or 1, len(view.catches) or 1, len(view.next) or 1]  # in order of importance
        marker = (1 + min(len(self.ended), 2) + (len(self.ended) > 2)) if self.ended else 0  # its margin and lines
        above = len(view.heading) - 1 + marker
        wide = self.size.width >= WIDE
        self.set_class(wide, "wide")
        if self.show_all:
            now_shown, catch_shown, next_shown = counts
        elif wide:
            now_shown, next_shown = fit_rows([counts[0], counts[2]], max(self.size.height - FIXED_LEFT - above, 2))
            catch_shown = fit_rows([counts[1]], max(self.size.height - FIXED_RIGHT - above, 1))[0]
        else:
            now_shown, catch_shown, next_shown = fit_rows(counts, max(self.size.height - FIXED_LINES - above, 3))
        hint = "m: fit the screen" if self.show_all else "enter: the Schedule · m: all here"
        parts = [section_title("Now"), *(view.now[:now_shown] or [plain("Nothing on right now.")])]
        if len(view.now) > now_shown:
            parts.append(markup("[dim]  +$n more now · $hint[/dim]", n=str(len(view.now) - now_shown), hint=hint))
        parts.append(section_title(f"Next, at {view.next_when}" if view.next_when else "Next"))
        parts += view.next[:next_shown] or [plain("Nothing later today or after.")]
        if len(view.next) > next_shown:
            parts.append(markup("[dim]  +$n more then · $hint[/dim]", n=str(len(view.next) - next_shown), hint=hint))
        self.query_one("#now-next", Static).update(lines(parts))
        catch = [section_title(view.catch_title),
                 *(view.catches[:catch_shown] or [plain("None of your people speak in the rest of the conference.")])]
        if len(view.catches) > catch_shown:
            hidden_must = sum(view.catch_must[catch_shown:])
            catch.append(markup("[dim]  +$n more[/dim]" + (", [b $error]$must must-meet[/]" if hidden_must else "")
                                + "[dim] · m: all here[/dim]", n=str(len(view.catches) - catch_shown), must=str(hidden_must)))
        self.query_one("#catch", Static).update(lines(catch))

    # Keys --------------------------------------------------------------------------------------

    async def action_open_schedule(self) -> None:
        await self.app.switch_mode("schedule")

    def action_toggle_more(self) -> None:
        self.show_all = not self.show_all
        self.draw()

    def action_dismiss_ended(self) -> None:
        dismiss = getattr(self.app, "dismiss_ended", None)
        if dismiss is not None:
            dismiss()
