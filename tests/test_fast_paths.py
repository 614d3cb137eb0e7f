"""Each fast path the budgets need, held equal to the slow reference it stands in for, by
property tests over generated input (see ARCHITECTURE.md, "Fast paths")."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companion.cli import COMMANDS, build_parser, hoist_data_dir, quick_args
from companion.errors import CompanionError

# --- the command line: quick_args against argparse -------------------------------------------------

WORDS = st.sampled_from([
    "who", "sessions", "people", "Ada", "ada lovelace", "", "2026-12-02", "c1", "-1", "x",
    "--json", "--day", "--starred", "--now", "--conference", "--data-dir", "/d", "--data-dir=/d",
    "--jso", "--day=2026-12-02", "-h", "--", "--bogus",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=7))
def test_the_quick_reader_reads_a_command_line_as_argparse_does_or_leaves_it_to_argparse(words: list[str]) -> None:
    words = hoist_data_dir(words)
    quick = quick_args(words)
    if quick is None:
        return  # argparse reads it (and answers a mistake or -h)
    assert vars(quick) == vars(build_parser().parse_args(words))


@pytest.mark.parametrize("words", [["who", "Ada"], ["sessions", "--day", "2026-12-02", "--json"],
                                   ["--data-dir", "/d", "sessions", "--starred", "--now"]])
def test_the_quick_reader_takes_the_plain_lines_it_is_for(words: list[str]) -> None:
    assert quick_args(words) is not None  # the property above is not vacuous


def test_quick_commands_use_only_what_the_quick_reader_understands() -> None:
    quick = [command for command in COMMANDS if command.quick]
    assert {command.name for command in quick} == {"who", "sessions"}
    for command in quick:
        assert not command.subcommands
        for option in command.args:
            assert set(option.options) <= {"help", "metavar", "action"}, (command.name, option.names)
            assert option.options.get("action") in (None, "store_true"), (command.name, option.names)
            assert len(option.names) == 1


def test_a_mistake_on_a_quick_command_is_argparse_s_one_line() -> None:
    assert quick_args(["who", "--jso", "ada"]) is None
    with pytest.raises(CompanionError):
        build_parser().parse_args(["who", "a", "b"])


# --- people search: Store.search_people (summaries) against lookup.search_people (records) -------

FIRST = ["Ada", "Anna", "Ana", "José", "Jose", "Priya", "Li", "Grace", "Mary Ann", "Jon", "John"]
LAST = ["Lovelace", "Hopper", "Raman", "Álvarez", "Alvarez", "Smith", "Smyth", "Lee", "van der Berg"]
AFFILIATIONS = ["", "Acme", "ACME Labs", "Python Software Foundation", "Université de Lyon"]
PERSON = st.builds(
    lambda first, last, affiliation, tags: (f"{first} {last}", affiliation, tags),
    st.sampled_from(FIRST), st.sampled_from(LAST), st.sampled_from(AFFILIATIONS),
    st.lists(st.sampled_from(["python", "rust", "packaging", "security"]), max_size=2),
)
QUERY = st.one_of(
    st.sampled_from([*FIRST, *LAST, "ada lovelace", "ADA LOVELACE", "jose alvarez", "José Álvarez", "acme",
                     "python", "priya raman", "Jon Smit", "grace hoper", "x", "  li  ", "van der"]),
    st.text(alphabet="abcdeijlnorsyáé ", min_size=1, max_size=8),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PERSON, min_size=1, max_size=25), st.lists(QUERY, min_size=1, max_size=4), st.integers(1, 8))
@example([("Jose Alvarez", "", []), ("José Álvarez", "", []), ("Ana Smith", "Acme", [])], ["José Álvarez", "acme"], 5)
def test_the_store_s_search_over_summaries_ranks_as_the_search_over_records(
    tmp_path_factory: pytest.TempPathFactory, people: list[tuple[str, str, list[str]]], queries: list[str], limit: int
) -> None:
    from companion.lookup import search_people
    from companion.models import Person
    from companion.store import Store

    store = Store(tmp_path_factory.mktemp("search"))
    with store.user.transaction() as db:  # stored as given: no merging of the same name
        db.table("people").insert_multiple(
            Person(name=name, affiliation=affiliation, tags=tags).to_dict() for name, affiliation, tags in people)
    records = store.people()
    for query in queries:
        fast = [(person.id, score) for person, score in store.search_people(query, limit=limit)]
        reference = [(person.id, score) for person, score in search_people(records, query, limit=limit)]
        assert fast == reference, query


# --- speaker matching: a matcher for a few names against the indexed one ---------------------------

SPEAKER_FIRST = ["Ana", "Anna", "Jon", "John", "José", "Priya", "Li", "J", "Grace", "Mary Ann", "Jo"]
SPEAKER_LAST = ["Smith", "Smyth", "Raman", "Álvarez", "Alvarez", "Hopper", "Lee", "Li", "van der Berg", "Smit"]
SPEAKER_NAME = st.one_of(
    st.builds(lambda first, middle, last: f"{first} {middle}{last}",
              st.sampled_from(SPEAKER_FIRST), st.sampled_from(["", "Q. ", "de ", "K. "]), st.sampled_from(SPEAKER_LAST)),
    st.builds(lambda first, last: f"{last}, {first}", st.sampled_from(SPEAKER_FIRST), st.sampled_from(SPEAKER_LAST)),
    st.text(alphabet="abehijlmnorsty ", max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(SPEAKER_NAME, max_size=40), st.lists(SPEAKER_NAME, min_size=1, max_size=10))
def test_a_matcher_for_a_few_names_answers_as_the_indexed_one(people: list[str], speakers: list[str]) -> None:
    from companion.matching import SpeakerMatcher
    from companion.text import normalise_name

    ids, keys = list(range(1, len(people) + 1)), [normalise_name(name) for name in people]
    indexed, few = SpeakerMatcher(ids, keys), SpeakerMatcher(ids, keys, few=True)
    for name in speakers + people[:5]:
        assert few.match(name) == indexed.match(name), name
        assert few.match(name, fuzzy=False) == indexed.match(name, fuzzy=False), name
