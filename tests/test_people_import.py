"""Importing people: CSV with a header, vCard 3/4, LinkedIn's
Connections.csv, format sniffing, merging on re-import, and one-line errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion.cli import main
from companion.errors import SourceError
from companion.importers.linkedin import parse_linkedin
from companion.importers.people_csv import connected_date, parse_people_csv
from companion.links import link_kind, profile_key
from companion.importers.sources import parse_people, sniff_people_format
from companion.importers.vcard import parse_vcard
from companion.models import Connection, Person
from companion.store import Store


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> Result:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def people_json(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    result = run(capsys, "people", "--json")
    assert result.code == 0, result.err
    return {p["name"]: p for p in json.loads(result.out)}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- sample files -------------------------------------------------------------------------------

VCARD_3 = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Lovelace;Ada;;;\r\n"
    "FN:Ada Lovelace\r\n"
    "ORG:Analytical Engines;Research\r\n"
    "TITLE:Countess\r\n"
    "EMAIL;TYPE=INTERNET,WORK:ada@engines.example\r\n"
    "EMAIL;TYPE=INTERNET,HOME,pref:ada@home.example\r\n"
    "item1.URL:https://github.com/ada\r\n"
    "item1.X-ABLabel:GitHub\r\n"
    "URL:https://www.linkedin.com/in/ada-lovelace/\r\n"
    "URL;TYPE=HOME:https://ada.example.org\r\n"
    "X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/ada\r\n"
    "X-SOCIALPROFILE;TYPE=mastodon;X-USER=ada:https://hachyderm.example/@ada\r\n"
    "X-SOCIALPROFILE;TYPE=facebook:https://facebook.com/ada\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
    " this-is-a-folded-photo-line-that-is-not-valid-base64!!\r\n"
    "NOTE:Met at PyCon\\, ask about\\nthe engine notes\r\n"
    "CATEGORIES:python,math\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Hopper;Grace;Brewster;Rear Adm.;\r\n"
    "EMAIL:grace@navy.example\r\n"
    "IMPP;X-SERVICE-TYPE=Bluesky:bluesky:grace.bsky.social\r\n"
    "IMPP;X-SERVICE-TYPE=Skype:skype:grace.hopper\r\n"
    "END:VCARD\r\n"
)

VCARD_4 = """BEGIN:VCARD
VERSION:4.0
FN:José Álvarez
N:Álvarez;José;;;
ORG:Cobalt Labs
EMAIL;TYPE=work;PREF=2:jose@cobalt.example
EMAIL;TYPE=home;PREF=1:jose@home.example
URL;TYPE=blog:https://jose.example.org/posts
URL:https://bsky.app/profile/jose.example.org
CATEGORIES:rust
CATEGORIES:python,Rust
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Kenji Watanabe
TITLE:Maintainer
URL:https://fosstodon.example/@kenji
END:VCARD
BEGIN:VCARD
VERSION:4.0
ORG:A company card with no person on it
END:VCARD
"""

LINKEDIN = (
    "\ufeffNotes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    'You will only see email addresses for connections who have allowed it, see '
    'https://www.linkedin.com/psettings/privacy/email, and learn more here."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines,Countess,12 Mar 2024\r\n"
    ",,,,,,01 Jan 2020\r\n"
    'Grace,Hopper,https://www.linkedin.com/in/ghopper,grace@navy.example,"US Navy, COBOL",Rear Admiral,5 Sep 2019\r\n'
)

LINKEDIN_OLD = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
    "Alan,Turing,alan@bletchley.example,Bletchley Park,Cryptanalyst,03/12/2016\r\n"
)


# --- CSV ------------------------------------------------------------------------------------------


def test_semicolon_csv_from_excel_with_comma_tags() -> None:
    payload = (
        "Name;Organisation;Job Title;E-Mail;Tags;Priority;Notes\n"
        'Chloé Martin;"Institut Lumière; Data Lab";Researcher;chloe@lumiere.example;python, viz;must;"two\nlines"\n'
    ).encode()
    [chloe] = parse_people_csv(payload, "excel.csv").people
    assert chloe.affiliation == "Institut Lumière; Data Lab"
    assert chloe.tags == ["python", "viz"]
    assert chloe.priority == "must-meet"
    assert chloe.notes == "two\nlines"


def test_tab_separated_file() -> None:
    parsed = parse_people_csv(b"name\tcompany\nAda\tAE\n", "people.tsv")
    assert [(p.name, p.affiliation) for p in parsed.people] == [("Ada", "AE")]


def test_ragged_rows_are_read_and_extra_cells_reported() -> None:
    payload = b"name,company,email\nAda\nBob,Builders,bob@example.org,stray,cells\nCy,Cyan\n"
    parsed = parse_people_csv(payload, "ragged.csv")
    assert [(p.name, p.affiliation, p.email) for p in parsed.people] == [
        ("Ada", "", ""), ("Bob", "Builders", "bob@example.org"), ("Cy", "Cyan", "")]
    assert parsed.skipped == ["line 3: 2 cell(s) past the header's 3 columns ignored (the row is imported)"]


def test_a_quote_never_closed_is_an_error_naming_its_line_not_rows_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = b'name,email,notes\nAnn,ann@x.org,"Met at PyCon\nBob,bob@x.org,ok\nCid,cid@x.org,fine\n'
    with pytest.raises(SourceError, match=r"open\.csv: line 2: a quoted cell is never closed"):
        parse_people_csv(payload, "open.csv")
    source = tmp_path / "open.csv"
    source.write_bytes(payload)
    assert main(["--data-dir", str(tmp_path / "data"), "import", "people", str(source)]) == 1
    assert "line 2: a quoted cell is never closed" in capsys.readouterr().err
    assert Store(tmp_path / "data").people() == []
    # The same after a row the csv module reads leniently (a quote that is not the whole cell).
    quirky = b'name,affiliation\n"Ada" Lovelace,Engines\nBob,"Unclosed\nCarol,X\nDan,Y\n'
    with pytest.raises(SourceError, match=r"line 3: a quoted cell is never closed"):
        parse_people_csv(quirky, "quirky.csv")
    # A quoted cell over several lines, closed, is one cell; an escaped quote inside is a quote.
    escaped = parse_people_csv(b'name,notes\nAnn,"She said ""hi""\nat PyCon"\n', "esc.csv")
    assert [(p.name, p.notes) for p in escaped.people] == [("Ann", 'She said "hi"\nat PyCon')]
    parsed = parse_people_csv(b'name,notes\nAnn,"Met at PyCon\nand again at EuroPython"\nBob,ok\n', "ok.csv")
    assert [(p.name, p.notes) for p in parsed.people] == [("Ann", "Met at PyCon\nand again at EuroPython"), ("Bob", "ok")]


def test_links_by_column_and_by_host() -> None:
    payload = (
        b"Full Name,Website,Blog,Mastodon,Bluesky,X,LinkedIn URL\n"
        b"Ada,https://github.com/ada/,https://ada.example.org/blog,@ada@hachyderm.example,ada.bsky.social,@ada,"
        b"linkedin.com/in/ada\n"
        b"Bob,https://bob.example.org,,,,,\n"
    )
    ada, bob = parse_people_csv(payload, "links.csv").people
    assert ada.links == {
        "blog": "https://ada.example.org/blog", "mastodon": "@ada@hachyderm.example", "bluesky": "ada.bsky.social",
        "twitter": "@ada", "linkedin": "linkedin.com/in/ada", "github": "https://github.com/ada/",
    }
    assert bob.links == {"website": "https://bob.example.org"}


def test_connection_columns() -> None:
    payload = (
        b"name,how we know each other,hobby,mutual friend\n"
        b'Ada,"school: TU Delft; introduced by Priya; grew up in Leiden",climbing,\n'
        b"Bob,,,Priya Raman\n"
        b"Cy,Both ex-biologists,,\n"
    )
    ada, bob, cy = parse_people_csv(payload, "connections.csv").people
    assert ada.connections == [
        Connection("school", "TU Delft"), Connection("acquaintance", "introduced by Priya"),
        Connection("place", "grew up in Leiden"), Connection("hobby", "climbing"),
    ]
    assert bob.connections == [Connection("acquaintance", "Priya Raman")]
    assert cy.connections == [Connection("background", "Both ex-biologists")]


def test_a_connected_on_column_in_a_plain_csv_goes_to_the_notes() -> None:
    [ada] = parse_people_csv(b"name,notes,connected on\nAda,Engines,2023-01-05\n", "p.csv").people
    assert ada.notes == "Engines\nConnected since 2023-01-05"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12 Mar 2024", "2024-03-12"), ("5 Sep 2019", "2019-09-05"), ("01-Jan-2020", "2020-01-01"),
     ("2021-07-04", "2021-07-04"), ("03/12/2016", "03/12/2016"), ("12 Foo 2024", "12 Foo 2024")],
)
def test_connected_dates(value: str, expected: str) -> None:
    assert connected_date(value) == expected


# --- vCard ----------------------------------------------------------------------------------------


def test_vcard_3_with_several_cards() -> None:
    parsed = parse_vcard(VCARD_3.encode(), "contacts.vcf")
    assert parsed.format == "vcard"
    assert parsed.skipped == []
    ada, grace = parsed.people
    assert ada.name == "Ada Lovelace"
    assert ada.affiliation == "Analytical Engines, Research"
    assert ada.role == "Countess"
    assert ada.email == "ada@home.example"  # the preferred one
    assert ada.links == {
        "github": "https://github.com/ada",
        "linkedin": "https://www.linkedin.com/in/ada-lovelace/",
        "website": "https://ada.example.org",
        "twitter": "https://twitter.com/ada",
        "mastodon": "https://hachyderm.example/@ada",
    }  # Facebook is not a link companion keeps; the broken photo cost nothing
    assert ada.notes == "Met at PyCon, ask about\nthe engine notes\nOther email: ada@engines.example"
    assert ada.tags == ["python", "math"]
    assert grace.name == "Grace Brewster Hopper"  # from N when there is no FN
    assert grace.email == "grace@navy.example"
    assert grace.links == {"bluesky": "grace.bsky.social"}


def test_vcard_4_with_several_cards() -> None:
    parsed = parse_vcard(VCARD_4.encode(), "contacts.vcf")
    jose, kenji = parsed.people
    assert jose.name == "José Álvarez"
    assert jose.email == "jose@home.example"  # PREF=1 beats PREF=2
    assert jose.links == {
        "blog": "https://jose.example.org/posts", "bluesky": "https://bsky.app/profile/jose.example.org"}
    assert jose.tags == ["rust", "python"]
    assert (kenji.role, kenji.links) == ("Maintainer", {"mastodon": "https://fosstodon.example/@kenji"})
    assert parsed.skipped == ["line 19: the card has no name (FN or N), skipped"]


def test_a_broken_card_is_skipped_and_reported_the_rest_imported() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nthis line has no colon\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Truncated\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cut off by a download\n"
    )
    parsed = parse_vcard(text.encode(), "mixed.vcf")
    assert [p.name for p in parsed.people] == ["Ada", "Bob"]
    assert len(parsed.skipped) == 3
    assert parsed.skipped[0].startswith("line 8: cannot read the card starting on line 5")
    assert parsed.skipped[1].startswith("line 10: the card has no END:VCARD before the next card on line 13")
    assert parsed.skipped[2] == "line 17: the card has no END:VCARD, skipped"


def test_a_file_of_broken_cards_is_an_error_naming_the_file_and_line() -> None:
    with pytest.raises(SourceError) as caught:
        parse_vcard(b"BEGIN:VCARD\nVERSION:3.0\nFN;TYPE=\"open:Ada\nEND:VCARD\n", "broken.vcf")
    message = str(caught.value)
    assert message.startswith("broken.vcf: line 3: cannot read the card")
    assert "\n" not in message


def test_text_that_is_not_a_vcard_is_an_error() -> None:
    with pytest.raises(SourceError, match=r"notes\.txt: line 2: not a vCard"):
        parse_vcard(b"\nhello\n", "notes.txt")


def test_vcard_text_is_cleaned() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Eve \x1b[31m[@click=app.quit]\u202e\nORG:Evil\x07 Corp\nEND:VCARD\n"
    [eve] = parse_vcard(text.encode(), "eve.vcf").people
    assert (eve.name, eve.affiliation) == ("Eve [@click=app.quit]", "Evil Corp")


# --- LinkedIn -------------------------------------------------------------------------------------


def test_linkedin_export_with_bom_preamble_and_crlf() -> None:
    parsed = parse_linkedin(LINKEDIN.encode(), "Connections.csv")
    assert parsed.format == "linkedin"
    ada, grace = parsed.people
    assert (ada.name, ada.affiliation, ada.role, ada.email) == ("Ada Lovelace", "Analytical Engines", "Countess", "")
    assert ada.links == {"linkedin": "https://www.linkedin.com/in/ada-lovelace"}
    assert ada.notes == "LinkedIn connection since 2024-03-12"
    assert grace.affiliation == "US Navy, COBOL"
    assert grace.email == "grace@navy.example"
    assert parsed.skipped == ["line 6: no name, row skipped"]  # LinkedIn leaves some rows blank; the line is the file's


def test_older_linkedin_export_without_url_column_or_preamble() -> None:
    parsed = parse_people(LINKEDIN_OLD.encode(), "old.csv")
    assert parsed.format == "linkedin"
    [alan] = parsed.people
    assert (alan.name, alan.email, alan.links) == ("Alan Turing", "alan@bletchley.example", {})
    assert alan.notes == "LinkedIn connection since 03/12/2016"  # day or month first: kept as written


def test_linkedin_format_on_a_file_without_its_header() -> None:
    with pytest.raises(SourceError, match=r"people\.csv: no 'First Name,Last Name,\.\.\.' header"):
        parse_people(b"name\nAda\n", "people.csv", fmt="linkedin")


# --- sniffing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "fmt"),
    [
        (VCARD_3.encode(), "vcard"),
        (b"\xef\xbb\xbf\r\n\r\nbegin:vcard\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n", "vcard"),
        (LINKEDIN.encode(), "linkedin"),
        (LINKEDIN_OLD.encode(), "linkedin"),
        (b"First Name,Last Name,Company\nAda,Lovelace,AE\n", "csv"),
        (b"name,notes\nAda,\"BEGIN:VCARD is in her notes\"\n", "csv"),
        (b"", "csv"),
    ],
)
def test_format_is_sniffed_from_content(payload: bytes, fmt: str) -> None:
    assert sniff_people_format(payload) == fmt


def test_format_given_overrides_the_content() -> None:
    parsed = parse_people(LINKEDIN_OLD.encode(), "old.csv", fmt="csv")
    assert parsed.format == "csv"
    assert parsed.people[0].notes == "Connected since 03/12/2016"


# --- links ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [
        ("linkedin", ["https://www.linkedin.com/in/Ada-Lovelace/", "http://linkedin.com/in/ada-lovelace",
                      "https://de.linkedin.com/in/ada-lovelace?trk=x", "linkedin.com/in/ada-lovelace",
                      "in/ada-lovelace", "ada-lovelace"]),
        ("github", ["ada", "@Ada", "https://github.com/ada", "github.com/ada/", "https://www.github.com/ADA#readme"]),
        ("twitter", ["@ada", "https://twitter.com/ada", "https://x.com/Ada/", "https://mobile.twitter.com/ada"]),
        ("mastodon", ["@ada@hachyderm.example", "ada@hachyderm.example", "https://hachyderm.example/@ada/"]),
        ("bluesky", ["ada.bsky.social", "@ada.bsky.social", "https://bsky.app/profile/ada.bsky.social"]),
        ("website", ["https://ada.example.org/", "http://www.ada.example.org", "ada.example.org"]),
    ],
)
def test_profile_key_ignores_scheme_www_slash_and_case(kind: str, spellings: list[str]) -> None:
    assert len({profile_key(kind, spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("url", "kind"),
    [("https://github.com/ada", "github"), ("https://uk.linkedin.com/in/ada", "linkedin"),
     ("https://x.com/ada", "twitter"), ("https://bsky.app/profile/ada.example", "bluesky"),
     ("https://hachyderm.example/@ada", "mastodon"), ("https://medium.com/@ada", "blog"),
     ("https://ada.example.org/blog/", "blog"), ("https://ada.example.org", "website")],
)
def test_link_kind_by_host(url: str, kind: str) -> None:
    assert link_kind(url) == kind


# --- merging --------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def test_same_email_merges_whatever_the_name(store: Store) -> None:
    store.add_people([Person(name="Ada Lovelace", email="Ada@Engines.example", affiliation="AE")])
    changes = store.add_people([Person(name="A. Lovelace", email="ada@engines.example", role="Countess")])
    assert changes.added == []
    [(ada, reason)] = changes.merges
    assert reason == "same email ada@engines.example"
    assert (ada.name, ada.affiliation, ada.role) == ("Ada Lovelace", "AE", "Countess")
    assert len(store.people()) == 1


def test_same_profile_url_merges_across_spellings(store: Store) -> None:
    store.add_people([Person(name="Ada Lovelace", links={"linkedin": "https://www.linkedin.com/in/ada-lovelace/"}),
                      Person(name="Bob", links={"github": "bobby"})])
    changes = store.add_people([
        Person(name="Ada King", links={"linkedin": "http://de.linkedin.com/in/Ada-Lovelace"}),
        Person(name="Robert", links={"github": "https://github.com/Bobby/"}),
    ])
    assert [reason for _, reason in changes.merges] == [
        "same linkedin profile linkedin.com/in/ada-lovelace", "same github profile github.com/bobby"]
    assert sorted(p.name for p in store.people()) == ["Ada Lovelace", "Bob"]


def test_same_name_merges_across_accents_case_and_last_first(store: Store) -> None:
    store.add_people([Person(name="José Álvarez")])
    changes = store.add_people([Person(name="ALVAREZ, Jose", affiliation="Cobalt Labs")])
    [(jose, reason)] = changes.merges
    assert reason == "same name ('ALVAREZ, Jose' in the file)"
    assert (jose.name, jose.affiliation) == ("José Álvarez", "Cobalt Labs")


def test_namesakes_with_different_linkedin_profiles_stay_apart(store: Store) -> None:
    store.add_people([Person(name="David Smith", links={"linkedin": "https://linkedin.com/in/dsmith1"})])
    changes = store.add_people([
        Person(name="David Smith", links={"linkedin": "https://linkedin.com/in/dsmith2"}),
        Person(name="David Smith", affiliation="Acme"),
    ])
    assert [p.links["linkedin"] for p in changes.added] == ["https://linkedin.com/in/dsmith2"]
    [(_, reason)] = changes.merges
    assert reason == "same name; 2 people have it, merged into the first"
    assert len(store.people()) == 2


def test_a_shared_website_merges_only_people_with_the_same_given_name(store: Store) -> None:
    store.add_people([Person(name="Bob Jones", links={"website": "https://acme.example"})])
    changes = store.add_people([
        Person(name="Carol White", links={"website": "https://www.acme.example/"}),
        Person(name="Robert Jones", links={"website": "acme.example"}),
        Person(name="Bob T. Jones", links={"website": "http://acme.example"}, role="CTO"),
    ])
    assert [p.name for p in changes.added] == ["Carol White", "Robert Jones"]
    assert [reason for _, reason in changes.merges] == ["same website acme.example and name"]
    assert [(new.name, other.name, why) for new, other, why in changes.possible] == [
        ("Carol White", "Bob Jones", "same website acme.example"),
        ("Robert Jones", "Bob Jones", "same website acme.example"),
        ("Robert Jones", "Carol White", "same website acme.example"),
    ]
    assert sorted(p.name for p in store.people()) == ["Bob Jones", "Carol White", "Robert Jones"]


def test_merge_keeps_what_the_user_has_fills_gaps_and_unions(store: Store) -> None:
    store.add_people([Person(
        name="Ada Lovelace", affiliation="Analytical Engines", email="ada@engines.example", priority="must-meet",
        tags=["python"], links={"github": "ada"}, connections=[Connection("school", "TU Delft")], notes="Mine",
    )])
    changes = store.add_people([Person(
        name="Ada Lovelace", affiliation="Babbage & Co", role="Countess", email="ADA@engines.example",
        priority="met", tags=["Python", "math"], links={"github": "https://github.com/someone-else",
                                                        "mastodon": "@ada@hachyderm.example"},
        connections=[Connection("school", "tu delft"), Connection("hobby", "chess")], notes="From the file",
    )])
    [(ada, reason)] = changes.merges
    assert reason == "same email ADA@engines.example; kept your affiliation, notes, github link, priority"
    stored = store.person(ada.id)
    assert (stored.affiliation, stored.role, stored.priority, stored.notes) == (
        "Analytical Engines", "Countess", "must-meet", "Mine")
    assert stored.tags == ["python", "math"]
    assert stored.links == {"github": "ada", "mastodon": "@ada@hachyderm.example"}
    assert stored.connections == [Connection("school", "TU Delft"), Connection("hobby", "chess")]


def test_a_repeated_row_in_one_file_merges_into_the_first(store: Store) -> None:
    changes = store.add_people([Person(name="Ada", email="ada@x.example"), Person(name="Ada L", email="ada@x.example",
                                                                                  role="Countess")])
    assert len(changes.added) == 1
    assert [reason for _, reason in changes.merges] == ["same email ada@x.example as a row earlier in this file"]
    assert store.people()[0].role == "Countess"


def test_three_formats_of_the_same_people_end_in_one_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    vcf = write(tmp_path, "contacts.vcf", VCARD_3)
    linkedin = write(tmp_path, "Connections.csv", LINKEDIN)
    csv_file = write(tmp_path, "list.csv", "name;priority;tags\nLovelace, Ada;must-meet;engines\nHopper, Grace;met;\n")

    first = run(capsys, "import", "people", vcf)
    assert first.code == 0, first.err
    assert "Imported 2 people from" in first.out and "(vcard): 2 new, 0 merged" in first.out

    second = run(capsys, "import", "people", linkedin)
    assert second.code == 0, second.err
    assert "(linkedin): 0 new, 2 merged" in second.out
    assert "  merged Ada Lovelace: same linkedin profile linkedin.com/in/ada-lovelace (nothing new)" in second.out
    assert "  merged Grace Brewster Hopper: same email grace@navy.example" in second.out
    assert "  line 6: no name, row skipped" in second.out

    third = run(capsys, "import", "people", csv_file)
    assert third.code == 0, third.err
    assert "(csv): 1 new, 1 merged" in third.out  # "Grace Hopper" is not "Grace Brewster Hopper"
    assert "  merged Ada Lovelace: same name ('Lovelace, Ada' in the file); kept your priority" in third.out

    people = people_json(capsys)
    assert sorted(people) == ["Ada Lovelace", "Grace Brewster Hopper", "Hopper, Grace"]  # names as written
    ada = people["Ada Lovelace"]
    assert ada["tags"] == ["python", "math", "engines"]
    # the vCard's note came first and wins; its second email is kept where a re-import finds it
    assert ada["notes"] == "Met at PyCon, ask about\nthe engine notes\nOther email: ada@engines.example"
    assert ada["priority"] == "hope-to-meet"
    assert people["Grace Brewster Hopper"]["affiliation"] == "US Navy, COBOL"  # a gap filled by LinkedIn

    again = run(capsys, "import", "people", vcf, "--format", "vcard")
    assert "(vcard): 0 new, 2 merged" in again.out


# --- errors: one line, naming the file and the line -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "payload", "fragment"),
    [
        ("latin1.csv", b"name,company\nAda,AE\nJos\xe9,Cobalt\n", "latin1.csv: line 3: not UTF-8"),
        ("utf16.csv", "name\nAda\n".encode("utf-16"), "utf16.csv: UTF-16 text"),
        ("empty.csv", b"  \r\n\r\n", "empty.csv: the file is empty"),
        ("noname.csv", b"\ncompany,email\nAcme,a@example.org\n", "noname.csv: line 2: no name column"),
        ("prio.csv", b"name,priority\nAda,must-meet\nBob,urgent\n", "prio.csv: line 3: priority 'urgent'"),
        ("garbage.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "garbage.png: line 1: not UTF-8"),
        ("nul.csv", b"name\nAda\x00Lovelace\n", "nul.csv: line 2: a NUL byte"),
        ("cards.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\n", "cards.vcf: line 1: the card has no END:VCARD"),
    ],
)
def test_bad_files_fail_with_one_line_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, payload: bytes, fragment: str
) -> None:
    path = write(tmp_path, name, payload)
    result = run(capsys, "import", "people", path)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.strip("\n").splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    assert fragment in lines[0]
    assert str(path) in lines[0]
    assert people_json(capsys) == {}  # nothing half-written


def test_unknown_format_option_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "name\nAda\n")
    result = run(capsys, "import", "people", path, "--format", "xls")
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "--format" in result.err


def test_a_missing_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run(capsys, "import", "people", tmp_path / "nope.vcf")
    assert result.code == 1
    assert result.err.strip().endswith("nope.vcf: no such file")


def test_vcard_2_1_quoted_printable_and_a_dropped_photo_keep_line_numbers() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=81lvarez;Jos=C3=A9\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0A=\r\nline two\r\n"
        "PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n/9j/4AAQSkZJRgABAQAAAQABAAD\r\nAAAAAAAAAAAA==\r\n\r\n"
        "EMAIL;INTERNET:jose@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n AAAA\r\n AAAA\r\nnot a property\r\n"
        "END:VCARD\r\n"
    )
    parsed = parse_vcard(text.encode(), "phone.vcf")
    [jose] = parsed.people
    assert (jose.name, jose.notes, jose.email) == ("José Álvarez", "line one\nline two", "jose@example.com")
    assert parsed.skipped[0].startswith("line 17: cannot read the card starting on line 12")
