"""Their public work in the app, driven by Pilot: `r` on People gathers it from servers on
127.0.0.1 in a worker and the card shows it; the talking-point form lists it beside the first
answer and ctrl+o fills that answer with an item's title and link, which the coach takes as specific."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input, Static

from companion.coach import review
from companion.models import Person
from companion.store import Store
from research_servers import Site, atom_feed, blog_page, github_repos
from screens.app import CompanionApp
from screens.modals import TalkingPointModal
from screens.widgets import PersonCardView
from screens.work import WorkList
from support import CONFERENCE_MORNING

POSTS = [("Scheduling cron jobs without double runs", "2026-11-20"), ("Idempotent jobs, explained", "2026-10-02")]


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def sites(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Site, Site]]:
    blog, github = Site(), Site()
    blog.add("/", blog_page("/feed.xml"), "text/html")
    blog.add("/feed.xml", atom_feed(blog.base, POSTS), "application/atom+xml", etag='"f1"')
    github.add_json("/users/priya/repos?sort=pushed&direction=desc&per_page=100&type=owner", github_repos("priya"))
    monkeypatch.setenv("COMPANION_GITHUB_API", github.base)
    yield blog, github
    blog.stop()
    github.stop()


def priya(store: Store) -> Person:
    return next(person for person in store.people() if person.name == "Priya Raman")


def point_her_links_at(store: Store, blog: Site) -> Person:
    person = priya(store)
    return store.save_person(person.replace(links={"blog": blog.base + "/", "github": "priya"}), base=person)


async def test_r_on_people_researches_the_selected_person_and_the_card_shows_their_work(
        demo_store: Store, sites: tuple[Site, Site]) -> None:
    blog, _github = sites
    person = point_her_links_at(demo_store, blog)
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("3", "slash", *"priya", "enter")
        await pilot.pause()
        card = app.screen.query_one(PersonCardView)
        assert "Their work" not in str(card.visual)
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(card.visual)
        assert "Their work" in text and "Scheduling cron jobs without double runs" in text and "cron-lint" in text
        assert "fetched just now" in text
        assert app.screen.sub_title == ""  # the progress mark is gone
        assert any("Research: Priya Raman" == (n.title or "") for n in app._notifications)
    assert [item.title for item in demo_store.work(person.id)[0].items] == [title for title, _day in POSTS]


async def test_ctrl_o_in_the_form_fills_the_work_answer_with_an_item_and_the_coach_takes_it(
        demo_store: Store, sites: tuple[Site, Site]) -> None:
    from companion.research import research_people

    blog, _github = sites
    person = point_her_links_at(demo_store, blog)
    research_people(demo_store, [person])
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("3", "slash", *"priya", "enter")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TalkingPointModal)
        listed = str(form.query_one(WorkList).visual)
        assert "Scheduling cron jobs without double runs" in listed and "cron-lint" in listed
        await pilot.press("ctrl+o")
        await pilot.pause()
        work = form.query_one("#answer-work", Input)
        assert work.value == f'Your post "Scheduling cron jobs without double runs" ({blog.base}/posts/1)'
        assert app.focused is work
        assert not form.query_one("#flag-work", Static).display  # the coach takes it as specific
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "dotfiles" in work.value or "Idempotent jobs" in work.value  # the next item
        await pilot.press("ctrl+o", "ctrl+o")
        await pilot.pause()
        chosen = work.value
        await pilot.press("ctrl+s")
        await pilot.pause()
    point = demo_store.talking_point(person.id)
    assert point is not None and point.work == chosen
    flags, _missing = review(point)
    assert not [flag for flag in flags if flag.field == "work"]


async def test_ctrl_o_with_nothing_kept_says_how_to_gather_it(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        form = app.screen
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert form.query_one("#answer-work", Input).value == ""
        assert any("r on People gathers it" in str(n.message) for n in app._notifications)


def test_every_kind_of_item_makes_an_answer_the_coach_takes_as_specific() -> None:
    from companion.coach import first_rule
    from companion.work import WorkItem

    items = [
        WorkItem("blog", "Scheduling cron jobs without double runs", "https://ada.example/posts/1"),
        WorkItem("github", "dotfiles", "https://github.com/priya/dotfiles"),
        WorkItem("mastodon", "Slides from my talk are up", "https://hachyderm.io/@priya/1002"),
        WorkItem("blog", "Can I pick your brain?", "https://ada.example/posts/2"),  # an ask, but quoted: a title
        WorkItem("website", 'A "quoted" title', "https://ada.example/q"),
    ]
    for item in items:
        answer = item.answer()
        assert item.title.replace('"', "'") in answer and item.link in answer
        assert first_rule("work", answer) is None, answer


async def test_typing_goes_on_while_research_waits_on_a_slow_server(demo_store: Store, sites: tuple[Site, Site]) -> None:
    from research_servers import slow_route

    from screens.rowlist import RowList

    blog, _github = sites
    blog.routes["/"] = slow_route
    person = priya(demo_store)
    demo_store.save_person(person.replace(links={"blog": blog.base + "/"}), base=person)
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "slash", *"priya", "enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.sub_title.startswith("researching Priya Raman")
        await pilot.press("slash", "ctrl+u", *"amara")
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        assert [str(rows.row(i)[0]) for i in range(rows.row_count)] == ["Amara Nwosu"]
        assert any(worker.group == "research" and worker.is_running for worker in app.screen.workers)
    # Leaving the app cancelled the worker; nothing was kept from the slow server.
    assert demo_store.work(person.id) == []


async def test_ctrl_r_in_the_form_gathers_their_work_while_it_stays_open_and_lists_it(
        demo_store: Store, sites: tuple[Site, Site]) -> None:
    blog, _github = sites
    person = point_her_links_at(demo_store, blog)
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("3", "slash", *"priya", "enter")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TalkingPointModal) and not form.query(WorkList)  # nothing kept yet
        await pilot.press(*"your ")  # typing goes on while it runs
        await pilot.press("ctrl+r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form  # the form stayed open, with what was typed
        assert form.query_one("#answer-work", Input).value == "your "
        listed = str(form.query_one(WorkList).visual)
        assert "Scheduling cron jobs without double runs" in listed
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert form.query_one("#answer-work", Input).value.startswith('Your post "Scheduling cron jobs')
    assert demo_store.work(person.id)  # kept for when the Wi-Fi is gone
