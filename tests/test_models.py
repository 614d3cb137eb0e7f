"""The model's records behave as the dataclasses they replaced did: built by position or name with
the same defaults, equal by value, shown by their fields, copied with changes, and stored and read
back unchanged."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from companion.coach import Flag
from companion.matching import SpeakerMatch
from companion.models import (
    Conference,
    Connection,
    FollowUp,
    Note,
    Person,
    Session,
    Speaker,
    TalkingPoint,
)

MOMENT = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)


def examples() -> list[object]:
    return [
        Conference("pycon", "PyCon", "Europe/Berlin", date(2026, 12, 1), date(2026, 12, 3), options={"tz": "x"}),
        Session("s1", "pycon", "Talk", MOMENT, MOMENT, room="A", speakers=[Speaker("Ada", "7")], day=date(2026, 12, 2)),
        Person("Ada Lovelace", 3, "Engines", links={"github": "ada"}, tags=["math"],
               connections=[Connection("school", "Cambridge")], last_interaction=MOMENT),
        TalkingPoint(3, work="Your notes on the engine", question="How?", updated=MOMENT,
                     coach={"key": "k", "flags": []}),
        Note("Met at the break", MOMENT, 5, [3], "s1", "pycon"),
        FollowUp("thank", "Thank Ada", date(2026, 12, 3), 3, id=9, note_id=5, created=MOMENT),
    ]


@pytest.mark.parametrize("record", examples(), ids=lambda r: type(r).__name__)
def test_a_record_stored_and_read_back_is_equal_and_a_changed_one_is_not(record) -> None:  # noqa: ANN001
    cls = type(record)
    data = record.to_dict()
    back = cls.from_dict(data, id=record.id) if cls in (Person, Note, FollowUp) else cls.from_dict(data)
    assert back == record and not (back != record)
    first = cls.FIELDS[0]
    changed = record.replace(**{first: "something else"})
    assert changed != record and getattr(changed, first) == "something else"
    assert all(getattr(changed, name) == getattr(record, name) for name in cls.FIELDS[1:])
    assert repr(record).startswith(f"{cls.__name__}({first}=")
    with pytest.raises(TypeError):
        hash(record)  # mutable records are not hashable, as dataclasses with eq are not


def test_defaults_are_fresh_for_each_record() -> None:
    a, b = Person("A"), Person("B")
    a.tags.append("x")
    a.links["github"] = "a"
    assert b.tags == [] and b.links == {} and b.connections == []
    assert Session("s", "c", "t", MOMENT, MOMENT).speakers is not Session("s", "c", "t", MOMENT, MOMENT).speakers
    assert Person("A").priority == "hope-to-meet" and FollowUp("k", "t", date(2026, 1, 1), 1).status == "open"


def test_records_of_other_classes_are_never_equal() -> None:
    assert Speaker("Ada") != Connection("Ada", "")
    assert Speaker("Ada") != ("Ada", "")


def test_replace_refuses_a_field_the_record_does_not_have() -> None:
    with pytest.raises(TypeError, match="no field 'nmae'"):
        Person("Ada").replace(nmae="Grace")


def test_frozen_records_hash_by_value() -> None:
    assert len({SpeakerMatch((1,), "exact"), SpeakerMatch((1,), "exact"), SpeakerMatch((2,), "exact")}) == 2
    assert hash(Flag("r", "work", "why", "better")) == hash(Flag("r", "work", "why", "better"))


def test_a_record_s_fields_are_its_constructor_s_parameters() -> None:
    from companion.models import Record

    class Pair(Record):
        def __init__(self, left: int, right: int = 0) -> None:
            self.left, self.right = left, right

    assert Pair.FIELDS == ("left", "right")
    assert Pair(1).replace(right=2) == Pair(1, 2)
    with pytest.raises(TypeError, match="differ"):
        class Drifted(Record):  # noqa: F841 - made to fail
            FIELDS = ("left",)

            def __init__(self, left: int, right: int) -> None:
                self.left, self.right = left, right


def test_a_frozen_record_cannot_change_so_its_hash_holds() -> None:
    from companion.agenda import SessionFilter
    from companion.matching import SpeakerMatch

    match = SpeakerMatch((1, 2), "fuzzy")
    before = hash(match)
    with pytest.raises(AttributeError, match="frozen"):
        match.person_ids = (3,)
    with pytest.raises(AttributeError, match="frozen"):
        del SessionFilter(("a",)).words
    assert hash(match) == before and {match: 1}[SpeakerMatch((1, 2), "fuzzy")] == 1
