"""The rules a user relies on without seeing them: the coach, follow-up planning, person lookup,
and the text cleaning every untrusted string goes through (README: the coach, follow-ups; ARCHITECTURE.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from companion.coach import readiness
from companion.errors import NotFoundError
from companion.followups import NUDGE_DAYS_RANGE, NoteActions, next_step, plan_followups, plan_introduction
from companion.lookup import resolve_person, search_people
from companion.models import Note, Person, TalkingPoint
from companion.text import clean, normalise_name

# --- the coach --------------------------------------------------------------------------------

SPECIFIC = TalkingPoint(
    person_id=1,
    work="Your blog post on pinning dependencies with lockfiles",
    how="We switched our CI to lockfiles and the flaky builds stopped",
    question="How do you handle lockfiles for libraries, as opposed to applications?",
    offer="Our migration notes, as a case study for your docs",
    common="We both came to Python from physics",
)

def test_the_break_after_a_talk_is_one_starting_as_it_ends() -> None:
    from companion.cards import break_after
    from companion.models import Session

    start = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)

    def session(sid: str, minutes: int, title: str, length: int = 30, **more: str) -> Session:
        begin = start + timedelta(minutes=minutes)
        return Session(sid, "c", title, begin, begin + timedelta(minutes=length), **more)

    talk = session("t", 0, "Tracing async Python", 40)
    lunch = session("l", 45, "Lunch", 60)
    assert break_after(talk, [talk, session("n", 40, "Next talk"), lunch]).id == "l"
    assert break_after(talk, [session("c", 40, "Hallway", type="Break")]).id == "c"
    assert break_after(talk, [session("late", 75, "Coffee")]) is None  # more than half an hour after
    assert break_after(talk, [session("early", 20, "Coffee")]) is None  # begins well before the talk ends
    assert break_after(talk, [session("x", 40, "Coffee", status="cancelled")]) is None
    other = Session("o", "other-conference", "Coffee", talk.end, talk.end + timedelta(minutes=30))
    assert break_after(talk, [other]) is None
    # Talks are not breaks, whatever their titles say.
    from companion.models import Speaker

    talks = [session("b", 40, "How to break production safely"), session("s", 40, "Scaling a social network")]
    for other_talk in talks:
        other_talk.speakers = [Speaker("Ada")]
    assert break_after(talk, talks) is None


def test_readiness_marks() -> None:
    assert readiness(None) == "none"
    assert readiness(TalkingPoint(person_id=1)) == "none"
    assert readiness(TalkingPoint(person_id=1, work="  ")) == "none"
    assert readiness(TalkingPoint(person_id=1, how="We moved our CI to lockfiles")) == "draft"  # no work, no question
    assert readiness(TalkingPoint(person_id=1, how="It helped")) == "weak"  # a judgement, not an effect
    assert readiness(TalkingPoint(person_id=1, work=SPECIFIC.work)) == "draft"  # no question yet
    assert readiness(TalkingPoint(person_id=1, work=SPECIFIC.work, question=SPECIFIC.question)) == "ready"
    assert readiness(SPECIFIC) == "ready"
    assert readiness(TalkingPoint(person_id=1, work="Big fan", question=SPECIFIC.question)) == "weak"


# --- follow-up planning -----------------------------------------------------------------------

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)
PRIYA = Person(name="Priya Raman", id=3, affiliation="Fernwood Analytics")
KENJI = Person(name="Kenji Watanabe", id=4)


def a_note(note_id: int = 7, people: tuple[Person, ...] = (PRIYA,)) -> Note:
    return Note(text="Chat about lockfiles", created=NOW, id=note_id, person_ids=[p.id for p in people])


def by_kind(items: list) -> dict[str, list]:  # noqa: ANN001
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item.kind, []).append(item)
    return grouped


def test_a_note_without_toggles_plans_nothing() -> None:
    assert plan_followups(a_note(), [PRIYA], NoteActions(), TODAY, NOW) == []


def test_thank_you_is_due_the_next_day_and_each_promise_in_two_days() -> None:
    actions = NoteActions(thank=True, promises=("send slides", "share the benchmark"))
    items = plan_followups(a_note(), [PRIYA], actions, TODAY, NOW)
    grouped = by_kind(items)
    assert [f.due for f in grouped["thank"]] == [date(2026, 12, 4)]
    assert [(f.detail, f.due) for f in grouped["promise"]] == [
        ("send slides", date(2026, 12, 5)),
        ("share the benchmark", date(2026, 12, 5)),
    ]
    assert all(f.person_id == PRIYA.id and f.note_id == 7 and f.status == "open" for f in items)
    assert "Priya Raman" in grouped["thank"][0].title
    assert "send slides" in grouped["promise"][0].title
    assert len({f.uid for f in items}) == len(items)  # two promises are two reminders


def test_due_dates_follow_the_day_given_not_the_clock() -> None:
    later = date(2027, 1, 30)
    items = plan_followups(a_note(), [PRIYA], NoteActions(thank=True, promises=("x",)), later, NOW)
    assert sorted(f.due for f in items) == [date(2027, 1, 31), date(2027, 2, 1)]


def test_waiting_plans_one_nudge_one_to_two_weeks_later() -> None:
    items = plan_followups(a_note(), [PRIYA], NoteActions(waiting=True), TODAY, NOW)
    assert [f.kind for f in items] == ["nudge"]
    low, high = NUDGE_DAYS_RANGE
    assert TODAY + timedelta(days=low) <= items[0].due <= TODAY + timedelta(days=high)
    assert 7 <= (items[0].due - TODAY).days <= 14


def test_an_introduction_is_double_opt_in_ask_first_then_introduce() -> None:
    items = plan_followups(a_note(), [PRIYA], NoteActions(intros=("Omar Haddad",)), TODAY, NOW)
    assert [f.kind for f in items] == ["intro-ask"]  # nobody is introduced before agreeing
    ask = items[0]
    assert ask.other == "Omar Haddad"
    assert "Omar Haddad" in ask.title and "Priya Raman" in ask.title
    assert ask.due > TODAY

    assert next_step(ask, PRIYA, a_note(), date(2026, 12, 6), NOW) is None  # asked is not agreed
    ask.consent = "yes"
    step = plan_introduction([ask], PRIYA, a_note(), date(2026, 12, 6), NOW)
    assert step.kind == "intro" and step.consent == "other"
    assert step.due == date(2026, 12, 7)
    assert step.other == "Omar Haddad" and step.person_id == PRIYA.id
    assert "Omar Haddad" in step.title and "Priya Raman" in step.title
    assert step.uid != ask.uid
    again = plan_introduction([ask], PRIYA, a_note(), date(2026, 12, 9), NOW)
    assert again.uid == step.uid  # deterministic: never a duplicate reminder


@pytest.mark.parametrize("kind", ["thank", "promise", "nudge", "intro-ask", "intro"])
def test_marking_done_unlocks_nothing_an_introduction_waits_for_recorded_yeses(kind: str) -> None:
    actions = NoteActions(thank=True, promises=("x",), waiting=True, intros=("Omar",))
    items = plan_followups(a_note(), [PRIYA], actions, TODAY, NOW)
    items.append(plan_introduction(by_kind(items)["intro-ask"], PRIYA, a_note(), TODAY, NOW))
    item = by_kind(items)[kind][0]
    assert next_step(item, PRIYA, a_note(), TODAY, NOW) is None


def test_a_note_about_two_people_plans_for_each() -> None:
    note = a_note(people=(PRIYA, KENJI))
    items = plan_followups(note, [PRIYA, KENJI], NoteActions(thank=True, promises=("slides",)), TODAY, NOW)
    assert sorted((f.person_id, f.kind) for f in items) == [
        (PRIYA.id, "promise"), (PRIYA.id, "thank"), (KENJI.id, "promise"), (KENJI.id, "thank"),
    ]
    assert len({f.uid for f in items}) == 4


def test_uids_are_deterministic_and_differ_between_notes() -> None:
    actions = NoteActions(thank=True, promises=("slides",), intros=("Omar",))
    first = [f.uid for f in plan_followups(a_note(7), [PRIYA], actions, TODAY, NOW)]
    again = [f.uid for f in plan_followups(a_note(7), [PRIYA], actions, TODAY + timedelta(days=3), NOW)]
    other = [f.uid for f in plan_followups(a_note(8), [PRIYA], actions, TODAY, NOW)]
    assert first == again
    assert not set(first) & set(other)


# --- lookup -----------------------------------------------------------------------------------


@pytest.fixture
def people() -> list[Person]:
    rows = [
        ("Priya Raman", "Fernwood Analytics", ["python", "packaging"], "priya.raman@example.com"),
        ("José Álvarez", "Cobalt Labs", ["rust", "pyo3"], ""),
        ("Kenji Watanabe", "Tidewater Tools", ["tui", "textual"], ""),
        ("Greta Lindholm", "Northwind Foundation", ["events"], ""),
        ("Sofia Lindqvist", "Nordlys Security", ["security"], ""),
        ("Chloé Martin", "Institut Lumière", ["polars", "duckdb"], ""),
        ("Omar Haddad", "Saltmarsh Logistics", ["postgres"], ""),
    ]
    return [
        Person(name=name, id=index, affiliation=aff, tags=tags, email=email)
        for index, (name, aff, tags, email) in enumerate(rows, start=1)
    ]


def names(matches: list[tuple[Person, float]]) -> list[str]:
    return [person.name for person, _score in matches]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Priya Raman", "Priya Raman"),  # exact
        ("priya raman", "Priya Raman"),  # case
        ("Priya", "Priya Raman"),  # first name prefix
        ("Wata", "Kenji Watanabe"),  # prefix of the last name
        ("Jose Alvarez", "José Álvarez"),  # accents optional
        ("Álvarez, José", "José Álvarez"),  # "Last, First"
        ("Priya Ramen", "Priya Raman"),  # a typo in a full name
        ("Fernwood", "Priya Raman"),  # affiliation
        ("polars", "Chloé Martin"),  # tag
    ],
)
def test_resolve_person_finds_the_one_meant(people: list[Person], query: str, expected: str) -> None:
    person = resolve_person(people, query)
    assert person is not None and person.name == expected


def test_an_exact_name_scores_highest(people: list[Person]) -> None:
    matches = search_people(people, "Omar Haddad")
    assert names(matches)[0] == "Omar Haddad"
    assert matches[0][1] == 100.0


@pytest.mark.parametrize(("typo", "expected"), [("pryia", "Priya Raman"), ("kenij", "Kenji Watanabe"),
                                                 ("Watanbe", "Kenji Watanabe"), ("chloe martn", "Chloé Martin")])
def test_a_typo_still_ranks_the_person_first(people: list[Person], typo: str, expected: str) -> None:
    assert names(search_people(people, typo))[:1] == [expected]


def test_an_ambiguous_query_raises_and_names_the_candidates(people: list[Person]) -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_person(people, "Lind")
    message = str(caught.value)
    assert "Greta Lindholm" in message and "Sofia Lindqvist" in message
    assert "Priya" not in message


@pytest.mark.parametrize("query", ["Zebulon Quirke", "xyzzy", "", "   "])
def test_nobody_matching_gives_none(people: list[Person], query: str) -> None:
    assert resolve_person(people, query) is None


def test_search_orders_best_first_and_respects_the_limit(people: list[Person]) -> None:
    matches = search_people(people, "Lind", limit=2)
    assert len(matches) <= 2
    scores = [score for _person, score in matches]
    assert scores == sorted(scores, reverse=True)
    assert search_people([], "Priya") == []


# --- untrusted text ---------------------------------------------------------------------------

FORBIDDEN = ["\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\x00", "\x7f", "\u202e", "\u202d", "\u2066", "\u2067",
             "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize(
    ("dirty", "wanted"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),  # CSI colours
        ("\x1b[2J\x1b[Hcleared", "cleared"),  # clear screen, cursor home
        ("Eve\x1b]0;pwned\x07", "Eve"),  # OSC window title, BEL-terminated
        ("a\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink, ST-terminated
        ("copy\x1b]52;c;ZWNobyBwd25lZA==\x07 me", "copy me"),  # OSC 52 clipboard write
        ("x\x1b]52;c;ZWNobyBwd25lZA==\x1b\\y", "xy"),  # OSC 52 with ST
        ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),  # DCS
        ("c1\x9b31mcsi", "c1csi"),  # 8-bit CSI
        ("c1\x9d52;c;aGk=\x9cosc", "c1osc"),  # 8-bit OSC and ST
        ("nel\x85 here", "nel here"),  # other C1 control
        ("bell\x07 nul\x00 del\x7f bs\x08", "bell nul del bs"),  # C0 and DEL
        ("user\u202egnp.exe", "usergnp.exe"),  # right-to-left override
        ("\u2066isolate\u2069 \u200emark\u200f", "isolate mark"),
        ("alm\u061c.", "alm."),
    ],
)
def test_clean_removes_escapes_and_controls(dirty: str, wanted: str) -> None:
    result = clean(dirty)
    assert result == wanted
    assert not any(ch in result for ch in FORBIDDEN)


def test_clean_keeps_newlines_and_tabs_unless_single_line() -> None:
    assert clean("line one\nline two\tcolumn") == "line one\nline two\tcolumn"
    assert clean("windows\r\nline\rold mac") == "windows\nline\nold mac"
    assert clean("line one\n\nline two\tcolumn\r\n", single_line=True) == "line one line two column"
    assert clean("one \x1b[1mbold\x1b[0m\nline", single_line=True) == "one bold line"


@pytest.mark.parametrize(
    "plain",
    ["Priya Raman", "José Álvarez — Cobalt Labs", "日本語のトーク", "[@click=app.quit] [/] markup stays text",
     "50% off <b>&amp;</b> \"quotes\" 'and' emoji 🐍", ""],
)
def test_clean_returns_plain_text_unchanged(plain: str) -> None:
    assert clean(plain) == plain
    assert clean(plain, single_line=True) == plain


def test_clean_accepts_none_and_non_strings() -> None:
    assert clean(None) == ""
    assert clean(42) == "42"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("José Álvarez", "Jose Alvarez"),
        ("Chloé Martin", "CHLOE MARTIN"),
        ("Raman, Priya", "Priya Raman"),
        ("Álvarez, José", "jose alvarez"),
        ("  Priya    Raman ", "Priya Raman"),
        ("Priya\tRaman\n", "Priya Raman"),
        ("\x1b[1mPriya\x1b[0m Raman", "Priya Raman"),
        ("Dr. Priya Raman", "Dr Priya Raman"),
    ],
)
def test_normalise_name_matches_spellings_of_the_same_name(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_normalise_name_values() -> None:
    assert normalise_name("José Álvarez") == "jose alvarez"
    assert normalise_name("Watanabe, Kenji") == "kenji watanabe"
    assert normalise_name("Priya Raman") != normalise_name("Priya Ramen")
    assert normalise_name("Lovelace, Ada, Countess") == "lovelace, ada, countess"  # only one comma turns around
