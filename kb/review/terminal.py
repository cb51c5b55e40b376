"""The reviewer: one session loop, two faces.

* ``TerminalUI``: rich rendering, single keys read with termios (Space/Enter reveal, 1-4 grade, u undo, s suspend,
  b bury, e edit, q quit).
* ``LineUI``: when standard input is not a terminal. Each card is printed as a block::

      --- card 3 (new 12 · learning 1 · review 40)
      id: 9f3c2a1b  note: notes/books/atomic-habits.md:42  queue: review
      Q: What is habit stacking?
      A: Pairing a new habit with a current one.
         (a multi-line side continues on lines indented by three spaces)
      grades: 1 again 10m | 2 hard 2d | 3 good 4d | 4 easy 9d
      >

  and one line is read: ``1``-``4`` (or again/hard/good/easy), ``u`` undo, ``s`` suspend, ``b`` bury, ``q`` quit.
  End of input ends the session cleanly. Each answer is stored before the next card is printed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

import click

from kb.errors import KbError
from kb.review import journal
from kb.review.answers import AnsweredElsewhere, ReviewResult, bury, record_answer, suspend, undo
from kb.review.clock import local_zone, now
from kb.review.queue import Counts, Queue, QueueCard, reload_card
from kb.review.scheduler import Grade, format_interval, preview


class Action(Enum):
    """What a user can do to the card shown, besides grading it."""

    UNDO = "undo"
    SUSPEND = "suspend"
    BURY = "bury"
    EDIT = "edit"
    QUIT = "quit"


Choice = Grade | Action  # what ``ui.ask`` returns (None: input ended)

ACTION_KEYS = {"u": Action.UNDO, "s": Action.SUSPEND, "b": Action.BURY, "e": Action.EDIT, "q": Action.QUIT}
LINE_ACTIONS = {  # the line protocol's words (no editor there)
    **{a.value: a for a in Action if a is not Action.EDIT},
    **{key: a for key, a in ACTION_KEYS.items() if a is not Action.EDIT},
}
GRADE_WORDS = {**{g.name.lower(): g for g in Grade}, **{str(g.value): g for g in Grade}}


@dataclass
class SessionSummary:
    reviewed: int = 0
    again: int = 0
    seconds: float = 0.0
    suspended: int = 0
    buried: int = 0
    leeches: list[str] = field(default_factory=list)
    due_tomorrow: int = 0
    left: Counts | None = None
    new_done: int = 0  # new cards introduced today (this session and earlier ones)
    new_waiting: int = 0  # new cards held back by the day's new-card limit
    new_limit_setting: bool = True  # the limit is new_per_day (False: --new N)
    later_today: int = 0  # learning cards that come back later today
    scope: str = ""  # the session's filters as options (--tag taxes), for the hints

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0

    def to_dict(self) -> dict:
        return {
            "reviewed": self.reviewed,
            "again": self.again,
            "again_rate": round(self.again_rate, 4),
            "seconds": round(self.seconds, 1),
            "suspended": self.suspended,
            "buried": self.buried,
            "leeches": self.leeches,
            "due_tomorrow": self.due_tomorrow,
            "new_waiting": self.new_waiting,
            "later_today": self.later_today,
        }


@dataclass(frozen=True)
class _Answered:
    """An answer given in this session, kept so that undo can take it back."""

    card: QueueCard
    result: ReviewResult
    duration_ms: int


def run_session(kb, conn, queue: Queue, ui, *, reindex=None) -> SessionSummary:
    """Show cards until the queue is empty, the user quits or input ends. Every answer is durable when stored."""
    summary = SessionSummary()
    history: list[_Answered] = []  # for undo
    sched = _LazyScheduler(kb)
    pending: QueueCard | None = None
    number = 0
    while True:
        at = now()
        card = pending or queue.next(at)
        pending = None
        if card is None:
            break
        number += 1
        review_id = journal.new_id()
        intervals = _Intervals(sched, card, at, review_id)
        shown = time.monotonic()
        choice = ui.ask(card, number, queue.counts(at), intervals)
        spent = time.monotonic() - shown
        if choice is None or choice is Action.QUIT:
            break
        if isinstance(choice, Grade):
            duration = int(min(spent, 600) * 1000)
            try:
                result = record_answer(
                    kb,
                    conn,
                    card.id,
                    choice,
                    at=now(),
                    duration_ms=duration,
                    review_id=review_id,
                    expected=card.state,
                )
            except (
                AnsweredElsewhere
            ):  # another session (a terminal, a browser tab) answered it while shown here
                number -= 1
                ui.notice(
                    f"card {card.id} was answered in another session meanwhile; your answer is not counted"
                )
                continue
            queue.answered(card)
            history.append(_Answered(card, result, duration))
            summary.reviewed += 1
            summary.again += choice == Grade.AGAIN
            summary.seconds += spent
            if result.leech:
                summary.leeches.append(card.id)
                ui.notice(
                    f"leech: this card was forgotten {result.after.lapses} times; it is now suspended and "
                    f"flagged leech (rewrite it, then kb cards unsuspend {card.id})"
                )
            ui.answered(card, result)
        elif choice is Action.UNDO:
            number -= 1
            if not history:
                ui.notice("nothing to undo")
                pending = card
                continue
            number -= 1  # the card taken back is shown again under its old number
            pending = _undo(kb, conn, queue, ui, history.pop(), summary)
        elif choice is Action.SUSPEND:
            suspend(kb, conn, [card.id])
            summary.suspended += 1
            ui.notice(f"suspended card {card.id}")
        elif choice is Action.BURY:
            bury(kb, conn, [card.id])
            queue.skip(card.id)
            summary.buried += 1
            ui.notice(f"buried card {card.id} until tomorrow")
        elif choice is Action.EDIT:
            number -= 1
            ui.edit(kb, card)
            if reindex is not None:
                reindex()
            pending = reload_card(conn, card.id)
    from kb.review.stats import due_tomorrow

    at = now()
    summary.due_tomorrow = due_tomorrow(conn, kb.settings, at, local_zone(), queue.filters)
    summary.left = queue.counts(at)
    summary.new_done = queue.new_done
    summary.new_waiting = queue.new_waiting(at)
    summary.new_limit_setting = queue.new_limited_by_setting
    summary.later_today = queue.later_today(at)
    f = queue.filters
    summary.scope = "".join(
        f" --{name} {shlex.quote(value)}"
        for name, value in (("tag", f.tag), ("type", f.type), ("note", f.note))
        if value
    )
    return summary


def _undo(kb, conn, queue: Queue, ui, last: _Answered, summary: SessionSummary) -> QueueCard | None:
    """Take back an answer of this session; the card to show again (None if it is gone meanwhile)."""
    undo(kb, conn, last.result.review_id)
    queue.unanswered(last.card)
    if last.result.leech and last.card.id in summary.leeches:
        summary.leeches.remove(last.card.id)
    summary.reviewed -= 1
    summary.again -= last.result.grade == Grade.AGAIN
    summary.seconds -= last.duration_ms / 1000
    ui.notice(f"undone: {Grade(last.result.grade).label} on card {last.card.id}")
    return reload_card(conn, last.card.id)


class _LazyScheduler:
    """The FSRS scheduler, built (and fsrs imported) only when an interval is first needed: the terminal reviewer
    shows the first card's front before any interval."""

    def __init__(self, kb):
        self.kb = kb
        self.value = None

    def get(self):
        if self.value is None:
            from kb.review.parameters import scheduler_for

            self.value = scheduler_for(self.kb)
        return self.value


