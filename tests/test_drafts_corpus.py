"""Issue 15, item 2: talking points and promises as people write them, each with the sentence a
native speaker would write in the message (``tests/drafts_corpus.jsonl``, written by hand).

Each line: ``answer`` (work, how, question or promise), ``to`` (the person the message is for), ``wrote``
(the user's words), ``sentence`` (the draft's sentence) and, for work and promises, ``subject``
(the subject line, "" when the draft falls back to "Thank you, <first name>").
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from companion.drafts import draft_for, usable_answers
from companion.models import FollowUp, Person, TalkingPoint
from companion.wording import first_name, how_sentence, promise_lines, thank_line

CORPUS = [json.loads(line) for line in (Path(__file__).parent / "drafts_corpus.jsonl").read_text().splitlines() if line]


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 100
    assert {case["answer"] for case in CORPUS} == {"work", "how", "question", "promise"}


@pytest.mark.parametrize("case", CORPUS, ids=[f"{c['answer']}:{c['wrote'][:40]}" for c in CORPUS])
def test_each_sentence_reads_as_written_by_hand(case: dict[str, str]) -> None:
    if case["answer"] == "work":
        phrase, sentence = thank_line(case["wrote"], case["to"])
        assert sentence == case["sentence"]
        assert (f"Thank you for {phrase}" if phrase else "") == case["subject"]
    elif case["answer"] == "how":
        assert how_sentence(case["wrote"], case["to"]) == case["sentence"]
    elif case["answer"] == "question":  # as the nudge asks it
        item = FollowUp(kind="nudge", title="Nudge", due=date(2026, 12, 3), person_id=1)
        result = draft_for(item, Person(name=case["to"], id=1), TalkingPoint(1, question=case["wrote"]), None)
        assert case["sentence"] in result.body.split("\n\n")[1]
    else:
        promise = promise_lines(case["wrote"], case["to"])
        assert promise.line == case["sentence"]
        assert promise.subject == case["subject"]


@pytest.mark.parametrize("case", [c for c in CORPUS if c["answer"] in ("work", "promise")],
                         ids=[f"{c['answer']}:{c['wrote'][:40]}" for c in CORPUS if c["answer"] in ("work", "promise")])
def test_the_whole_draft_carries_the_sentence(case: dict[str, str]) -> None:
    person = Person(name=case["to"], id=1)
    if case["answer"] == "work":
        item = FollowUp(kind="thank", title="Thank", due=date(2026, 12, 3), person_id=1)
        point = TalkingPoint(1, work=case["wrote"])
        result = draft_for(item, person, point, None)
        if not usable_answers(point)["work"]:  # the coach left it out (the hints say why)
            assert "Thank you for taking the time to talk." in result.body and result.hints
            return
        subject = f"{case['subject']}" if case["subject"] and len(case["subject"]) <= 72 else f"Thank you, {first_name(case['to'])}"
    else:
        item = FollowUp(kind="promise", title="Promise", due=date(2026, 12, 3), person_id=1, detail=case["wrote"])
        result = draft_for(item, person, None, None)
        subject = case["subject"] if len(case["subject"]) <= 72 else "Following up on my promise"
    assert case["sentence"] in result.body
    assert result.subject == subject
    assert result.body.startswith(f"Hi {first_name(case['to'])},")


def test_quoted_words_come_with_a_hint_to_reword_them() -> None:
    item = FollowUp(kind="thank", title="Thank", due=date(2026, 12, 3), person_id=1)
    point = TalkingPoint(1, work="Her talk on Nix flakes", how="My manager asked Ana about it and she agreed")
    result = draft_for(item, Person(name="Priya Raman", id=1), point, None)
    assert 'From my notes: "My manager asked Ana about it and she agreed".' in result.body
    assert any("quoted as you wrote it" in hint for hint in result.hints)
    promise = FollowUp(kind="promise", title="Promise", due=date(2026, 12, 3), person_id=1, detail="maybe coffee in March")
    result = draft_for(promise, Person(name="Priya Raman", id=1), None, None)
    assert result.subject == "What I promised"
    assert any("quoted as you wrote it" in hint for hint in result.hints)
