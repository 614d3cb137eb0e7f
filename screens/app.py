"""The companion app: four screens on the user's data, switched with 1-4."""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from textual import on, work
from textual.worker import get_current_worker
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen

from companion.cards import speakers_on_list
from companion.clock import CONFERENCE, LAPTOP, SETTING, Clock, clock_for
from companion.followups import ForPerson, NoteActions
from companion.models import Conference, Note, Person, Session
from companion.errors import CompanionError, NotFoundError
from companion.schedules import ImportOutcome
from companion.store import PeopleChanges, ScheduleShrinkError, Store
from companion.text import clean
from screens.base import DataChanged
from screens.commands import ConferenceCommands, ImportCommands, PeopleCommands, SessionCommands
from screens.followups import FollowUpsScreen
from screens.modals import (
    ConfirmModal,
    EditNoteModal,
    ImportModal,
    ImportRequest,
    NoteModal,
    NoteRequest,
    NotesModal,
)
from screens.people import PeopleScreen
from screens.schedule import ScheduleScreen
from screens.today import TodayScreen


def describe_outcome(outcome: ImportOutcome) -> str:
    """A few lines on what an import or refresh did, for a notification."""
    if outcome.changes is None:
        return f"{outcome.conference.name}: not changed since the last fetch"
    changes = outcome.changes
    lines = [
        f"{changes.total} sessions in {outcome.conference.name}",
        f"{len(changes.added)} new, {changes.updated} changed, {changes.removed} gone",
    ]
    lines += [f"starred session moved: {after.title}" for _before, after in changes.starred_moved]
    lines += [f"starred session cancelled: {session.title}" for session in changes.starred_cancelled]
    lines += outcome.warnings
    return "\n".join(lines)


def describe_people_import(changes: PeopleChanges, skipped: list[str]) -> str:
    """A few lines on what a people import did, per row class, for a notification."""
    lines = [f"{len(changes.added)} new people, {len(changes.merged)} merged"
             + (f" ({len(changes.unchanged)} already up to date)" if changes.unchanged else "")]
    if changes.possible:
        lines.append(f"{len(changes.possible)} possible duplicate{'' if len(changes.possible) == 1 else 's'}, "
                     "both kept (m on People merges two):")
        lines += [f"  {new.name} / {other.name}: {why}" for new, other, why in changes.possible[:5]]
    if skipped:
        lines.append(f"{len(skipped)} row{'' if len(skipped) == 1 else 's'} skipped: {skipped[0]}"
                     + (" ..." if len(skipped) > 1 else ""))
    return "\n".join(lines)


PROGRESS_SECONDS = 2.0
"""How often a long people import says how far it has come."""
ENDED_CHECK_SECONDS = 30
DATA_CHECK_SECONDS = 1.0
"""How often the app looks whether the data files changed outside it (two stats)."""
TERMINAL_CHECK_SECONDS = 2
AUTO_SYNC_SECONDS = 60
SYNC_COUNT_SECONDS = 2
"""How long after a change the app syncs by itself (when sync is set up; offline, it tries again later)."""


def _terminal_fd() -> int | None:
    """The file descriptor of the terminal the app runs in, if it runs in one."""
    stream = sys.__stdin__
    try:
        return stream.fileno() if stream is not None and stream.isatty() else None
    except (OSError, ValueError):
        return None