class _Intervals:
    """The interval each grade would give, computed on first use (a mapping grade -> timedelta)."""

    def __init__(self, sched: _LazyScheduler, card, at, review_id: str):
        self.args = (sched, card, at, review_id)
        self.values = None

    def __getitem__(self, grade: int) -> timedelta:
        if self.values is None:
            sched, card, at, review_id = self.args
            self.values = preview(sched.get(), card.state, at, card_id=card.id, review_id=review_id)
        return self.values[grade]


_MARKDOWN_SYNTAX = None


def renderable(text: str):
    """Markdown for text that uses Markdown syntax; plain rich Text otherwise (importing markdown-it is slow enough
    to delay the first card)."""
    global _MARKDOWN_SYNTAX
    import re

    if _MARKDOWN_SYNTAX is None:
        _MARKDOWN_SYNTAX = re.compile(r"[*_`#\[\]<>|~$\\]|^\s*([-+]|\d+\.)\s", re.M)
    if _MARKDOWN_SYNTAX.search(text):
        from rich.markdown import Markdown

        return Markdown(text)
    from rich.text import Text

    return Text(text)


def _grades_line(intervals: dict[int, timedelta]) -> str:
    return " | ".join(f"{g} {Grade(g).name.lower()} {format_interval(intervals[g])}" for g in (1, 2, 3, 4))


