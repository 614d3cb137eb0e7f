"""Today: what is on now and next, who to catch where, and what is due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from companion.cards import speakers_on_list
from companion.agenda import sessions_now_and_next, zone_of
from screens.base import CompanionScreen
from screens.safe import lines, markup, plain
from screens.widgets import section_title, span


class TodayScreen(CompanionScreen):
    """The first screen at a conference: now, next, people to catch, follow-ups due."""

    CSS_PATH = "today.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="today-heading")
            yield Static(id="now-next")
            yield Static(id="catch")
            yield Static(id="due")
        yield Footer()

    async def reload(self) -> None:
        self.refresh_today()

    def refresh_today(self) -> None:
        store = self.store
        now = self.host.now()
        conference = self.host.conference
        heading = self.query_one("#today-heading", Static)
        if conference is None:
            heading.update(plain("No schedule yet: press i to import one (a file or a URL), or run companion import schedule SRC"))
            self.query_one("#now-next", Static).update("")
            self.query_one("#catch", Static).update("")
        else:
            zone = zone_of(conference)
            local_now = now.astimezone(zone)
            day_text = f"{local_now:%A %d %B, %H:%M}"
            heading.update(markup("[b]$name[/b]  [dim]$day ($zone)[/dim]", name=conference.name, day=day_text, zone=conference.timezone))
            sessions = store.sessions_around(conference, now, zone)
            starred = store.starred_ids()
            matcher = store.speaker_matcher()
            live, upcoming = sessions_now_and_next(sessions, now)

            def describe(session) -> object:  # noqa: ANN001
                # An overview: exact names and middle names left out; a typo'd name is matched in the
                # session's own detail (the schedule) and on the person's card.
                known = [found.person.name for found in speakers_on_list(session, matcher, fuzzy=False) if found.person]
                later_day = session.start.astimezone(zone).date() != local_now.date()
                template = ("[$warning]★[/] " if session.id in starred else "") + "$when  [b]$room[/b]  $title"
                if known:
                    template += "  [$success]— on your list: $known[/]"
                return markup(template, when=span(session, zone, with_date=later_day), room=session.room,
                              title=session.title, known=", ".join(known))

            parts = [section_title("Now")]
            parts += [describe(s) for s in live] or [plain("Nothing on right now.")]
            parts.append(section_title("Next"))
            parts += [describe(s) for s in upcoming] or [plain("Nothing later today or after.")]
            self.query_one("#now-next", Static).update(lines(parts))

            today = min((s.conference_day(zone) for s in sessions if s.end >= now), default=None)
            today_sessions = [s for s in sessions if s.conference_day(zone) == today and s.end >= now]
            catches = []
            for session in sorted(today_sessions, key=lambda s: (s.end, s.start)):  # by the moment to catch them
                for found in speakers_on_list(session, matcher, fuzzy=False):  # a day's worth: exact names only
                    person = found.person
                    if person is not None:
                        catches.append(markup(
                            "$name [dim]($priority)[/dim]  after $title, $room at $at",
                            name=person.name, priority=person.priority, title=session.title, room=session.room,
                            at=f"{session.end.astimezone(zone):%H:%M}",
                        ))
            heading_text = "Who to catch today" if today == local_now.date() else f"Who to catch on {today:%A}" if today else "Who to catch"
            catch_parts = [section_title(heading_text)]
            catch_parts += catches or [plain("None of your people speak in the rest of the conference.")]
            self.query_one("#catch", Static).update(lines(catch_parts))
        counts = store.due_counts(now.astimezone().date())
        self.query_one("#due", Static).update(lines([
            section_title("Follow-ups"),
            markup(
                "[$error]$overdue overdue[/]  ·  [b]$today due today[/b]  ·  $upcoming upcoming  ·  $waiting waiting for a reply",
                **{key: str(value) for key, value in counts.items()},
            ),
        ]))
