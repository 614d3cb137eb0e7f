"""`companion research`: their public work from a blog's feed, GitHub's API and a Mastodon
instance, all served on 127.0.0.1 by the test (tests/research_servers.py), kept in the schedules
file, shown by `who`, asked again with conditional requests, and shown with its age offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from research_servers import (
    Site,
    atom_feed,
    blog_page,
    github_repos,
    huge_route,
    mastodon_account,
    mastodon_statuses,
    now_epoch,
    rate_limited,
    redirect_loop,
    slow_route,
)
from support import SAMPLE_DIR as SAMPLES

POSTS = [("Scheduling cron jobs without double runs", "2026-11-20"), ("Idempotent jobs, explained", "2026-10-02")]


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would route 127.0.0.1 elsewhere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class Web:
    """The three servers: a blog, a GitHub API and a Mastodon instance."""

    def __init__(self) -> None:
        self.blog, self.github, self.mastodon = Site(), Site(), Site()
        blog = self.blog
        blog.add("/", blog_page("/feed.xml"), "text/html; charset=utf-8", etag='"page-1"')
        blog.add("/feed.xml", atom_feed(blog.base, POSTS), "application/atom+xml", etag='"feed-1"')
        blog.add("/grace.xml", atom_feed(blog.base, [("Notes on compilers", "2026-09-01")]), "application/atom+xml",
                 headers={"Last-Modified": "Tue, 01 Sep 2026 09:00:00 GMT"})
        self.github.add_json("/users/priya/repos?sort=pushed&direction=desc&per_page=100&type=owner",
                             github_repos("priya"), etag='W/"gh-1"')
        self.github.add_json("/users/grace/repos?sort=pushed&direction=desc&per_page=100&type=owner",
                             github_repos("grace")[:1], etag='W/"gh-2"')
        m = self.mastodon
        m.add_json("/api/v1/accounts/lookup?acct=priya", mastodon_account("priya"), etag='"acct-1"')
        m.add_json("/api/v1/accounts/109876543210/statuses?exclude_reblogs=true&exclude_replies=true&limit=20",
                   mastodon_statuses(m.base, "priya"), etag='"st-1"')

    def stop(self) -> None:
        for site in (self.blog, self.github, self.mastodon):
            site.stop()


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    servers = Web()
    monkeypatch.setenv("COMPANION_GITHUB_API", servers.github.base)
    yield servers
    servers.stop()


def people_file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    header = ["name", "affiliation", "website", "blog", "github", "mastodon"]
    lines = [",".join(header)] + [",".join(row.get(column, "") for column in header) for row in rows]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def listed(cli, web: Web, tmp_path: Path) -> Web:
    """Priya (a speaker in the sample conference: blog page, GitHub, Mastodon profile URL) and
    Grace (a website that is a feed itself, GitHub)."""
    assert cli("import", "schedule", SAMPLES / "conference.ics").code == 0
    path = people_file(tmp_path, [
        {"name": "Priya Raman", "affiliation": "Fernwood", "blog": web.blog.base + "/", "github": "priya",
         "mastodon": web.mastodon.base + "/@priya"},
        {"name": "Grace Hopper", "affiliation": "Navy", "website": web.blog.base + "/grace.xml",
         "github": "https://github.com/grace"},
    ])
    assert cli("import", "people", path).code == 0
    return web


def test_research_fills_every_persons_work_and_who_shows_it(cli, listed: Web) -> None:
    result = cli("research")
    assert result.code == 0, result.err
    # A progress line per person on stderr, and nothing failed.
    progress = [line for line in result.err.splitlines() if line.startswith("[")]
    assert len(progress) == 2 and not any("failed" in line for line in progress), result.err
    assert "Scheduling cron jobs without double runs" in result.out
    assert "cron-lint" in result.out and "Notes on compilers" in result.out
    assert "how we cut our deploy queue" in result.out
    assert "talk " in result.out  # Priya's talks in the imported schedule

    data = cli("research", "--json").json()
    by_name = {entry["person"]["name"]: entry for entry in data}
    priya = {source["source"]: source for source in by_name["Priya Raman"]["sources"]}
    assert [item["title"] for item in priya["blog"]["items"]] == [title for title, _day in POSTS]
    assert priya["blog"]["items"][0]["link"] == listed.blog.base + "/posts/1"
    assert priya["blog"]["items"][0]["date"] == "2026-11-20"
    assert priya["blog"]["items"][0]["summary"] == "What I learned about 1."
    repos = [item["title"] for item in priya["github"]["items"]]
    assert "someone-elses" not in repos  # a fork
    assert repos[0] == "dotfiles" and "old-but-famous" in repos  # by recent push, and the most starred
    famous = next(item for item in priya["github"]["items"] if item["title"] == "old-but-famous")
    assert famous["detail"] == "C, ★ 4200" and famous["summary"] == "A tiny allocator everyone uses"
    toots = priya["mastodon"]["items"]
    assert [toot["date"] for toot in toots] == ["2026-11-12", "2026-11-11"]  # newest first
    assert toots[0]["title"] == "Slides from my talk on idempotent jobs are up" and toots[0]["summary"] == "Link below"
    assert by_name["Priya Raman"]["talks"], "her talks in the imported schedule"
    assert by_name["Grace Hopper"]["sources"][0]["source"] == "website"

    card = cli("who", "Priya")
    assert card.code == 0
    assert "Their work" in card.out
    assert "Scheduling cron jobs without double runs" in card.out and "cron-lint" in card.out
    assert "fetched just now" in card.out
    who_json = cli("who", "Priya", "--json").json()
    assert {kept["source"] for kept in who_json["work"]} == {"blog", "github", "mastodon"}


def test_requests_carry_no_cookie_and_a_plain_user_agent(cli, listed: Web) -> None:
    assert cli("research").code == 0
    for site in (listed.blog, listed.github, listed.mastodon):
        for _path, headers in site.requests:
            assert "cookie" not in headers and "authorization" not in headers
            assert headers["user-agent"].startswith("companion/")
            assert not {"referer", "from"} & set(headers)


def test_a_second_run_is_answered_with_304s_and_keeps_the_items(cli, listed: Web) -> None:
    assert cli("research").code == 0
    before = {site: len(site.requests) for site in (listed.blog, listed.github, listed.mastodon)}
    second = cli("research", "--json")
    assert second.code == 0
    asked_again = [headers for site in before for _path, headers in site.requests[before[site]:]]
    assert asked_again and all("if-none-match" in h or "if-modified-since" in h for h in asked_again)
    data = {entry["person"]["name"]: entry for entry in second.json()}
    statuses = [source["status"] for entry in data.values() for source in entry["sources"]]
    assert statuses == ["not-modified"] * len(statuses)
    blog = data["Priya Raman"]["sources"][0]
    assert [item["title"] for item in blog["items"]] == [title for title, _day in POSTS]
    assert "(not modified)" in cli("research").err


def test_with_the_servers_stopped_the_kept_items_are_shown_with_their_age(cli, listed: Web) -> None:
    assert cli("research").code == 0
    listed.stop()
    offline = cli("research", "--timeout", "5")
    assert offline.code == 0
    failures = [line for line in offline.err.splitlines() if ", blog:" in line or ", github:" in line]
    assert failures and all("kept from just now" in line for line in failures), offline.err
    assert "Scheduling cron jobs without double runs" in offline.out and "fetched just now" in offline.out
    assert "Nothing could be fetched; shown is what was kept" in offline.out
    assert "Scheduling cron jobs without double runs" in cli("who", "Priya").out


def test_the_kept_age_is_said_in_words(cli, listed: Web) -> None:
    from datetime import datetime, timedelta, timezone

    from companion.work import age

    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert age(now - timedelta(seconds=30), now) == "just now"
    assert age(now - timedelta(minutes=1), now) == "1 minute ago"
    assert age(now - timedelta(hours=5, minutes=3), now) == "5 hours ago"
    assert age(now - timedelta(days=3), now) == "3 days ago"


# --- hostile inputs: each is one line for that person and source; the others go on ---------------


def run_one(cli, tmp_path: Path, web: Web, row: dict[str, str], *options: str):  # noqa: ANN001, ANN201
    path = people_file(tmp_path, [{"name": "Hostile Host", **row},
                                  {"name": "Priya Raman", "github": "priya"}])
    assert cli("import", "people", path).code == 0
    return cli("research", *options)


def failure_line(result, source: str) -> str:  # noqa: ANN001
    lines = [line for line in result.err.splitlines() if f"Hostile Host, {source}:" in line]
    assert len(lines) == 1, result.err
    assert "\x1b" not in result.err
    return lines[0]


def test_a_page_without_a_feed_is_one_line(cli, web: Web, tmp_path: Path) -> None:
    web.blog.add("/plain", "<!DOCTYPE html><html><head><title>Hi</title></head><body>no feed</body></html>", "text/html")
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/plain"})
    assert "names no feed" in failure_line(result, "blog")
    assert "cron-lint" in result.out  # the other person went on


def test_a_link_to_something_that_is_not_a_feed_is_one_line(cli, web: Web, tmp_path: Path) -> None:
    web.blog.add("/notes.xml", '<?xml version="1.0"?><catalog><book>Not a feed</book></catalog>', "application/xml")
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/notes.xml"})
    assert "not a feed" in failure_line(result, "blog")


def test_html_where_json_was_expected_is_one_line(cli, web: Web, tmp_path: Path) -> None:
    web.mastodon.add("/api/v1/accounts/lookup?acct=portal", "<!DOCTYPE html><html><body>Log in to the WiFi</body></html>",
                     "text/html")
    result = run_one(cli, tmp_path, web, {"mastodon": web.mastodon.base + "/@portal"})
    line = failure_line(result, "mastodon")
    assert "web page, not JSON" in line
    assert "cron-lint" in result.out


def test_a_100_mb_feed_is_refused_at_the_cap(cli, web: Web, tmp_path: Path) -> None:
    web.blog.routes["/huge.xml"] = huge_route
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/huge.xml"})
    assert "larger than 5 MB; refused" in failure_line(result, "blog")


def test_markup_and_escape_sequences_in_titles_are_cleaned(cli, web: Web, tmp_path: Path) -> None:
    nasty = [("\x1b]8;;http://evil\x07Click\x1b]8;;\x07 [@click=app.quit]boom[/] &lt;script&gt;x&lt;/script&gt;\x1b[2J",
              "2026-11-01")]
    web.blog.add("/nasty.xml", atom_feed(web.blog.base, nasty), "application/atom+xml")
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/nasty.xml"})
    assert result.code == 0
    assert "\x1b" not in result.out and "\x07" not in result.out
    title = next(line for line in result.out.splitlines() if "Click" in line)
    assert "<script>" not in title and "[@click=app.quit]boom[/]" in title  # shown literally, as text
    card = cli("who", "Hostile")
    assert "\x1b" not in card.out and "Click" in card.out


def test_a_redirect_loop_is_one_line(cli, web: Web, tmp_path: Path) -> None:
    web.blog.routes["/loop-a"] = redirect_loop
    web.blog.routes["/loop-b"] = redirect_loop
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/loop-a"})
    assert "too many redirects" in failure_line(result, "blog")


def test_a_slow_server_meets_the_deadline(cli, web: Web, tmp_path: Path) -> None:
    web.blog.routes["/slow.xml"] = slow_route
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/slow.xml"}, "--timeout", "1")
    assert "no complete answer" in failure_line(result, "blog")
    assert "cron-lint" in result.out


def test_an_instance_that_is_down_is_one_line(cli, web: Web, tmp_path: Path) -> None:
    down = Site()
    base = down.base
    down.stop()
    result = run_one(cli, tmp_path, web, {"mastodon": f"@someone@{base.split('//')[1]}"})
    # A handle names no scheme: https is used; the instance is down either way.
    assert "cannot reach 127.0.0.1" in failure_line(result, "mastodon")


def test_a_github_rate_limit_says_when_to_try_again(cli, web: Web, tmp_path: Path) -> None:
    reset = now_epoch() + 600
    web.github.routes["/users/limited/repos?sort=pushed&direction=desc&per_page=100&type=owner"] = rate_limited(reset)
    result = run_one(cli, tmp_path, web, {"github": "limited"})
    line = failure_line(result, "github")
    from datetime import datetime, timezone

    assert "rate limited" in line and f"try again after {datetime.fromtimestamp(reset, timezone.utc):%Y-%m-%d %H:%M} UTC" in line


def test_a_failure_keeps_what_was_kept_before(cli, web: Web, tmp_path: Path) -> None:
    path = people_file(tmp_path, [{"name": "Priya Raman", "blog": web.blog.base + "/"}])
    assert cli("import", "people", path).code == 0
    assert cli("research").code == 0
    web.blog.add("/feed.xml", "<!DOCTYPE html><html><body>Oops</body></html>", "text/html")  # a new ETag-less page
    web.blog.add("/", blog_page("/feed.xml"), "text/html")
    result = cli("research", "--json")
    blog = result.json()[0]["sources"][0]
    assert blog["status"] == "failed" and "not a feed" in blog["message"] and "kept from" in blog["message"]
    assert [item["title"] for item in blog["items"]] == [title for title, _day in POSTS]
    assert "Scheduling cron jobs" in cli("who", "Priya").out


def test_unknown_people_and_people_without_links(cli, web: Web, tmp_path: Path) -> None:
    from support import assert_one_line_error

    assert "nobody on your list has" in assert_one_line_error(cli("research"))
    path = people_file(tmp_path, [{"name": "Priya Raman"}])
    assert cli("import", "people", path).code == 0
    assert "Nobody Known" in assert_one_line_error(cli("research", "Nobody Known"))
    assert "--timeout" in assert_one_line_error(cli("research", "Priya", "--timeout", "0"))


def test_accounts_and_handles_are_read() -> None:
    from companion.research import github_user, mastodon_account

    assert github_user("ada") == github_user("@ada") == github_user("https://github.com/ada/some-repo") == "ada"
    assert github_user("https://gitlab.com/ada") is None and github_user("bad_name!") is None
    assert mastodon_account("@ada@hachyderm.io") == ("https://hachyderm.io", "ada")
    assert mastodon_account("https://hachyderm.io/@ada") == ("https://hachyderm.io", "ada")
    # An explicit http:// is kept for this machine only.
    assert mastodon_account("http://127.0.0.1:8080/@ada") == ("http://127.0.0.1:8080", "ada")
    assert mastodon_account("http://hachyderm.io/@ada") == ("https://hachyderm.io", "ada")
    assert mastodon_account("https://hachyderm.io/about") is None


def test_the_kept_rows_live_in_the_schedules_file(cli, listed: Web, isolated_data_dir: Path) -> None:
    user_before = (isolated_data_dir / "user.json").read_bytes()
    assert cli("research").code == 0
    assert (isolated_data_dir / "user.json").read_bytes() == user_before  # the precious file is untouched
    manifest = json.loads((isolated_data_dir / "schedules.json").read_text())
    assert "work" in json.dumps(manifest)


# --- the fetch layer's additions for APIs and feeds ------------------------------------------------


def test_a_cookie_set_on_a_redirect_is_not_sent_on(web: Web, tmp_path: Path) -> None:
    from companion.fetch import fetch_url

    def set_cookie(site, handler) -> None:  # noqa: ANN001
        handler.send_response(302)
        handler.send_header("Set-Cookie", "session=tracking-you; Path=/")
        handler.send_header("Location", "/feed.xml")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    web.blog.routes["/go"] = set_cookie
    result = fetch_url(web.blog.base + "/go", cache_dir=tmp_path / "cache", expect="feed")
    assert b"<feed" in result.payload
    assert [path for path, _h in web.blog.requests] == ["/go", "/feed.xml"]
    assert "cookie" not in web.blog.requests[-1][1]


def test_a_429_with_retry_after_says_when(web: Web, tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from companion.fetch import RateLimited, fetch_url

    web.github.add_json("/busy", {"error": "slow down"}, status=429, headers={"Retry-After": "120"})
    before = datetime.now(timezone.utc)
    with pytest.raises(RateLimited) as caught:
        fetch_url(web.github.base + "/busy", cache_dir=tmp_path / "cache", expect="json")
    assert caught.value.retry_at is not None
    assert before + timedelta(seconds=110) < caught.value.retry_at < before + timedelta(seconds=200)
    assert "rate limited by 127.0.0.1" in str(caught.value) and "try again after" in str(caught.value)


def test_a_plain_403_is_not_called_a_rate_limit(web: Web, tmp_path: Path) -> None:
    from companion.errors import SourceError
    from companion.fetch import RateLimited, fetch_url

    web.github.add_json("/private", {"message": "Forbidden"}, status=403)
    with pytest.raises(SourceError) as caught:
        fetch_url(web.github.base + "/private", cache_dir=tmp_path / "cache", expect="json")
    assert not isinstance(caught.value, RateLimited) and "HTTP 403" in str(caught.value)


def test_an_answer_naming_a_file_on_this_machine_is_not_read_from_the_disk(cli, web: Web, tmp_path: Path) -> None:
    local = tmp_path / "secret-feed.xml"
    local.write_text(atom_feed("http://local.example", [("A secret from the disk", "2026-01-01")]), encoding="utf-8")
    web.blog.add("/path.xml", str(local), "application/rss+xml")
    web.blog.add("/p", blog_page("/path.xml"), "text/html")
    result = run_one(cli, tmp_path, web, {"blog": web.blog.base + "/p"})
    assert "not a feed" in failure_line(result, "blog")
    assert "A secret from the disk" not in result.out + result.err


def test_kept_rows_are_cleaned_again_when_read() -> None:
    from companion.work import KeptWork, web_link

    assert web_link("javascript:alert(1)") == "" and web_link("data:text/html,x") == ""
    assert web_link("https://ok.example/a b") == "" and web_link("https://ok.example/a") == "https://ok.example/a"
    kept = KeptWork.from_row({
        "person_id": 3, "source": "blog", "target": "https://x.example", "fetched_at": "2026-11-01T10:00:00+00:00",
        "items": [{"title": "\x1b[2JTitle\u202e", "link": "javascript:alert(1)", "date": "not a date"}, {"title": ""}, "junk"],
    })
    assert kept is not None and len(kept.items) == 1
    item = kept.items[0]
    assert item.title == "Title" and item.link == "" and item.date == ""
    assert KeptWork.from_row({"person_id": 3, "source": "myspace"}) is None


# --- offline: what is said, and the exit status --------------------------------------------------


def test_offline_with_talks_says_nothing_was_fetched_and_lists_the_talks(cli, listed: Web) -> None:
    listed.stop()  # nothing was ever fetched, nothing is kept: only the schedule's talks are there
    result = cli("research", "Priya Raman", "--timeout", "5")
    assert result.code == 0, result.err  # her talks were found
    lines = result.out.splitlines()
    assert lines[0] == "Priya Raman"
    assert lines[1].startswith("  nothing fetched (") and lines[1].endswith("; kept: nothing; talks: 2"), lines[1]
    assert "nothing found" not in result.out
    assert sum(line.startswith("  talk  ") for line in lines) == 2
    assert "cannot reach" in result.err  # each failure said on stderr


def test_offline_with_nothing_at_all_exits_1(cli, listed: Web) -> None:
    listed.stop()
    result = cli("research", "Grace Hopper", "--timeout", "5")  # no talk in the schedule, nothing kept
    assert result.code == 1
    assert "Grace Hopper\n  nothing fetched (" in result.out and "talks: none" in result.out
    # Asked for both: something was gathered (Priya's talks), so the run did not fail as a whole.
    both = cli("research", "Grace Hopper", "Priya Raman", "--timeout", "5")
    assert both.code == 0
    assert "talks: none" in both.out and "talks: 2" in both.out
