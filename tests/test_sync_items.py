"""What each synced item looks like on the server, without a server: one item per resource and no
METHOD (RFC 4791), the exporter's UIDs and SEQUENCE, a card's NOTE and CATEGORIES, and what a phone
added to a card carried along."""

from __future__ import annotations

from datetime import date, datetime, timezone

from companion.exporters.ics import todo_uid
from companion.models import Connection, FollowUp, Person, TalkingPoint
from companion.sync.items import card_extra, followup_body, followup_fields, person_body, read_calendar_item, read_card

UTC = timezone.utc


def test_a_follow_up_is_one_task_with_the_exporters_uid_and_sequence_and_no_method() -> None:
    item = FollowUp(kind="thank", title="Thank Ana\x1b[31m", due=date(2026, 12, 4), person_id=1, id=3,
                    uid="companion-thank-n1-p1-0@companion", sequence=4, updated=datetime(2026, 12, 3, tzinfo=UTC))
    body = followup_body(item, None, "tasks", UTC)
    assert b"METHOD" not in body and body.count(b"BEGIN:VTODO") == 1 and b"BEGIN:VEVENT" not in body
    assert f"UID:{todo_uid(item.uid)}".encode() in body and b"SEQUENCE:4" in body and b"\x1b" not in body
    # Read back, it says what companion compares it with (the title as sent: cleaned), so no change is seen.
    assert read_calendar_item(body, UTC) == (todo_uid(item.uid), followup_fields(item))
    assert followup_fields(item)["title"] == "Thank Ana"
    event = followup_body(item, None, "events", UTC)
    assert b"BEGIN:VEVENT" in event and b"BEGIN:VALARM" in event and b"METHOD" not in event


def test_a_card_carries_the_point_how_we_met_and_tags_and_keeps_what_the_phone_added() -> None:
    person = Person(name="Ana Lima", id=7, affiliation="Lease Labs", email="ana@example.org", tags=["scheduling", "rust"],
                    links={"github": "https://github.com/ana"}, connections=[Connection("school", "TU Berlin")])
    point = TalkingPoint(7, work="your post 'Leases'", question="Why leases over locks?")
    body = person_body(person, point, "person-7-abc@companion", "3.0", ["TEL;TYPE=cell:+49 30 1234", "item1.ADR:;;Main St 1;;;;"])
    text = body.decode()
    assert "VERSION:3.0" in text and "TEL;TYPE=cell:+49 30 1234" in text
    uid, fields = read_card(body, "ana.vcf")
    assert uid == "person-7-abc@companion"
    assert fields["email"] == "ana@example.org" and fields["affiliation"] == "Lease Labs"
    assert sorted(fields["tags"]) == ["rust", "scheduling"] and fields["links"] == {"github": "https://github.com/ana"}
    assert "Why leases over locks?" in fields["note"] and "How we met: school: TU Berlin" in fields["note"]
    assert card_extra(body) == ["TEL;TYPE=cell:+49 30 1234", "item1.ADR:;;Main St 1;;;;"]
    assert b"VERSION:4.0" in person_body(person, point, "person-7-abc@companion", "4.0", [])


def test_a_task_completed_or_moved_elsewhere_reads_as_done_on_its_day() -> None:
    body = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//phone//EN\r\nBEGIN:VTODO\r\nUID:x-todo@companion\r\n"
            b"DTSTAMP:20261205T100000Z\r\nSUMMARY:Thank Ana\r\nDUE;VALUE=DATE:20261206\r\nSTATUS:COMPLETED\r\n"
            b"COMPLETED:20261205T100000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
    assert read_calendar_item(body, UTC) == ("x-todo@companion", {"status": "done", "due": "2026-12-06", "title": "Thank Ana"})
    assert read_calendar_item(b"not a calendar", UTC) is None


def test_vcard_4_is_used_only_where_the_address_book_says_it_takes_it() -> None:
    from companion.sync.dav import Reply
    from companion.sync.setup import addressbooks

    listing = (
        b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        b"<d:response><d:href>/ana/contacts/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
        b"</d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        b"<d:response><d:href>/ana/contacts/new/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
        b"<c:addressbook/></d:resourcetype><d:displayname>New</d:displayname><c:supported-address-data>"
        b'<c:address-data-type content-type="text/vcard" version="3.0"/>'
        b'<c:address-data-type content-type="text/vcard" version="4.0"/></c:supported-address-data></d:prop>'
        b"<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        b"<d:response><d:href>/ana/contacts/old/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
        b"<c:addressbook/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        b"</d:multistatus>"
    )

    class Server:
        def request(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
            return Reply(207, {}, listing, url)

    books = addressbooks(Server(), "http://dav.example/ana/contacts/")  # type: ignore[arg-type]
    assert [(b["url"], b["versions"]) for b in books] == [
        ("http://dav.example/ana/contacts/new/", ["3.0", "4.0"]), ("http://dav.example/ana/contacts/old/", [])]