def _controlling_terminal() -> int | None:
    """The app's terminal when it is the controlling terminal (the one whose hang-up can be seen)."""
    fd = _terminal_fd()
    try:
        return None if fd is None else (os.tcgetpgrp(fd), fd)[1]
    except OSError:
        return None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CompanionApp(App[None]):
    """A conference companion: today, the schedule, people to meet, and follow-ups."""

    TITLE = "companion"
    CSS_PATH = "app.tcss"
    MODES = {
        "today": TodayScreen,
        "schedule": ScheduleScreen,
        "people": PeopleScreen,
        "followups": FollowUpsScreen,
    }
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {ConferenceCommands, ImportCommands, PeopleCommands, SessionCommands}
    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today", id="today"),
        Binding("2", "switch_mode('schedule')", "Schedule", id="schedule"),
        Binding("3", "switch_mode('people')", "People", id="people"),
        Binding("4", "switch_mode('followups')", "Follow-ups", id="followups"),
        Binding("n", "new_note", "Note", id="new-note"),
        Binding("i", "import", "Import", id="import"),
        Binding("S", "sync", "Sync", id="sync", show=False),
        Binding("ctrl+z", "undo", "Undo the last delete", id="undo", show=False),
        Binding("z", "toggle_times", "Times in the conference's or the laptop's zone", id="times", show=False),
        Binding("question_mark", "toggle_help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, *, demo: bool = False, clock: Callable[[], datetime] = _utcnow) -> None:
        super().__init__()
        self.store = store
        """The one storage service; screens read and write through it, widgets never do."""
        self.demo = demo
        self.clock = clock
        """Now, as an aware datetime; tests pass a fixed clock."""
        self.chosen_conference_id: str | None = None
        self.just_ended: list[Session] = []
        """Starred sessions that ended while the app was open and have no note yet, the latest last:
        Today shows them until a note is taken or the prompt dismissed; the latest is the default
        subject of a new note."""
        self.times_shown = store.setting(SETTING, CONFERENCE)
        """In which zone times are shown (companion.clock), the user's setting."""
        self._clock: Clock | None = None
        self.undo_stack: list[Callable[[], None]] = []
        self._ended_checked_at: datetime | None = None
        self._terminal: int | None = None
        self._notes_reload: Callable[[], list[Note]] = lambda: []
        self._data_stamp = store.data_stamp()
        """The data files' stamp when the screens last reloaded (see check_data_files)."""
        self.import_draft: tuple[ImportRequest, str] | None = None
        """The last import that failed and why: the import form opens with it (the path is kept)."""
        self._auto_sync: object | None = None
        """The timer of the sync planned after a change (sync set up and changes waiting)."""
        self._syncing = threading.Lock()
        """Held while a sync runs (S pressed during one, or the automatic one, waits for the next)."""
        self._sync_counted_stamp: object = None
        """The data files' and the sync file's stamps when what waits to sync was last counted."""

    def now(self) -> datetime:
        return self.clock()

    def times(self) -> Clock:
        """The one clock every screen shows times with (see companion.clock), kept until the data
        or the conference changes."""
        if self._clock is None:
            self._clock = clock_for(self.conference, self.times_shown)
        return self._clock

    def action_toggle_times(self) -> None:
        """Show every time in the laptop's zone, or back in the conference's: kept as a setting."""
        wanted = LAPTOP if self.times_shown == CONFERENCE else CONFERENCE
        if not self.attempt(lambda: self.store.set_setting(SETTING, wanted)):
            return
        self.times_shown = wanted
        self._clock = None
        self.notify(f"Times now in {self.times().name}" + ("" if wanted == LAPTOP else " (the conference's zone)"),
                    markup=False, timeout=4)
        self.data_changed()

    @property
    def conference(self) -> Conference | None:
        """The conference the screens show: the one chosen in the palette, else the current or next one."""
        if self.chosen_conference_id:
            for conference in self.store.conferences():
                if conference.id == self.chosen_conference_id:
                    return conference
        return self.store.current_conference(self.now().date())

    def choose_conference(self, conference_id: str) -> None:
        self.chosen_conference_id = conference_id
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "") + (" (demo)" if self.demo else "")
        self.data_changed()

    def on_mount(self) -> None:
        self._ended_checked_at = self.now()
        self.set_interval(ENDED_CHECK_SECONDS, self.check_ended_sessions)
        self._data_stamp = self.store.data_stamp()
        self.set_interval(DATA_CHECK_SECONDS, self.check_data_files)
        self._terminal = _controlling_terminal() if self.is_headless is False else None
        if self._terminal is not None:
            self.set_interval(TERMINAL_CHECK_SECONDS, self.check_terminal)
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "no schedule imported") + (" (demo)" if self.demo else "")
        for warning in self.store.warnings:
            self.notify(warning, title="Data restored", severity="warning", markup=False, timeout=15)
        self.call_after_refresh(self.close_stale_nudges)  # after the first screen is drawn
        self.call_after_refresh(self.refresh_coach_verdicts)
        self.call_after_refresh(self.count_waiting_to_sync)
        self.set_interval(SYNC_COUNT_SECONDS, self.check_sync_waiting)

    def data_changed(self) -> None:
        """Tell the screens on show that what they show has changed: each reloads (DataChanged)."""
        self._data_stamp = self.store.data_stamp()  # what the screens are about to read
        self._clock = None  # the conference or the setting may have changed
        try:
            self.times_shown = self.store.setting(SETTING, CONFERENCE)
        except CompanionError:
            pass  # unreadable for a moment: keep the last
        for screen in self.screen_stack:
            screen.post_message(DataChanged())
        self.count_waiting_to_sync()

    # Sync with the user's DAV server (companion.sync): in a worker, the UI never waits on the network.

    def sync_set_up(self) -> bool:
        from companion.sync.state import SYNC_FILE

        return (self.store.data_dir / SYNC_FILE).exists()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-count")
    def count_waiting_to_sync(self) -> None:
        """Show in the title how many changes wait to be sent, and plan a sync a little later."""
        if not self.sync_set_up():
            return
        from companion.sync.engine import waiting

        try:
            count = waiting(self.store)
        except (CompanionError, OSError):
            return
        self.call_from_thread(self.show_waiting, count)

    def check_sync_waiting(self) -> None:
        """Count again what waits to sync when a data file changed (by any save, the app's own too): two stats."""
        from companion.storage import file_stamp
        from companion.sync.state import SYNC_FILE

        stamp = (self.store.data_stamp(), file_stamp(self.store.data_dir / SYNC_FILE))
        if stamp != self._sync_counted_stamp and self.sync_set_up():
            self._sync_counted_stamp = stamp
            self.count_waiting_to_sync()

    def show_waiting(self, count: int) -> None:
        self.title = f"companion · {count} waiting to sync" if count else "companion"
        if count and self._auto_sync is None:
            self._auto_sync = self.set_timer(AUTO_SYNC_SECONDS, self.auto_sync)

    def auto_sync(self) -> None:
        self._auto_sync = None
        self.run_sync(quiet=True)

    def action_sync(self) -> None:
        if not self.sync_set_up():
            self.notify("Sync is not set up: companion sync setup URL --user NAME", markup=False)
            return
        self.notify("Syncing...", markup=False, timeout=2)
        self.run_sync(quiet=False)

    @work(thread=True, exit_on_error=False, group="sync")
    def run_sync(self, quiet: bool) -> None:
        from companion.sync import command

        if not self._syncing.acquire(blocking=False):
            return  # one sync at a time: the one running sends what waits
        try:
            report = command.sync(self.store)
        except CompanionError as error:
            if not quiet:
                self.call_from_thread(self.notify, clean(str(error), single_line=True), title="Not synced",
                                      severity="error", markup=False)
            return
        finally:
            self._syncing.release()
        self.call_from_thread(self.sync_done, report, quiet)

    def sync_done(self, report, quiet: bool) -> None:  # noqa: ANN001 - companion.sync.engine.Report
        from companion.sync.command import report_lines

        self.show_waiting(report.waiting)
        if report.received:
            self.data_changed()
        if report.stopped:
            if not quiet:
                self.notify(clean(report.stopped, single_line=True), title="Sync stopped", severity="warning", markup=False)
            return
        if not quiet or report.received or report.conflicts:
            self.notify(clean("\n".join(report_lines(report))), title="Synced", markup=False, timeout=10)

    def check_data_files(self) -> None:
        """Reload the screens when the data files changed outside the app (an import or a note from
        the command line, another companion), run once a second: two stats, no read. The app's own
        saves are told apart (Store.changed_elsewhere) and reload nothing more."""
        try:
            stamp, elsewhere = self.store.changed_elsewhere(self._data_stamp)
        except OSError:
            return  # the folder is unreadable for a moment: look again at the next tick
        if elsewhere:
            self.data_changed()
        else:
            self._data_stamp = stamp

    @work(thread=True, exclusive=True, exit_on_error=False, group="housekeeping")
    def close_stale_nudges(self) -> None:
        """Close kindly the nudges that sat unanswered longer than their interval (the rule is
        Store.close_stale_nudges), once when the app starts and when the day changes: the app's
        clock, not a screen being shown, is what makes a nudge stale."""
        try:
            closed = self.store.close_stale_nudges(self.now().astimezone().date())
        except CompanionError as error:
            self.call_from_thread(self.read_failed, error)
            return
        if closed:
            self.call_from_thread(self.nudges_closed, [item.title for item in closed])

    @work(thread=True, exclusive=True, exit_on_error=False, group="coach-verdicts")
    def refresh_coach_verdicts(self) -> None:
        """Keep today's coach's verdict with talking points saved by an older coach, so that
        ``companion who`` shows their cards without running the coach (Store.refresh_coach_verdicts)."""
        try:
            self.store.refresh_coach_verdicts()
        except CompanionError as error:
            self.call_from_thread(self.read_failed, error)

    def nudges_closed(self, titles: list[str]) -> None:
        for title in titles:
            self.notify(f"Closed: {clean(title, single_line=True)} (no reply, and that is fine)", markup=False)
        self.data_changed()

    def check_terminal(self) -> None:
        """Quit when the terminal is gone. A terminal closed under a program started by another
        (``make demo``) may send it no hangup signal, and Textual then reads the dead terminal in
        a loop that takes a whole core; everything is saved as it is made, so quitting loses nothing."""
        try:
            if self._terminal is not None:
                os.tcgetpgrp(self._terminal)
        except OSError as error:
            if error.errno in (errno.EIO, errno.ENXIO, errno.EBADF):  # hung up (EIO is what Linux says)
                self.exit()

    # Notes ---------------------------------------------------------------------------------------

    def check_ended_sessions(self) -> None:
        """Offer a note on each starred session that ended since the last look: a notification,
        and a line on Today that stays until a note is taken or the prompt dismissed."""
        now = self.now()
        since = self._ended_checked_at or now
        self._ended_checked_at = now
        if now.astimezone().date() != since.astimezone().date():
            self.close_stale_nudges()  # a new day: more nudges may have gone stale
        conference = self.conference
        if conference is None:
            return
        starred = self.store.starred_ids()
        ended = [session for session in self.store.sessions(conference.id)
                 if session.id in starred and since < session.end <= now and session.status != "cancelled"
                 and all(session.id != waiting.id for waiting in self.just_ended)]
        for session in ended:
            self.just_ended.append(session)
            self.notify(f"{clean(session.title, single_line=True)} just ended. Press n to take a note "
                        "(Today keeps the reminder).", title="Session over", markup=False, timeout=20)
        if ended:
            self.data_changed()

    def ended_waiting(self) -> list[Session]:
        """The starred sessions that ended while the app was open and still wait for a note, the
        latest last (a note taken meanwhile, here or from the command line, ends the wait)."""
        try:
            self.just_ended = [session for session in self.just_ended if not self.store.notes(session_id=session.id)]
        except CompanionError:
            pass  # unreadable for a moment: keep them
        return list(self.just_ended)

    def dismiss_ended(self) -> None:
        """Forget the latest ended session's prompt without a note."""
        if self.just_ended:
            self.just_ended.pop()
            self.data_changed()

    def note_subject(self) -> tuple[Session | None, list[str]]:
        """What a new note is about: the screen's selection, else the starred session that just ended."""
        session, names = None, []
        chooser = getattr(self.screen, "note_subject", None)
        if chooser is not None:
            session, names = chooser()
        if session is None and not names and self.just_ended:
            session = self.just_ended[-1]  # Today shows it until a note is taken or it is dismissed
        if session is not None and not names:
            matcher = self.store.speaker_matcher()
            names = [found.person.name for found in speakers_on_list(session, matcher) if found.person]
        return session, names

    def action_new_note(self) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        session, names = self.note_subject()
        self.open_note_form(session, names)

    def open_note_form(
        self, session: Session | None, names: list[str], draft: NoteRequest | None = None, problem: str = ""
    ) -> None:
        """The note form; with ``draft``, a note whose save failed, as it was typed, and why."""
        self.push_screen(NoteModal(self.store.people(), session=session, names=names, draft=draft, problem=problem),
                         lambda request: self.save_note(request, session))

    def save_note(self, request: NoteRequest | None, session: Session | None = None) -> None:
        """Save a note from the form. Nothing typed is lost: when the save fails (the data file
        locked too long by another companion, a disk error) the form opens again with the note as
        typed; a session or person removed meanwhile is left out and the note saved without it."""
        if request is None:
            return
        try:
            person_ids = list(request.person_ids)
            new_ids: dict[int, int] = {}  # -n (the n-th new name) -> the id it was given
            for number, name in enumerate(request.new_names, start=1):
                added = self.store.add_people([Person(name=name, priority="met")])
                for person in [*added.added, *added.merged][:1]:
                    person_ids.append(person.id)
                    new_ids[-number] = person.id

            def whom(key: int) -> int:
                return new_ids.get(key, 0) if key < 0 else key

            promises = tuple(ForPerson(what, whom(key)) for what, key in zip(request.promises, request.promise_for))
            promises += tuple(ForPerson(what) for what in request.promises[len(request.promise_for):])
            intros = tuple(ForPerson(who, whom(key), request.intro_ask) for who, key in zip(request.intros, request.intro_for))
            intros += tuple(ForPerson(who, 0, request.intro_ask) for who in request.intros[len(request.intro_for):])
            actions = NoteActions(thank=request.thank, promises=promises, intros=intros, waiting=request.waiting,
                                  tell_later=request.tell_later)
            note, followups = self.store.add_note(request.text, person_ids, session_id=request.session_id,
                                                  actions=actions, now=self.now())
        except CompanionError as error:
            problem = clean(error, single_line=True)
            self.notify(problem + " (the note is still in its form)", title="Note not saved", severity="error",
                        markup=False, timeout=15)
            names = [name.strip() for name in request.people_typed.split(",") if name.strip()]
            self.open_note_form(session, names, draft=request, problem=problem)
            return
        lines = [f"Saved note #{note.id}"] + [f"follow-up: {f.title} (due {f.due:%a %d %b})" for f in followups]
        if request.new_names:
            lines.append("added to your people: " + ", ".join(request.new_names))
        if request.session_id and not note.session_id:
            title = session.title if session else request.session_id
            lines.append(f"saved without the session: {title} is no longer in the schedule (a re-import removed it)")
        if len(note.person_ids) < len(set(person_ids)):
            lines.append("saved without someone removed from your people meanwhile")
        self.notify(clean("\n".join(lines)), title="Note saved", markup=False, timeout=15)
        self.just_ended = [ended for ended in self.just_ended if ended.id != request.session_id]
        self.data_changed()

    def show_notes(self, title: str, notes: list[Note], reload: Callable[[], list[Note]]) -> None:
        self._notes_reload = reload
        self.push_screen(NotesModal(title, notes), lambda _result: self.data_changed())

    @on(NotesModal.DeleteRequested)
    def delete_note(self, event: NotesModal.DeleteRequested) -> None:
        try:
            deleted = self.store.delete_note(event.note.id)
        except CompanionError as error:
            self.notify(clean(error, single_line=True), title="Not deleted", severity="error", markup=False)
            return
        modal, reload = event.modal, self._notes_reload

        def undo() -> None:
            self.store.restore_note(deleted)
            if modal.is_attached:
                modal.show_notes(reload())

        self.remember_undo(undo, "Deleted the note")
        modal.show_notes(reload())

    @on(NotesModal.EditRequested)
    def edit_note(self, event: NotesModal.EditRequested) -> None:
        if isinstance(event, NotesModal.DeleteRequested):
            return
        modal, reload, note = event.modal, self._notes_reload, event.note

        def saved(text: str | None) -> None:
            if not text or text == note.text:
                return
            try:
                self.store.update_note(note.id, text, base=note.text)
            except NotFoundError:  # deleted elsewhere meanwhile: put it back, with the edit
                if not self.attempt(lambda: self.store.restore_note(note.replace(text=text))):
                    self.push_screen(EditNoteModal(text, "The note could not be saved."), saved)
                    return
                self.notify("The note had been deleted elsewhere; it is back, with your edit.", markup=False)
            except CompanionError as error:  # keep what was typed: the form again, with it
                problem = clean(error, single_line=True)
                self.notify(problem, title="Not saved", severity="error", markup=False, timeout=15)
                self.push_screen(EditNoteModal(text, problem), saved)
                return
            if modal.is_attached:
                modal.show_notes(reload())
            self.data_changed()

        self.push_screen(EditNoteModal(note.text), saved)

    def attempt(self, change: Callable[[], object]) -> bool:
        """Run a change to the store; when it fails (disk full, folder read-only, lock held) say so
        in one line and carry on: the store has kept the last saved version."""
        try:
            change()
        except CompanionError as error:
            self.notify(clean(error, single_line=True), title="Not saved", severity="error", markup=False, timeout=15)
            return False
        return True

    def read_failed(self, error: CompanionError) -> None:
        """A screen could not read what it shows (a damaged row file): say so and carry on."""
        self.notify(clean(error, single_line=True) + " (companion doctor says more)", title="Could not read",
                    severity="error", markup=False, timeout=20)

    def remember_undo(self, undo: Callable[[], None], message: str) -> None:
        self.undo_stack.append(undo)
        self.notify(clean(message, single_line=True) + " (ctrl+z undoes)", markup=False)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", markup=False)
            return
        if self.attempt(self.undo_stack.pop()):
            self.notify("Undone.", markup=False)
        self.data_changed()

    # Opening things from the palette ----------------------------------------------------------

    async def open_person(self, person_id: int) -> None:
        await self.switch_mode("people")
        if isinstance(self.screen, PeopleScreen):
            self.screen.select_person(person_id)

    async def open_session(self, session_id: str) -> None:
        await self.switch_mode("schedule")
        if isinstance(self.screen, ScheduleScreen):
            await self.screen.select_session(session_id)

    # Import ------------------------------------------------------------------------------------

    def action_import(self) -> None:
        request, problem = self.import_draft or (None, "")
        self.push_screen(ImportModal(request, problem), self.start_import)

    def start_import(self, request: ImportRequest | None, force: bool = False) -> None:
        if request is None:  # cancelled: the path stays for the next time, the error goes
            if self.import_draft is not None:
                self.import_draft = (self.import_draft[0], "")
            return
        from companion.fetch import shown_url  # the URL without a password it may carry

        self.import_draft = None
        self.notify(f"Importing {shown_url(request.source)}... (ctrl+p: cancel the import)", markup=False, timeout=3)
        self.run_import(request, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, request: ImportRequest, force: bool) -> None:
        """Fetch and parse in a thread (a URL can take seconds); report back on the main thread.
        A file whose kind the user did not choose is imported as what its content shows
        (importers.sources.sniff_import_kind). Cancelling the worker (quitting, or "Cancel the
        import" in the palette) ends a fetch or a read that is waiting (a silent pipe) at its next poll."""
        cancelled = get_current_worker().cancelled_event
        try:
            from companion.importers.sources import parse_people, parse_schedule, read_source, sniff_import_kind
            from companion.schedules import import_schedule, is_url

            kind, payload = request.kind, None
            if kind not in ("schedule", "people"):
                if is_url(request.source):
                    kind = "schedule"  # only schedules are fetched from a URL
                else:
                    payload = read_source(request.source, cancelled=cancelled)
                    kind = sniff_import_kind(payload, request.source)
            if kind == "people":
                if payload is None:
                    payload = read_source(request.source, cancelled=cancelled)
                parsed_people = parse_people(payload, request.source, progress=self.people_progress("read"))
                changes = self.store.add_people(
                    parsed_people.people,
                    progress=self.people_progress(f"of {len(parsed_people.people):,} compared with your list"))
                message = describe_people_import(changes, parsed_people.skipped)
            else:
                parsed = None if payload is None else parse_schedule(payload, request.source, tz=request.tz or None)
                outcome = import_schedule(self.store, request.source, tz=request.tz or None, force=force,
                                          parsed=parsed, cancelled=cancelled)
                message = describe_outcome(outcome)
        except ScheduleShrinkError as error:
            self.call_from_thread(self.confirm_shrink, request, str(error))
            return
        except CompanionError as error:
            if cancelled.is_set() and not self.is_running:
                return  # the app quit: nobody to tell
            from companion.text import limit_echoes

            self.call_from_thread(self.import_failed, request, limit_echoes(clean(error, single_line=True), [request.source]))
            return
        self.call_from_thread(self.import_done, message)

    def import_failed(self, request: ImportRequest, problem: str) -> None:
        """Say why an import failed, and open its form again with the path and the error (at once
        unless another form is open: then i opens it)."""
        self.import_draft = (request, problem)
        if isinstance(self.screen, ModalScreen):  # another form is open: leave it be
            self.notify(problem + " (i opens the import form with it)", title="Import failed", severity="error",
                        markup=False, timeout=12)
            return
        self.notify(problem, title="Import failed", severity="error", markup=False, timeout=12)
        self.action_import()

    def people_progress(self, what: str) -> Callable[[int], None]:
        """For a people import in the worker: a note now and then of how far reading the file or
        comparing it with the list has come (a big file takes seconds)."""
        import time

        last = [time.monotonic()]

        def progress(done: int) -> None:
            now = time.monotonic()
            if done and now - last[0] >= PROGRESS_SECONDS:
                last[0] = now
                self.call_from_thread(self.notify, f"Importing people: {done:,} {what}",
                                      markup=False, timeout=PROGRESS_SECONDS)

        return progress

    def confirm_shrink(self, request: ImportRequest, message: str) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self.start_import(request, force=True)

        self.push_screen(ConfirmModal(f"{message}\n\nReplace the stored schedule anyway?"), answered)

    def import_done(self, message: str) -> None:
        self.notify(clean(message), title="Imported", markup=False, timeout=10)
        conference = self.conference
        self.sub_title = clean(conference.name if conference else "no schedule imported") + (" (demo)" if self.demo else "")
        self.data_changed()

    def action_toggle_help(self) -> None:
        from textual.widgets import HelpPanel  # imported when first asked for: it brings a Markdown parser

        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
