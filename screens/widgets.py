"""Reusable widgets. They receive models and render them; they never touch storage."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from textual.widgets import Static

from companion.cards import PersonCard
from companion.coach import PROMPTS, SHORT_NAMES
from companion.models import Session
from screens.safe import lines, markup, paragraph, plain
from screens.work import work_section


def span(session: Session, zone: tzinfo, *, with_date: bool = False) -> str:
    start = session.start.astimezone(zone)
    day = f"{start:%a} {start.day} {start:%b}" if with_date else f"{start:%a}"
    return f"{day} {start:%H:%M}-{session.end.astimezone(zone):%H:%M}"


class PersonCardView(Static):
    """A person's card: who they are, what to say, where to catch them, notes and follow-ups."""

    DEFAULT_CSS = """
    PersonCardView {
        height: auto;
    }
    """

    def show_card(self, card: PersonCard | None, zone: tzinfo) -> None:
        if card is None:
            self.update(plain("Nobody selected."))
            return
        person = card.person
        parts = [markup("[b]$name[/b]  [dim]$priority[/dim]", name=person.name, priority=person.priority)]
        role = ", ".join(x for x in (person.role, person.affiliation) if x)
        if role:
            parts.append(plain(role))
        if person.email:
            parts.append(plain(person.email))
        for kind, url in person.links.items():
            parts.append(markup("[dim]$kind[/dim] $url", kind=kind, url=url))
        if person.tags:
            parts.append(markup("[dim]tags[/dim] $tags", tags=", ".join(person.tags)))
        for connection in person.connections:
            parts.append(markup("[dim]connected by $kind[/dim] $detail", kind=connection.kind, detail=connection.detail))
        if person.notes:
            parts.append(markup("[dim]why[/dim] $why", why=person.notes))
        parts.append(section_title("Talking points"))
        if card.point is None:
            parts.append(plain("None yet."))
        else:
            for key, (prompt, _example) in PROMPTS.items():
                answer = getattr(card.point, key)
                if answer:
                    parts.append(markup("[dim]$prompt[/dim]", prompt=prompt))
                    parts.append(paragraph("  " + answer))
            for flag in card.flags:
                parts.append(markup("[$warning]coach on $answer:[/] $reason", reason=flag["reason"],
                                    answer=SHORT_NAMES[flag["field"]]))
            if card.missing:
                parts.append(markup("[dim]still to answer: $missing[/dim]", missing=", ".join(card.missing)))
        if card.appearances:
            parts.append(section_title("Where they will be"))
            for appearance in card.appearances[:4]:
                session = appearance.session
                when = span(session, zone)
                if appearance.upcoming:
                    parts.append(
                        markup(
                            "$when $room  $title  [dim]catch them at $catch[/dim]",
                            when=when,
                            room=session.room,
                            title=session.title,
                            catch=f"{appearance.catch_at.astimezone(zone):%H:%M}" + (
                                f" ({', '.join(x for x in (appearance.catch_break.title, appearance.catch_break.room) if x)})"
                                if appearance.catch_break else ""),
                        )
                    )
                else:
                    parts.append(markup("[dim]$when $room  $title (past)[/dim]", when=when, room=session.room, title=session.title))
        if any(kept.items for kept in card.work):
            parts.append(section_title("Their work"))
            parts.extend(work_section(card.work, datetime.now(timezone.utc)))
        if card.notes:
            parts.append(section_title("Last notes"))
            for note in card.notes:
                parts.append(markup("[dim]$when[/dim] $text", when=f"{note.created.astimezone(zone):%a %H:%M}", text=note.text))
        if card.followups:
            parts.append(section_title("Open follow-ups"))
            for item in card.followups:
                parts.append(markup("$title [dim]due $due[/dim]", title=item.title, due=item.due.isoformat()))
        self.update(lines(parts))


def section_title(text: str):  # noqa: ANN201
    return markup("\n[b $accent]$text[/]", text=text)
