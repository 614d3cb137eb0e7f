"""Address books people really have, as their apps write them (tests/data/people/): Google Contacts
(both layouts), Outlook (English and German, Excel-saved), Apple Contacts; each imports with its
affiliation, emails, links and tags; a re-import changes nothing on disk; a big file is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from companion.importers.sources import parse_people

DATA = Path(__file__).parent / "data" / "people"
FILES = ("google_contacts.csv", "google_contacts_old.csv", "outlook_contacts.csv", "outlook_german.csv",
         "apple_contacts.vcf", "linkedin_connections.csv")


def parsed(name: str):  # noqa: ANN201
    return parse_people((DATA / name).read_bytes(), name)


def by_name(name: str) -> dict[str, dict]:
    return {person.name: person.to_dict() for person in parsed(name).people}


def test_the_sample_files_are_written_as_the_apps_write_them() -> None:
    google = (DATA / "google_contacts.csv").read_bytes()
    assert google.startswith(b"First Name,Middle Name,Last Name,") and b"\r\n" in google
    assert (DATA / "outlook_german.csv").read_bytes().startswith(b"\xef\xbb\xbfNachname;Vorname;")
    assert b"\r\n " in (DATA / "apple_contacts.vcf").read_bytes()  # folded lines


def test_google_contacts_current_layout() -> None:
    result = parsed("google_contacts.csv")
    assert (result.format, result.layout) == ("csv", "Google Contacts")
    people = {p.name: p for p in result.people}
    priya = people["Priya Raman"]
    assert (priya.affiliation, priya.role, priya.email) == ("Data, Inc.", "Staff Engineer", "priya@data.example")
    assert priya.tags == ["PyData", "Speakers"]  # "* myContacts" and "* starred" dropped
    assert priya.links == {"github": "https://github.com/priyaraman", "website": "https://priya.example.org"}
    # the second value of "a ::: b" and the second email column are kept, not lost
    assert "Other email: priya.raman@gmail.example" in priya.notes
    assert "Other email: priya@home.example" in priya.notes
    assert "googleusercontent" not in json.dumps(priya.to_dict())  # the photo column is never read
    omar = people["Omar K. Haddad"]  # first, middle and last name; "Dr." is a prefix, not a name
    assert omar.links == {"linkedin": "https://www.linkedin.com/in/omar-haddad/",
                          "mastodon": "https://hachyderm.example/@omar"}
    assert people["Lin Chen"].links == {"bluesky": "https://bsky.app/profile/lin.example.net"}
    assert people["Yukihiro Lamport"].links["mastodon"] == "@yuki@ruby.social"  # a handle in the notes
    assert result.skipped == ["line 9: no name (only a company: Acme Catering), row skipped"]


def test_google_contacts_older_layout() -> None:
    result = parsed("google_contacts_old.csv")
    assert result.layout == "Google Contacts, older layout"
    people = by_name("google_contacts_old.csv")
    grace = people["Grace Hopper"]
    assert (grace["affiliation"], grace["role"], grace["email"]) == ("US Navy", "Rear Admiral", "grace@navy.example")
    assert grace["tags"] == ["Navy", "COBOL"]
    assert grace["links"] == {"github": "https://github.com/ghopper"}
    alan = people["Alan Turing"]  # no "Name": given and family names
    assert (alan["affiliation"], alan["role"], alan["tags"]) == ("Bletchley Park", "Cryptanalyst", [])
    assert alan["notes"] == "Other email: alan.turing@example.org"


def test_outlook_csv() -> None:
    result = parsed("outlook_contacts.csv")
    assert result.layout == "Outlook"
    people = by_name("outlook_contacts.csv")
    ada = people["Ada Lovelace"]
    # "Title" beside "Job Title" is Outlook's name prefix ("Countess"), not the role
    assert (ada["affiliation"], ada["role"]) == ("Analytical Engines, Ltd.", "Mathematician")
    assert ada["tags"] == ["Speakers", "PyData"]
    assert ada["links"] == {"website": "https://ada.example.org/", "mastodon": "https://mastodon.example/@ada"}
    assert ada["priority"] == "hope-to-meet"  # Outlook's "Normal"
    jose = people["José Álvarez"]
    assert jose["links"] == {"linkedin": "https://www.linkedin.com/in/jose-alvarez"}
    assert jose["connections"] == [{"kind": "acquaintance", "detail": "Priya Raman"}]
    assert result.skipped == ["line 5: no name (only a company: Only A Company GmbH), row skipped"]


def test_outlook_in_german_saved_by_excel() -> None:
    people = by_name("outlook_german.csv")
    zuse = people["Konrad Zuse"]
    assert (zuse["affiliation"], zuse["role"], zuse["email"]) == ("Zuse KG", "Gründer", "konrad@zuse.example")
    assert zuse["tags"] == ["Rechner", "Geschichte"]
    assert zuse["links"] == {"github": "https://github.com/kzuse"}
    assert people["Emmy Noether"]["links"] == {"website": "https://noether.example"}


def test_apple_contacts_vcard() -> None:
    result = parsed("apple_contacts.vcf")
    assert result.layout == "Apple"
    people = by_name("apple_contacts.vcf")
    assert sorted(people) == ["Niklaus Lamport", "Priya Raman", "Yukihiro Lamport"]  # the company card is not a person
    assert result.skipped == ["line 49: a company's card, not a person, skipped"]
    priya = people["Priya Raman"]
    assert (priya["affiliation"], priya["role"]) == ("Data, Inc., Platform", "Staff Engineer")
    assert priya["links"] == {
        "website": "https://priya.example.org", "github": "https://github.com/priyaraman",
        "twitter": "http://twitter.com/priyar", "mastodon": "https://hachyderm.example/@priya",
        "bluesky": "https://bsky.app/profile/priya.example.org", "linkedin": "http://www.linkedin.com/in/priya-raman",
    }
    assert priya["tags"] == ["PyData", "Speakers"]
    assert priya["notes"].startswith("Met at PyData Berlin 2025. Wants to talk about Arrow and the long road from pandas.")
    assert "Other email: priya@home.example" in priya["notes"]
    assert "9j/4AAQ" not in json.dumps(people)  # the photo is dropped, never stored


def test_every_export_of_the_same_people_ends_in_one_list(cli) -> None:
    for name in FILES:
        result = cli("import", "people", DATA / name)
        assert result.code == 0, result.err
    last = result.out
    assert "(linkedin): 0 new, 3 merged" in last
    assert "  merged Priya Raman: same linkedin profile linkedin.com/in/priya-raman" in last
    assert "  merged Niklaus Lamport: same email niklaus@lamport.dev" in last
    assert "  merged Yukihiro Lamport: same name" in last
    people = {p["name"]: p for p in cli("people", "--json").json()}
    assert sorted(people) == ["Ada Lovelace", "Alan Turing", "Emmy Noether", "Grace Hopper", "José Álvarez",
                              "Konrad Zuse", "Lin Chen", "Niklaus Lamport", "Omar K. Haddad", "Priya Raman",
                              "Yukihiro Lamport"]
    priya = people["Priya Raman"]  # Google first, then Apple and LinkedIn filled the gaps
    assert set(priya["links"]) == {"github", "website", "twitter", "mastodon", "bluesky", "linkedin"}
    assert people["Yukihiro Lamport"]["links"]["linkedin"] == "https://www.linkedin.com/in/yuki-lamport"


def test_a_website_shared_by_two_people_keeps_both(cli, isolated_data_dir: Path) -> None:
    result = cli("import", "people", DATA / "google_contacts.csv")
    assert result.code == 0, result.err
    assert "5 new, 0 merged, 1 possible duplicate, 1 skipped" in result.out
    assert ("possible duplicate: Yukihiro Lamport (3) and Niklaus Lamport (2), same website lamport.dev; "
            "both kept (companion people merge 2 3 makes them one)") in result.out
    listed = cli("people").out
    assert "Niklaus Lamport" in listed and "Yukihiro Lamport" in listed


def test_the_json_report_gives_every_row_class(cli) -> None:
    cli("import", "people", DATA / "google_contacts.csv")
    result = cli("import", "people", DATA / "apple_contacts.vcf", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["format"], report["layout"], report["rows"]) == ("vcard", "Apple", 3)
    assert report["new"] == []
    assert {m["name"]: m["evidence"] for m in report["merged"]} == {
        "Priya Raman": "same email priya@data.example; kept your affiliation, notes",
        "Niklaus Lamport": "same email niklaus@lamport.dev",
        "Yukihiro Lamport": "same blog lamport.dev and name",
    }
    assert [u["name"] for u in report["unchanged"]] == ["Niklaus Lamport"]
    assert report["skipped"] == [{"line": 49, "why": "a company's card, not a person, skipped"}]
    first = json.loads(cli("import", "people", DATA / "google_contacts_old.csv", "--json").out)
    assert [n["name"] for n in first["new"]] == ["Grace Hopper", "Alan Turing"]


def test_possible_duplicates_are_in_the_json_report(cli) -> None:
    report = json.loads(cli("import", "people", DATA / "google_contacts.csv", "--json").out)
    assert report["possible_duplicates"] == [{
        "id": 3, "name": "Yukihiro Lamport", "other_id": 2, "other_name": "Niklaus Lamport",
        "why": "same website lamport.dev",
    }]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file() and "backups" not in path.parts
        and not path.name.endswith(".lock")
    }


def test_a_reimport_of_any_file_changes_nothing_on_disk(cli, isolated_data_dir: Path) -> None:
    for name in FILES:
        assert cli("import", "people", DATA / name).code == 0
    before = _snapshot(isolated_data_dir)
    for name in FILES:
        result = cli("import", "people", DATA / name)
        assert result.code == 0, result.err
        assert " 0 new," in result.out and "possible duplicate" not in result.out, result.out
    assert _snapshot(isolated_data_dir) == before


def test_a_file_over_the_row_limit_is_refused_and_the_limit_can_be_raised(cli, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("name,email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(12)))
    refused = cli("import", "people", big, "--max-rows", "10")
    assert refused.code == 1
    assert refused.err.strip() == (f"companion: error: {big}: line 12: more than 10 people in one file; "
                                   "import it in parts, or raise the limit with --max-rows")
    assert cli("people").out.startswith("No people yet")  # nothing half-written
    assert "12 new" in cli("import", "people", big, "--max-rows", "12").out


def test_a_vcard_over_the_row_limit_is_refused(cli, tmp_path: Path) -> None:
    cards = tmp_path / "many.vcf"
    cards.write_text("".join(f"BEGIN:VCARD\nVERSION:3.0\nFN:P {i}\nEND:VCARD\n" for i in range(3)))
    refused = cli("import", "people", cards, "--max-rows", "2")
    assert refused.code == 1 and "line 9: more than 2 cards in one file" in refused.err


@pytest.mark.parametrize("header", [
    "Last Name,Notes,First Name,Favourite Colour,E-mail Address",  # reordered, with an unknown column
    "Nom,Remarques,Prénom,Couleur,Adresse de messagerie",  # French Outlook
    "Nachname,Notizen,Vorname,E-Mail 1 - Label,E-Mail 1 - Wert",  # German Google Contacts
])
def test_reordered_and_foreign_columns(header: str, tmp_path: Path) -> None:
    result = parse_people(f"{header}\r\nLovelace,likes engines,Ada,* Work,ada@example.org\r\n".encode(), "x.csv")
    [ada] = result.people
    assert (ada.name, ada.email, ada.notes) == ("Ada Lovelace", "ada@example.org", "likes engines")


def test_a_long_import_says_how_far_it_has_come_on_stderr(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import companion.cli

    class Immediate(companion.cli.Progress):  # as after the first two seconds of a big file
        def __init__(self, what: str) -> None:
            super().__init__(what, delay=0, every=0)

    monkeypatch.setattr(companion.cli, "Progress", Immediate)
    big = tmp_path / "big.csv"
    big.write_text("name,email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(2500)))
    result = cli("import", "people", big)
    assert result.code == 0, result.err
    lines = result.err.splitlines()  # not a terminal: one line each time, never a carriage return
    assert f"Importing {big}: read 1,000 people" in lines and f"Importing {big}: read 2,000 people" in lines
    assert f"Importing {big}: read 2,500 people; comparing with your list" in lines
    assert f"Importing {big}: compared 1,000 of 2,500 with your list" in lines
    assert "2500 new" in result.out


def test_links_in_notes_are_profiles_only() -> None:
    notes = ("Maintains https://github.com/pandas-dev/pandas, see https://github.com/jreback. Slides: "
             "https://speakerdeck.example/jreback/talk. Blog https://jeff.example.org/ and "
             "https://www.linkedin.com/in/jreback/, https://bsky.app/profile/jeff.bsky.social/post/3k, "
             "https://fosstodon.example/@jeff/11223344")
    [person] = parse_people(f'name,notes\nJeff Reback,"{notes}"\n'.encode(), "x.csv").people
    assert person.links == {"github": "https://github.com/jreback", "website": "https://jeff.example.org/",
                            "linkedin": "https://www.linkedin.com/in/jreback/"}
    assert person.notes == notes  # the notes as written


def test_a_google_label_may_hold_a_comma_while_a_plain_tags_column_splits_on_it() -> None:
    google = parse_people(b"First Name,Last Name,Labels,E-mail 1 - Value\r\n"
                          b'Ada,Lovelace,"Work, London ::: * myContacts ::: PyData",ada@example.org\r\n', "g.csv")
    assert google.people[0].tags == ["Work, London", "PyData"]
    plain = parse_people(b'name,labels\r\nAda Lovelace,"python, rust; math"\r\n', "p.csv")
    assert plain.people[0].tags == ["python", "rust", "math"]