def editor_command(kb, card: QueueCard) -> list[str]:
    """The user's editor (kb.notes.editor: ``$VISUAL``, ``$EDITOR``, else an installed one) opening the note at the
    card's line. A KbError says what to set when there is none."""
    from kb.notes.editor import at_line
    from kb.notes.editor import editor_command as user_editor

    return at_line(user_editor(), kb.root / card.note, card.line)


# ---------------------------------------------------------------------------------------------------- plain lines
def _indent(text: str) -> str:
    """Continuation lines of a multi-line side are indented by three spaces (so every protocol line is tagged)."""
    return text.strip("\n").replace("\n", "\n   ")


class LineUI:
    """The scriptable protocol (see the module docstring)."""

    def __init__(self, stdin=None, out=None):
        self.stdin = stdin or sys.stdin
        self.out = out

    def _echo(self, text: str = "") -> None:
        click.echo(text, file=self.out)

    def ask(self, card, number, counts, intervals) -> Choice | None:
        self._echo(
            f"--- card {number} (new {counts.new} · learning {counts.learning} · review {counts.review})"
        )
        self._echo(f"id: {card.id}  note: {card.note}:{card.line}  queue: {card.queue}")
        if card.title or card.context:
            self._echo(f"in: {card.context or card.title}")
        self._echo(f"Q: {_indent(card.front)}")
        self._echo(f"A: {_indent(card.back)}")
        self._echo(f"grades: {_grades_line(intervals)}")
        while True:
            click.echo("> ", nl=False, file=self.out)
            sys.stdout.flush()
            line = self.stdin.readline()
            if not line:
                self._echo()
                return None
            word = line.strip().lower()
            if word in GRADE_WORDS:
                return GRADE_WORDS[word]
            action = LINE_ACTIONS.get(word)
            if action is not None:
                return action
            click.echo(
                f"kb review: {word!r} is not 1-4, again/hard/good/easy, u, s, b or q; try again", err=True
            )

    def answered(self, card, result) -> None:
        self._echo(
            f"answered {Grade(result.grade).label}: next in {format_interval(result.after.due_at - result.at)}"
        )

    def notice(self, text: str) -> None:
        self._echo(text)

    def edit(self, kb, card) -> None:  # not offered on the line protocol
        pass

    def summary(self, summary: SessionSummary) -> None:
        _print_summary(self._echo, summary)


def _print_summary(echo, s: SessionSummary) -> None:
    minutes, seconds = divmod(int(s.seconds), 60)
    if s.reviewed == 0 and (s.left is None or not s.left.total):
        echo("Nothing to review now.")
    else:
        echo(
            f"Reviewed {s.reviewed} card{'s' if s.reviewed != 1 else ''} in {minutes}m {seconds:02d}s; "
            f"again rate {s.again_rate:.0%}."
        )
    if s.left is not None and s.left.total:
        echo(f"Still due today: {s.left.new} new, {s.left.learning} learning, {s.left.review} review.")
    if s.new_waiting:
        done = (
            f"Today's {s.new_done} new card{'s' if s.new_done != 1 else ''} are done (new_per_day in mkdocs.yml)"
            if s.new_limit_setting
            else "The new cards asked for with --new are done"
        )
        echo(f"{done}; {s.new_waiting} more wait: `kb review{s.scope} --new 10` for more.")
    if s.later_today:
        echo(f"{s.later_today} learning card{'s come' if s.later_today != 1 else ' comes'} back later today.")
    echo(f"Due tomorrow: {s.due_tomorrow}.")


