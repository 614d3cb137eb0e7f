"""Message drafts: one per follow-up kind, filled from the talking point, short and
specific, never a referral or job ask, and never a control character."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from companion import coach
from companion.cli import main
from companion.drafts import TEMPLATES, Draft, asks_for_a_job, draft_for, first_name, to_you
from companion.errors import CompanionError
from companion.followups import RULES, ForPerson, NoteActions, plan_followups, plan_hello, plan_introduction
from companion.models import FollowUp, Note, Person, TalkingPoint
from companion.store import Store

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 3)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REFERRAL = next(rule for rule in coach.RULES if rule.id == "referral-ask")

PRIYA = Person(name="Priya Raman", id=3, role="maintainer", affiliation="Fernwood Analytics",
               email="priya@example.org")
OMAR = Person(name="Omar Haddad", id=5, role="SRE", affiliation="Northbank")
SPECIFIC = TalkingPoint(
    person_id=3,
    work="Her blog post on pinning dependencies with lockfiles",
    how="We switched our CI to lockfiles and the flaky builds stopped",
    question="How do you handle lockfiles for libraries, as opposed to applications?",
    offer="Our migration notes, as a case study for her docs",
    common="We both came to Python from physics",
)
NOTE = Note(text="Great chat after her talk; she seemed tired, keep it short", created=NOW, id=7, person_ids=[3])


def followups_for(detail: str = "send her the slides") -> dict[str, FollowUp]:
    """One follow-up of every kind, as the rules make them."""
    actions = NoteActions(thank=True, promises=(detail,), intros=(ForPerson("Omar Haddad", ask="both"),), waiting=True,
                          tell_later=True)
    items = {f.kind: f for f in plan_followups(NOTE, [PRIYA], actions, TODAY, NOW)}
    items["intro"] = plan_introduction([items["intro-ask"], items["intro-ask-person"]], PRIYA, NOTE, TODAY, NOW)
    items["hello"] = plan_hello("nwoss26", TODAY, PRIYA, "Lockfiles Without Tears", TODAY, NOW)
    assert set(items) == set(RULES) == set(TEMPLATES)
    return items


def draft(kind: str, point: TalkingPoint | None = SPECIFIC, *, detail: str = "send her the slides",
          person: Person = PRIYA, other: Person | None = OMAR) -> Draft:
    return draft_for(followups_for(detail)[kind], person, point, NOTE, other)


def greeting(result: Draft) -> str:
    return result.body.splitlines()[0]


# --- each kind ----------------------------------------------------------------------------------


def test_every_draft_has_a_subject_a_body_and_a_sign_off() -> None:
    for kind in RULES:
        result = draft(kind)
        assert result.subject and "\n" not in result.subject and len(result.subject) <= 72
        assert result.body.startswith("Hi ") and result.body.endswith("Best,")
        assert len(result.body.split()) < 110, kind  # short enough to read on a phone
        assert result.text() == f"Subject: {result.subject}\n\n{result.body}"


def test_thank_you_says_which_work_and_how_it_helped() -> None:
    result = draft("thank")
    assert result.to == "Priya Raman <priya@example.org>"
    assert greeting(result) == "Hi Priya,"
    assert result.subject == "Thank you for your blog post on pinning dependencies with lockfiles"
    assert "Thank you for your blog post on pinning dependencies with lockfiles." in result.body
    assert "We switched our CI to lockfiles and the flaky builds stopped." in result.body
    assert "we both came to Python from physics" in result.body
    assert "our migration notes, as a case study for your docs" in result.body  # offer, said to her


def test_promise_here_is_what_i_promised() -> None:
    result = draft("promise")
    assert "Here are the slides, as promised." in result.body
    assert result.subject == "As promised: the slides"
    assert "[" in result.body and any("bracketed" in hint for hint in result.hints)
    other = draft("promise", detail="share our benchmark results")
    assert "Here are our benchmark results, as promised" in other.body
    link = draft("promise", detail="send the link to the docs")
    assert "Here is the link to the docs, as promised." in link.body  # not "the docs I promised"
    check = draft("promise", detail="check whether pip-tools supports it")
    assert "my promise to check whether pip-tools supports it" in check.body
    # The person's own name is whom it goes to, not part of what was promised (issue 15).
    thorsten = Person(name="Thorsten Weber", id=3)
    named = draft_for(followups_for("send Thorsten our audit checklist")["promise"], thorsten, None, None)
    assert named.subject == "As promised: our audit checklist"
    assert "Here is our audit checklist, as promised." in named.body


def test_nudge_is_short_kind_and_without_guilt() -> None:
    result = draft("nudge")
    assert greeting(result) == "Hi Priya,"
    assert "How do you handle lockfiles for libraries" in result.body.replace("how do", "How do")
    assert "no reply needed" in result.body
    for guilt in ("sorry", "haven't heard", "have not heard", "still waiting", "just checking", "as i said",
                  "reminder", "again"):
        assert guilt not in result.body.casefold(), guilt
    assert len(result.body.split()) < 60


def test_introduction_request_goes_to_the_other_person_and_is_easy_to_decline() -> None:
    result = draft("intro-ask")
    assert result.to == "Omar Haddad"
    assert greeting(result) == "Hi Omar,"
    assert "Priya Raman" in result.subject and result.subject.endswith("?")
    assert "Would you like me to introduce you to Priya Raman (maintainer at Fernwood Analytics)?" in result.body
    why = [line for line in result.body.split("\n\n") if "the person behind" in line]
    assert why and "the blog post on pinning dependencies with lockfiles" in why[0]  # why, in one line
    assert "no thanks" in result.body and "unless you say yes" in result.body
    # Without a person record for the other, the name from the follow-up is used.
    assert greeting(draft("intro-ask", other=None)) == "Hi Omar,"


def test_the_introduction_names_both_says_why_and_steps_back() -> None:
    result = draft("intro")
    assert result.to == "Priya Raman <priya@example.org>, Omar Haddad"
    assert greeting(result) == "Hi Priya and Omar,"
    assert "Omar, meet Priya Raman (maintainer at Fernwood Analytics)." in result.body
    assert "Priya, meet Omar Haddad (SRE at Northbank)." in result.body
    assert "starting with Priya's blog post on pinning dependencies with lockfiles" in result.body
    assert result.body.split("\n\n")[-2] == "I will step back and let you take it from here."


def test_a_thin_talking_point_gives_a_shorter_draft_not_a_hollow_one() -> None:
    for kind in RULES:
        result = draft(kind, None)
        assert "{" not in result.body + result.subject and "None" not in result.body
        assert "  " not in result.body and " ." not in result.body and ": ." not in result.body
    assert "Thank you for taking the time to talk." in draft("thank", None).body
    assert draft("nudge", TalkingPoint(person_id=3)).subject == "Following up"


def test_the_private_note_is_a_hint_never_part_of_the_message() -> None:
    for kind in RULES:
        result = draft(kind)
        assert "tired" not in result.subject + result.body
        assert result.hints[0] == f"your note: {NOTE.text}"


def test_unknown_kind_has_no_draft() -> None:
    item = FollowUp(kind="mystery", title="?", due=TODAY, person_id=3)
    with pytest.raises(CompanionError, match="mystery"):
        draft_for(item, PRIYA, SPECIFIC, NOTE)


# --- never a referral or a job ask --------------------------------------------------------------

POINTS = [
    SPECIFIC,
    TalkingPoint(3, work="Her talk on packaging", question="Are you hiring? Could you refer me?"),
    TalkingPoint(3, work="Her talk on packaging", question="How did you pick a lockfile format? Also, any openings on your team?"),
    TalkingPoint(3, work="Her lockfile post", question="Is there a job for me at Fernwood?", offer="My resume, if you have a role for me"),
    TalkingPoint(3, work="Could you refer me for the open roles?", how="I'd love a referral", common="We both want me hired",
                 offer="Could you pass my CV to your manager?"),
    TalkingPoint(3, work="I love your work", question="Could I pick your brain sometime? Would you be my mentor?"),
    TalkingPoint(3, question="What do you think of the job market?"),
    TalkingPoint(3),
]
DETAILS = ["send her the slides", "send my CV and ask for a referral", "share the benchmark. Are you hiring?"]


@pytest.mark.parametrize("point", POINTS, ids=[f"point{i}" for i in range(len(POINTS))])
@pytest.mark.parametrize("detail", DETAILS)
def test_no_draft_ever_asks_for_a_referral_or_a_job(point: TalkingPoint, detail: str) -> None:
    for kind in RULES:
        result = draft(kind, point, detail=detail)
        message = f"{result.subject}\n{result.body}"
        assert not REFERRAL.check(message), (kind, message)
        assert not asks_for_a_job(message), (kind, message)
        assert not re.search(r"\b(?:hir(?:e|ed|ing)|jobs?|cv|resume|referral|refer|openings?|mentor)\b",
                             message, re.IGNORECASE), (kind, message)


def test_what_is_left_out_is_explained_in_the_hints() -> None:
    result = draft("nudge", POINTS[1])
    assert any("question" in hint and "referral" in hint for hint in result.hints)
    assert "packaging" in result.subject  # the rest of the point is still used
    # The thank-you does not use the question, so it says nothing about it.
    assert not any("(question)" in hint for hint in draft("thank", POINTS[1]).hints)


def test_a_question_keeps_its_good_half() -> None:
    result = draft("nudge", POINTS[2])
    assert "how did you pick a lockfile format?" in result.body
    assert "openings" not in result.body


def test_the_job_ask_detector() -> None:
    for ask in ("Are you hiring?", "Could you refer me?", "Is there a job for me?", "Any openings?",
                "Could you pass my CV along?", "I am looking for a new job", "Do you have a role for me?"):
        assert asks_for_a_job(ask), ask
    for fine in ("Your post on hiring junior engineers", "How do you schedule jobs in CI?",
                 "What role do lockfiles play for libraries?", "Thank you for the talk."):
        assert not asks_for_a_job(fine), fine


# --- text hygiene -------------------------------------------------------------------------------


def test_control_characters_are_stripped() -> None:
    eve = Person(name="Eve \x1b]0;pwned\x07Mallory\u202e", id=3, affiliation="Evil \x1b[31mCorp\x1b[0m",
                 email="eve@example.org\x07")
    point = TalkingPoint(3, work="Her \x1b[2Jpost on\x9b escapes", how="It\x00 helped\x1b[5m",
                         question="Why\u2066 this?", offer="notes\x08", common="We both\x7f like ANSI")
    actions = NoteActions(thank=True, promises=("send the \x1b[31mslides",), intros=("Omar\x1b[1m",), waiting=True)
    note = Note(text="note \x1b]52;c;ZWNobw==\x07", created=NOW, id=7, person_ids=[3])
    items = plan_followups(note, [eve], actions, TODAY, NOW)
    items.append(plan_introduction([items[2]], eve, note, TODAY, NOW))
    for item in items:
        result = draft_for(item, eve, point, note, None)
        for text in (result.subject, result.body, result.to, *result.hints):
            assert not CONTROL_CHARS.search(text), (item.kind, text)
            assert "\x1b" not in text
        assert "Eve" in result.body


def test_to_you_speaks_to_them() -> None:
    assert to_you("Her blog post on lockfiles") == "Your blog post on lockfiles"
    assert to_you("Their talk at PyCon") == "Your talk at PyCon"
    assert to_you("She showed me her notebook") == "You showed me your notebook"
    assert to_you("I told her about it") == "I told you about it"
    assert to_you("he is right and his tool helped") == "you are right and your tool helped"
    assert to_you("Priya's talk", "Priya Raman") == "Your talk"
    assert to_you("Her 38C3 talk on eBPF") == "Your 38C3 talk on eBPF"  # issue 15: not "you 38C3 talk"
    assert to_you("she was right and she has a point") == "you were right and you have a point"
    assert to_you("We moved and they fixed it") == "We moved and they fixed it"  # "they" further on: something else


def test_first_names() -> None:
    assert first_name("Priya Raman") == "Priya"
    assert first_name("Raman, Priya") == "Priya"
    assert first_name("Dr. Isabel Moreau") == "Isabel"
    assert first_name("") == ""
    assert greeting(draft_for(followups_for()["thank"], Person(name="\x1b[0m"), None, None)) == "Hi,"


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def stored(isolated_data_dir: Path) -> dict[str, int]:
    store = Store(isolated_data_dir)
    store.add_people([Person(name="Priya Raman", email="priya@example.org"), Person(name="Omar Haddad")])
    priya = next(p for p in store.people() if p.name == "Priya Raman")
    point = TalkingPoint(**{**SPECIFIC.to_dict(), "person_id": priya.id, "updated": None})
    store.save_talking_point(point)
    _, items = store.add_note("Great chat", [priya.id],
                              actions=NoteActions(thank=True, intros=("Omar Haddad",)), now=NOW)
    return {f.kind: f.id for f in items}


def test_cli_prints_the_draft(capsys: pytest.CaptureFixture[str], stored: dict[str, int]) -> None:
    capsys.readouterr()
    assert main(["followups", "draft", str(stored["thank"])]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "To: Priya Raman <priya@example.org>"
    assert lines[1] == "Subject: Thank you for your blog post on pinning dependencies with lockfiles"
    assert "Hi Priya," in lines and lines[-1] == "Best,"
    assert "We switched our CI to lockfiles" in captured.out
    assert "companion: hint: your note: Great chat" in captured.err  # hints apart from the message
    assert main(["followups", "draft", str(stored["intro-ask"])]) == 0
    assert capsys.readouterr().out.startswith("To: Omar Haddad\nSubject: Would you like an introduction to Priya Raman?")


def test_cli_draft_as_json(capsys: pytest.CaptureFixture[str], stored: dict[str, int]) -> None:
    import json

    capsys.readouterr()
    assert main(["followups", "draft", str(stored["thank"]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "thank" and data["subject"].startswith("Thank you") and "Hi Priya," in data["body"]
    assert data["hints"][0] == "your note: Great chat"


@pytest.mark.parametrize("argv", [["followups", "draft", "999"], ["followups", "draft", "first"]])
def test_cli_draft_of_an_unknown_followup_is_one_error_line(
    capsys: pytest.CaptureFixture[str], stored: dict[str, int], argv: list[str]
) -> None:
    capsys.readouterr()
    assert main(argv) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error:") and argv[-1] in lines[0]
    assert captured.out == ""


def test_a_removed_person_still_gets_a_draft() -> None:
    result = draft_for(followups_for()["promise"], None, None, None)
    assert greeting(result) == "Hi," and "Here are the slides, as promised." in result.body and result.to == ""


def test_brackets_in_a_talking_point_are_not_a_placeholder() -> None:
    point = TalkingPoint(3, work="Her post [part 2] on lockfiles")
    assert not any("bracketed" in hint for hint in draft("thank", point).hints)
