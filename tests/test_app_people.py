"""The People screen and the palette, driven by Pilot: filter, card, talking points, edit, lookup."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from companion.models import TalkingPoint
from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING
from screens.modals import PersonModal, TalkingPointModal
from screens.rowlist import RowList
from screens.widgets import PersonCardView

NOW = CONFERENCE_MORNING


def names(rows: RowList) -> list[str]:
    return [str(rows.row(index)[0]) for index in range(rows.row_count)]


def card_text(app: CompanionApp) -> str:
    return str(app.screen.query_one(PersonCardView).visual)


async def test_slash_filters_the_people_list_as_you_type(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "slash", *"pack")
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        assert names(rows) == ["Hannah Okafor", "Priya Raman"]  # tag "packaging"
        await pilot.press(*"aging priya")
        await pilot.pause()
        assert names(rows) == ["Priya Raman"]
        await pilot.pause(0.3)  # the card follows once typing pauses
        assert "Priya Raman" in card_text(app)
        await pilot.press("escape")
        assert rows.row_count == 16


async def test_talking_points_modal_coaches_as_you_type_and_saves(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert names(app.screen.query_one("#people", RowList))[0] == "Amara Nwosu"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TalkingPointModal)
        assert app.focused is app.screen.query_one("#answer-work", Input)
        await pilot.press(*"I love your work")
        await pilot.pause()
        flag = app.screen.query_one("#flag-work", Static)
        assert flag.display and "Say which piece of their work" in str(flag.visual)  # under the answer it is about
        assert "For example:" in str(flag.visual)
        assert "strengthen the work" in str(app.screen.query_one("#coach", Static).visual)
        app.screen.query_one("#answer-work", Input).value = "Her talk on screen readers in web apps"
        app.screen.query_one("#answer-question", Input).value = "Which screen reader do you test with first?"
        await pilot.pause()
        coach = str(app.screen.query_one("#coach", Static).visual)
        assert not flag.display and "strengthen" not in coach and "still to answer" in coach
        await pilot.press("ctrl+s")
        await pilot.pause()
        point = demo_store.talking_point(demo_store.people()[0].id)
        assert point is not None and point.question == "Which screen reader do you test with first?"
        assert "Which screen reader do you test with first?" in card_text(app)


async def test_the_talking_point_form_lists_their_talks_and_ctrl_t_fills_the_work_answer(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "slash", *"priya", "enter")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TalkingPointModal)
        talks = str(form.query_one("#talks", Static).visual)
        assert "The State of Python Packaging in 2026" in talks and "Tracing Async Python" in talks
        assert "PyRhine 2026" in talks or "Thu 3 Dec" in talks
        await pilot.press("ctrl+t")
        await pilot.pause()
        work = form.query_one("#answer-work", Input)
        assert work.value.startswith('Your talk "The State of Python Packaging in 2026"')
        assert app.focused is work
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Tracing Async Python" in work.value  # the next press, the next talk
        assert not form.query_one("#flag-work", Static).display  # a titled talk is specific work
        await pilot.press("ctrl+s")
        await pilot.pause()
        point = demo_store.talking_point(next(p.id for p in demo_store.people() if p.name == "Priya Raman"))
        assert point is not None and "Tracing Async Python" in point.work


async def test_a_quoted_title_with_a_trigger_phrase_is_not_flagged_while_typing(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        form = app.screen
        await pilot.press(*"your post 'Can I pick your brain?' on cold emails")
        await pilot.pause()
        assert not form.query_one("#flag-work", Static).display
        await pilot.press("tab", *"very well done")
        await pilot.pause()
        assert form.query_one("#flag-how", Static).display
        assert "Say what changed for you" in str(form.query_one("#flag-how", Static).visual)


async def test_add_edit_priority_and_remove_a_person(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "a")
        await pilot.pause()
        assert isinstance(app.screen, PersonModal)
        await pilot.press(*"Zed Newcomer")
        app.screen.query_one("#affiliation", Input).value = "Hallway Track Inc"
        app.screen.query_one("#link-github", Input).value = "zed"
        connections = app.screen.query_one("#connections", TextArea)
        assert connections.size.height >= 3  # a box you can see and type in
        connections.focus()
        await pilot.press(*"school: Uni Heidelberg")
        await pilot.press("ctrl+s")
        await pilot.pause()
        added = next(p for p in demo_store.people() if p.name == "Zed Newcomer")
        assert added.affiliation == "Hallway Track Inc" and added.links == {"github": "zed"}
        assert [(c.kind, c.detail) for c in added.connections] == [("school", "Uni Heidelberg")]
        await pilot.pause(0.3)
        assert "connected by school Uni Heidelberg" in card_text(app)
        rows = app.screen.query_one("#people", RowList)
        assert names(rows)[rows.cursor] == "Zed Newcomer"
        await pilot.press("p")
        assert demo_store.person(added.id).priority == "met"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#role", Input).value = "Maintainer"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_store.person(added.id).role == "Maintainer"
        demo_store.save_talking_point(TalkingPoint(added.id, work="Your hallway track talk"))
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert all(p.name != "Zed Newcomer" for p in demo_store.people())
        assert demo_store.talking_point(added.id) is None
        await pilot.press("ctrl+z")  # the removal is undone: the same person, number and talking point
        await pilot.pause()
        assert demo_store.person(added.id).name == "Zed Newcomer"
        assert demo_store.talking_point(added.id).work == "Your hallway track talk"
        assert "Zed Newcomer" in names(app.screen.query_one("#people", RowList))


async def test_palette_finds_a_person_and_opens_the_card(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"isabel")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.current_mode == "people"
        assert "Isabel Moreau" in card_text(app)


async def test_palette_finds_a_session_and_shows_it(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"time zones are hard")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.current_mode == "schedule"
        assert "Time Zones Are Hard" in str(app.screen.query_one("#session-detail", Static).visual)


@pytest.mark.parametrize("typed", ["tracing", "async tracing", "TRACING ASYNC", "tracng async"])
async def test_palette_finds_a_session_by_words_in_any_case_or_with_a_typo(demo_store: Store, typed: str) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.current_mode == "schedule"
        assert "Tracing Async Python" in str(app.screen.query_one("#session-detail", Static).visual)


async def test_a_speaker_not_on_the_list_is_added_with_a(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "home")  # the list opens at now: to the first session
        await pilot.pause()
        # The first session is the keynote by Ingrid Halvorsen, who is not on the list.
        assert "a: add to your people" in str(app.screen.query_one("#session-detail", Static).visual)
        await pilot.press("a")
        await pilot.pause()
        assert any(p.name == "Ingrid Halvorsen" for p in demo_store.people())
        assert "on your list" in str(app.screen.query_one("#session-detail", Static).visual)


async def test_palette_switches_to_another_conference(demo_store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.ics"
    other.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Winter [b]Camp[/b]\r\nX-WR-TIMEZONE:Europe/Oslo\r\n"
        b"BEGIN:VEVENT\r\nUID:w1\r\nSUMMARY:Snow talk\r\nDTSTART:20270110T090000Z\r\nDTEND:20270110T100000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    from companion.schedules import import_schedule

    import_schedule(demo_store, str(other))
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"winter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.conference is not None and app.conference.name == "Winter [b]Camp[/b]"
        assert "Winter [b]Camp[/b]" in app.sub_title
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one("#sessions", RowList).row_count == 1