# ---------------------------------------------------------------------------------------------------- terminal
class KeyReader:
    """Single key presses from the terminal, without waiting for Enter.

    The terminal stays in cbreak mode (no line buffering, no echo; output keeps its newline translation) for the
    whole session, so a key pressed while a card is being drawn is neither echoed nor lost. ``close`` (or leaving
    the ``with`` block) puts the terminal back; ``suspended()`` does so around the editor.
    """

    def __init__(self, stream=None):
        self.stream = stream or sys.stdin
        self.fd = self.stream.fileno()
        self.saved = None

    def __enter__(self):
        import termios
        import tty

        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd, termios.TCSANOW)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        import termios

        if self.saved is not None:
            try:
                termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
            except termios.error:  # the terminal is gone: nothing to restore
                pass
            self.saved = None

    @contextmanager
    def suspended(self):
        was_raw = self.saved is not None
        self.close()
        try:
            yield
        finally:
            if was_raw:
                self.__enter__()

    def __call__(self) -> str:
        try:
            ch = os.read(self.fd, 1)
        except KeyboardInterrupt:
            return "q"
        except OSError:  # the terminal went away
            return "\x04"
        if not ch:  # end of input (terminal closed): end the session instead of spinning
            return "\x04"
        if ch == b"\x1b":  # swallow escape sequences (arrow keys)
            import select

            while select.select([self.fd], [], [], 0.01)[0]:
                os.read(self.fd, 8)
        if ch and ch[0] >= 0x80:  # the rest of a UTF-8 character
            need = 1 if ch[0] < 0xE0 else 2 if ch[0] < 0xF0 else 3
            ch += os.read(self.fd, need)
        return ch.decode("utf-8", "replace")


class TerminalUI:
    """The rich reviewer."""

    def __init__(self, console=None, key_reader=None):
        from rich.console import Console

        self.console = console or Console()
        self.read_key = key_reader or KeyReader()
        self.message = ""

    def __enter__(self):
        if isinstance(self.read_key, KeyReader):
            self.read_key.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if isinstance(self.read_key, KeyReader):
            self.read_key.close()

    def _header(self, card, counts):
        from rich.text import Text

        head = Text()
        for queue, count, colour in (
            ("new", counts.new, "blue"),
            ("learning", counts.learning, "red"),
            ("review", counts.review, "green"),
        ):
            current = " underline" if card.queue == queue else ""
            head.append(f" {count}", style=f"bold {colour}{current}")
            head.append(f" {queue} ")
        return head

    def _render(self, card, counts, intervals, revealed: bool):
        from rich.panel import Panel
        from rich.rule import Rule
        from rich.text import Text

        c = self.console
        c.clear()
        c.print(self._header(card, counts))
        crumb = card.context or card.title
        where = Text(f"{crumb}" if crumb else "", style="dim")
        where.append(f"   {card.note}:{card.line}", style="dim italic")
        c.print(where)
        if self.message:
            c.print(Text(self.message, style="yellow"))
            self.message = ""
        from kb.mathtext import math_to_unicode  # LaTeX as Unicode: 1.01³⁶⁵ ≈ 37.8

        c.print(Panel(renderable(math_to_unicode(card.front)), border_style="cyan"))
        if revealed:
            c.print(Rule(style="dim"))
            c.print(Panel(renderable(math_to_unicode(card.back)), border_style="green"))
            buttons = Text()
            styles = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
            for g in (1, 2, 3, 4):
                buttons.append(f" {g} ", style=f"reverse {styles[g]}")
                buttons.append(f" {Grade(g).label} {format_interval(intervals[g])}   ")
            c.print(buttons)
            c.print(Text("u undo · s suspend · b bury · e edit · q quit", style="dim"))
        else:
            c.print(
                Text("Space/Enter show answer · u undo · s suspend · b bury · e edit · q quit", style="dim")
            )

    def ask(self, card, number, counts, intervals) -> Choice | None:
        revealed = False
        self._render(card, counts, intervals, revealed)
        while True:
            key = self.read_key()
            if key in ("\x03", "\x04"):  # Ctrl-C, Ctrl-D
                return Action.QUIT
            if key in (" ", "\r", "\n") and not revealed:
                revealed = True
                self._render(card, counts, intervals, revealed)
                continue
            if revealed and key in "1234" and key:
                return Grade(int(key))
            if key.lower() in ACTION_KEYS:
                return ACTION_KEYS[key.lower()]

    def answered(self, card, result) -> None:
        pass

    def notice(self, text: str) -> None:
        self.message = text

    def edit(self, kb, card) -> None:
        try:
            cmd = editor_command(kb, card)
        except KbError as exc:
            self.message = str(exc)
            return
        restore = self.read_key.suspended() if isinstance(self.read_key, KeyReader) else nullcontext()
        try:
            with restore:
                subprocess.call(cmd)
        except OSError as exc:
            self.message = f"cannot start the editor {cmd[0]!r} ({exc.strerror}); set $VISUAL or $EDITOR"

    def summary(self, summary: SessionSummary) -> None:
        self.console.clear()
        if self.message:
            self.console.print(self.message, style="yellow")
        _print_summary(self.console.print, summary)
