"""The talking-point coach (ARCHITECTURE.md, "The coach"): it reads what an answer means, not phrases.

The labelled corpus (``coach_corpus.jsonl``, one answer a line: its field, its text and the rule it
should trip, or null for a strong answer) was written by people who did not see the coach's code,
across fields (data, web, security, ops, research, design, community, ml, mobile, docs, hardware,
product). The coach is held to it as a whole (recall of weak answers, share of strong answers
flagged) and rule by rule; the figures are printed on every run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from companion import coach
from companion.coach import PROMPTS, RULES, first_rule, readiness, review
from companion.models import Person, TalkingPoint

CORPUS = [json.loads(line) for line in (Path(__file__).parent / "coach_corpus.jsonl").read_text().splitlines() if line]

SPECIFIC = TalkingPoint(
    person_id=1,
    work="Your blog post on pinning dependencies with lockfiles",
    how="We switched our CI to lockfiles and the flaky builds stopped",
    question="How do you handle lockfiles for libraries, as opposed to applications?",
    offer="Our migration notes, as a case study for your docs",
    common="We both came to Python from physics",
)


def rules_of(point: TalkingPoint) -> list[str]:
    return [flag.rule for flag in review(point)[0]]


def point_with(field: str, text: str) -> TalkingPoint:
    return TalkingPoint(person_id=1, **{field: text})


# --- the corpus -------------------------------------------------------------------------------


def test_the_corpus_is_big_balanced_and_labels_every_rule() -> None:
    weak = [row for row in CORPUS if row["expect"]]
    strong = [row for row in CORPUS if not row["expect"]]
    assert len(CORPUS) >= 200 and abs(len(weak) - len(strong)) <= len(CORPUS) // 10
    assert {row["expect"] for row in weak} == {rule.id for rule in RULES}
    assert {row["field"] for row in strong} == set(PROMPTS)
    assert len({row["domain"] for row in CORPUS}) >= 7


def test_the_coach_on_the_corpus_recall_of_weak_and_strong_left_alone(record_property: Callable[[str, object], None]) -> None:
    found: Counter[str] = Counter()
    wrongly: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    misses: list[str] = []
    weak = flagged_weak = strong = flagged_strong = 0
    for row in CORPUS:
        rule = first_rule(row["field"], row["text"])
        got = rule.id if rule else None
        want = row["expect"]
        if want:
            weak += 1
            flagged_weak += got is not None
            labelled[want] += 1
        else:
            strong += 1
            flagged_strong += got is not None
        if got and got == want:
            found[got] += 1
        elif got:
            wrongly[got] += 1
        if (want is None) != (got is None):
            misses.append(f"{row['id']} [{row['field']}] expected {want}, got {got}: {row['text']}")
    lines = [f"{'rule':<20} {'precision':>9} {'recall':>7}  (of {len(CORPUS)} answers)"]
    for rule in RULES:
        hits, wrong, total = found[rule.id], wrongly[rule.id], labelled[rule.id]
        precision = hits / (hits + wrong) if hits + wrong else 1.0
        lines.append(f"{rule.id:<20} {precision:>9.0%} {hits / total if total else 1.0:>7.0%}")
    recall = flagged_weak / weak
    false_alarms = flagged_strong / strong
    lines.append(f"weak answers flagged: {recall:.1%} ({flagged_weak}/{weak}); "
                 f"strong answers flagged: {false_alarms:.1%} ({flagged_strong}/{strong})")
    record_property("coach_table", "\n".join(lines))  # printed at the end of the run (conftest.py)
    assert recall >= 0.95, "\n".join(misses)
    assert false_alarms <= 0.05, "\n".join(misses)
    # Each rule finds most of its own; another rule may flag the rest (a question can be both too broad
    # and answered by their bio: the corpus's writers chose one label, the coach may name the other).
    for rule in RULES:
        assert found[rule.id] >= 0.75 * labelled[rule.id], rule.id


# --- each check, and the words that must not trip it ------------------------------------------

# One typical answer per rule, in a field the rule reads. A new rule needs an entry here.
TYPICAL: dict[str, tuple[str, str]] = {
    "vague-work": ("work", "your podcast"),
    "no-effect": ("how", "It was top notch, a real game changer"),
    "broad-question": ("question", "Where do you think the industry is heading?"),
    "answered-in-public": ("question", "What would you tell your younger self?"),
    "referral-ask": ("question", "Any roles open on your side?"),
    "no-agenda": ("question", "Could we find twenty minutes to talk sometime?"),
    "mentor-ask": ("question", "Would you guide me while I move into security?"),
    "go-between": ("question", "Could you put me in touch with your CTO?"),
}


def test_every_rule_has_a_typical_answer_in_this_file() -> None:
    assert {rule.id for rule in RULES} == set(TYPICAL)


@pytest.mark.parametrize("rule_id", sorted(TYPICAL))
def test_each_rule_fires_on_its_typical_answer_and_says_why_and_what_instead(rule_id: str) -> None:
    field, text = TYPICAL[rule_id]
    flags, _missing = review(point_with(field, text))
    assert [(flag.rule, flag.field) for flag in flags] == [(rule_id, field)]
    assert flags[0].reason.strip() and "\n" not in flags[0].reason  # one line
    assert flags[0].better.strip()
    rule = next(rule for rule in RULES if rule.id == rule_id)
    assert not rule.check(flags[0].better)  # what to write instead passes the rule


@pytest.mark.parametrize(("field", "text", "rule_id"), [
    # Vague work: a kind with nothing that picks out one piece, a body of work on a broad field.
    ("work", "your slides", "vague-work"),
    ("work", "Your posts", "vague-work"),
    ("work", "your work on databases", "vague-work"),
    ("work", "I love your work!", "vague-work"),
    ("work", "the videos you put on youtube about frontend", "vague-work"),
    # Judgements in "how".
    ("how", "very well done", "no-effect"),
    ("how", "Super helpful, I learned a lot", "no-effect"),
    ("how", "it made me think", "no-effect"),
    # Asks, in words no list of phrases holds.
    ("question", "Would your team consider me for an internship next summer?", "referral-ask"),
    ("offer", "I could send over my CV if that helps", "referral-ask"),
    ("common", "we both studied at Delft, maybe you could put in a word with the hiring manager", "referral-ask"),
    ("question", "let's catch up sometime!", "no-agenda"),
    ("offer", "a coffee whenever you're free", "no-agenda"),
    ("question", "Could you be my mentor?", "mentor-ask"),
    ("question", "Can I ping you with questions whenever I'm stuck?", "mentor-ask"),
    ("question", "Do you know anyone at Stripe you could connect me with?", "go-between"),
    ("question", "How did you get into tech?", "answered-in-public"),
    ("question", "Any advice for someone starting out?", "answered-in-public"),
    ("question", "Thoughts on AI?", "broad-question"),
    ("question", "Can you explain Kubernetes to me?", "broad-question"),
    ("question", "Is Kubernetes overkill?", "broad-question"),
    ("question", "Any chance of an internship next summer?", "referral-ask"),
    ("question", "Want to grab a bite after the keynote?", "no-agenda"),
    ("how", "We never shipped it", "no-effect"),
    # Scare quotes are the writer's words, not a title.
    ("question", 'Could you "refer" me to your team?', "referral-ask"),
    ("question", 'Would you be my "mentor"?', "mentor-ask"),
    ("question", 'Thoughts on "the future of the web"?', "broad-question"),
    ("work", 'I loved your "work"', "vague-work"),
    # Texting spellings, asks added after a specific answer, asks in the words of an offer.
    ("question", "do u know if theres a junior opening on ur team", "referral-ask"),
    ("question", "is your team growing? asking for myself", "referral-ask"),
    ("work", "Your Rust compiler talk at RustConf 2024 \u2014 also, could you introduce me to your CTO?", "go-between"),
    ("offer", "In exchange for regular career coaching, I can proofread your newsletter", "mentor-ask"),
    ("common", "both into climbing. call me for a catch up anytime", "no-agenda"),
    ("offer", "happy to hop on a video call any week that suits you, no agenda", "no-agenda"),
    ("question", "How should journalism change because of AI?", "broad-question"),
    ("question", "How do we fix open source funding?", "broad-question"),
    ("question", "Is blockchain overhyped?", "broad-question"),
    ("question", "What's your go-to terminal emulator?", "answered-in-public"),
    ("question", "What is your talk about tomorrow?", "answered-in-public"),
    ("work", "your web performance talks over the years", "vague-work"),
])
def test_weak_answers_in_other_words(field: str, text: str, rule_id: str) -> None:
    rule = first_rule(field, text)
    assert rule is not None and rule.id == rule_id, (text, rule and rule.id)


@pytest.mark.parametrize(("field", "text"), [
    # A specific piece: a kind plus a title, a topic, a venue, a year, a name, a version, a URL.
    ("work", "Your blog post on pinning dependencies with lockfiles"),
    ("work", "your talk at PyCon 2023"),
    ("work", "the pgbouncer post"),
    ("work", "Boring Technology, the talk"),
    ("work", "https://example.org/posts/lockfiles"),
    ("work", "the part of your book on query planners where you compare join orders"),
    # Words inside quotes are a title, not the writer's ask.
    ("work", "your post 'Can I pick your brain?' on cold emails"),
    ("work", "your talk \u201cAre you hiring? Fix your README first\u201d"),
    ("work", "your talk on recruiting engineers without whiteboard interviews"),
    ("work", "your article on cron jobs that fail silently"),
    # An effect, with or without a judgement beside it.
    ("how", "We moved our CI to lockfiles and the flaky builds stopped"),
    ("how", "It was great: our team adopted the checklist for every release"),
    ("how", "it cut our p99 latency in half"),
    ("how", "I stopped writing my own retry loops"),
    # Questions about their work or a decision they made.
    ("question", "How do you handle lockfiles for libraries, as opposed to apps?"),
    ("question", "Why did you choose transaction pooling for pgbouncer?"),
    ("question", "How did you get started with property-based testing in CI?"),
    ("question", "Any advice on handling lockfiles for libraries?"),
    ("question", "In your post you said to pin everything; what should I learn first about resolvers for that?"),
    ("question", "How did you structure the interviews when you rebuilt your hiring loop?"),
    ("question", "Why did your team stop hiring juniors in 2023?"),
    # Offers and common ground that mention a trigger word legitimately.
    ("offer", "I could mentor newcomers in your project's Discord"),
    ("offer", "Our notes on the migration, as a case study for your docs"),
    ("common", "We both mentor at PyLadies"),
    ("common", "You introduced structured logging at your company; we did the same last year"),
    # Found in review: nouns that are not asks, pieces named by "of"/"to", effects in other shapes.
    ("question", "Would you give the talk again?"),
    ("offer", "We could host the talk at our meetup"),
    ("question", "What would you cut from the talk if you had ten minutes?"),
    ("question", "Would the cron jobs at your company survive a DST change?"),
    ("question", "Would the roles in your RBAC post map onto Kubernetes namespaces?"),
    ("question", "In your mentoring-programme post, why did mentees pick their mentors rather than the other way round?"),
    ("work", "your comparison of Raft and Paxos"),
    ("work", "your introduction to Rust lifetimes"),
    ("how", "on-call is much calmer"),
    ("how", "It saved me a weekend of debugging the OOM killer"),
    ("how", "Convinced my team to write ADRs"),
    ("how", "Our docs were reorganised into tutorials, how-tos and reference"),
    ("how", "It's the reason we have an accessibility checklist in every PR"),
    ("how", "We shipped the game on Steam"),
    # A verb of meeting with a thing as its object; the work as the unsaid subject; the writer as the hirer.
    ("offer", "I can connect your fuzzing harness to our nightly CI and send you the crash reports"),
    ("how", "was adopted as the onboarding exercise for every new hire on our team"),
    ("offer", "I run hiring at a 50-person startup and could share our interview rubric for your chapter"),
    ("question", "In your mentoring programme, why match mentees across teams rather than within them?"),
    ("offer", "Happy to introduce you to the PyLadies Nairobi organisers if you want speakers for your meetup"),
])
def test_strong_answers_are_left_alone(field: str, text: str) -> None:
    rule = first_rule(field, text)
    assert rule is None, (text, rule.id if rule else None)


def test_an_answer_without_a_letter_or_digit_is_missing_not_weak() -> None:
    for text in ("?", "'", "\U0001f642", "\u200b"):
        assert review(point_with("question", text)) == ([], list(PROMPTS))


def test_their_talk_with_quotes_in_its_title_fills_a_specific_work_answer() -> None:
    from datetime import datetime, timezone

    from companion.cards import talk_choices
    from companion.models import Session

    start = datetime(2026, 12, 3, 9, tzinfo=timezone.utc)
    talk = Session("s1", "c", 'The "Can you refer me?" problem', start, start)
    (choice,) = talk_choices([talk], {})
    assert "Can you refer me?" in choice.answer
    assert first_rule("work", choice.answer) is None  # one title, not an ask


def test_a_specific_honest_point_gets_no_flags_and_nothing_missing() -> None:
    assert review(SPECIFIC) == ([], [])


def test_an_answer_gets_one_flag_the_first_rule_in_the_table() -> None:
    flags, _missing = review(point_with("question", "Could I pick your brain about a job on your team?"))
    assert [flag.rule for flag in flags] == ["referral-ask"]  # the ask before the chat


def test_a_vague_point_collects_a_flag_per_weak_answer_in_prompt_order() -> None:
    point = TalkingPoint(person_id=1, work="I love your work", how="so useful", question="can I pick your brain")
    flags, missing = review(point)
    assert [(flag.rule, flag.field) for flag in flags] == [
        ("vague-work", "work"), ("no-effect", "how"), ("no-agenda", "question")]
    assert missing == ["offer", "common"]


def test_shouting_spaces_and_line_breaks_do_not_hide_an_ask() -> None:
    assert rules_of(point_with("question", "CAN I PICK YOUR BRAIN?")) == ["no-agenda"]
    assert rules_of(point_with("question", "Can I pick your  brain about\nwidget layout?")) == ["no-agenda"]
    assert rules_of(point_with("common", "Would you mentor me?")) == ["mentor-ask"]


def test_missing_lists_unanswered_questions_in_prompt_order() -> None:
    point = TalkingPoint(person_id=1, how="It fixed our CI", offer="   ")
    flags, missing = review(point)
    assert flags == []
    assert missing == ["work", "question", "offer", "common"]  # whitespace-only is unanswered
    assert review(TalkingPoint(person_id=1))[1] == list(PROMPTS)


def test_readiness_follows_the_checks() -> None:
    assert readiness(SPECIFIC) == "ready"
    assert readiness(SPECIFIC.replace(how="honestly a game changer")) == "weak"
    assert readiness(SPECIFIC.replace(work="your newsletter")) == "weak"
    assert readiness(TalkingPoint(person_id=1, work=SPECIFIC.work)) == "draft"


# --- kept verdicts ----------------------------------------------------------------------------


def test_a_saved_point_keeps_its_verdict_and_the_verdict_is_used_only_while_it_holds(tmp_path: Path) -> None:
    from companion.store import Store

    store = Store(tmp_path)
    person = store.save_person(Person(name="Ada Example"))
    store.save_talking_point(TalkingPoint(person.id, work="I love your work", question="Can I pick your brain?"))
    saved = store.talking_point(person.id)
    assert saved is not None and saved.coach is not None
    assert sorted(rule for rule, _field in saved.coach["flags"]) == ["no-agenda", "vague-work"]
    assert {flag.rule for flag in review(saved)[0]} == {"no-agenda", "vague-work"}

    # The kept verdict is what review reads: a verdict under the right checksum is believed...
    saved.coach = {"key": saved.coach["key"], "flags": [["mentor-ask", "question"]]}
    assert [(flag.rule, flag.field) for flag in review(saved)[0]] == [("mentor-ask", "question")]
    assert review(saved)[0][0].reason == next(rule.reason for rule in RULES if rule.id == "mentor-ask")
    # ...and one that no longer fits the answers, or is damaged, is not: the rules are run again.
    saved.question = "How do you pin dependencies for libraries?"
    assert [flag.rule for flag in review(saved)[0]] == ["vague-work"]
    for damaged in ({"key": saved.coach["key"], "flags": "x"}, {"flags": []}, "text", {"key": 1, "flags": [[1]]}):
        saved.coach = damaged
        assert [flag.rule for flag in review(saved)[0]] == ["vague-work"]


def test_a_verdict_kept_by_an_older_coach_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    point = coach.remember(TalkingPoint(person_id=1, work="your podcast"))
    assert [flag.rule for flag in review(point)[0]] == ["vague-work"]
    # Saved under the phrase-list coach (version 1), the point was judged fine; read again, it is not.
    monkeypatch.setattr(coach, "COACH_VERSION", 1)
    monkeypatch.setattr(coach, "_RULES_KEY", [])
    old = coach.remember(TalkingPoint(person_id=1, work="your podcast"))
    old.coach = {"key": old.coach["key"], "flags": []}
    assert review(old)[0] == []
    monkeypatch.undo()
    coach._RULES_KEY.clear()
    assert [flag.rule for flag in review(old)[0]] == ["vague-work"]


def test_a_verdict_kept_under_reworded_rules_is_not_believed(monkeypatch: pytest.MonkeyPatch) -> None:
    point = coach.remember(TalkingPoint(person_id=1, work="Your post on lockfiles"))
    point.coach = {"key": point.coach["key"], "flags": [["mentor-ask", "work"]]}
    assert [flag.rule for flag in review(point)[0]] == ["mentor-ask"]
    changed = tuple(rule if rule.id != "mentor-ask" else rule.replace(reason=rule.reason + " (reworded)")
                    for rule in RULES)
    monkeypatch.setattr(coach, "RULES", changed)
    monkeypatch.setattr(coach, "_RULES_KEY", [])
    assert review(point)[0] == []


def test_verdicts_kept_by_an_older_coach_are_refreshed_without_touching_the_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.store import Store

    store = Store(tmp_path)
    ada = store.save_person(Person(name="Ada Example"))
    bo = store.save_person(Person(name="Bo Example"))
    monkeypatch.setattr(coach, "COACH_VERSION", 1)
    monkeypatch.setattr(coach, "_RULES_KEY", [])
    store.save_talking_point(TalkingPoint(ada.id, work="your podcast", how="We moved our CI to lockfiles"))
    monkeypatch.undo()
    coach._RULES_KEY.clear()
    store.save_talking_point(TalkingPoint(bo.id, work="Your post on lockfiles"))
    old = store.talking_point(ada.id)
    assert old is not None and not coach.verdict_holds(old)
    before = store.talking_point(bo.id)

    assert store.refresh_coach_verdicts() == 1
    refreshed = store.talking_point(ada.id)
    assert refreshed is not None and coach.verdict_holds(refreshed)
    assert (refreshed.work, refreshed.how, refreshed.updated) == (old.work, old.how, old.updated)
    assert refreshed.coach["flags"] == [["vague-work", "work"]]
    assert store.talking_point(bo.id) == before  # already current: not written
    assert store.refresh_coach_verdicts() == 0
