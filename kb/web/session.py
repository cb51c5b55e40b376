"""``WebUI``: the face of ``kb.review.terminal.run_session`` that a browser page drives.

The session loop runs unchanged in the main thread (the same queue, limits, undo, suspend, bury, edit, leeches and
journal as ``kb review`` in a terminal). Where the terminal face reads a key, ``ask`` publishes the card as a
*screen* (a JSON-ready dict numbered by ``seq``) and waits for the page's choice; the server's threads call
``screen`` and ``command``. A command answers the screen it was given for (its ``seq``): a command for a screen that
is no longer shown (a second tab, a double press) changes nothing and gets the current screen back. ``command``
returns only once the session has moved on, so the page hears of an answer only after it is in the journal and the
database.
"""

from __future__ import annotations

import sys
import threading
import time

from kb.errors import KbError
from kb.review.scheduler import Grade, format_interval
from kb.review.terminal import ACTION_KEYS, Action, SessionSummary, _print_summary, editor_command
from kb.web.render import card_html

COMMANDS = {**{str(g.value): g for g in Grade}, **{a.value: a for a in Action}, **ACTION_KEYS}
LONG_POLL_SECONDS = 20.0


class WebUI:
    def __init__(self, kb, conn, *, terminal: bool | None = None):
        self.kb, self.conn = kb, conn
        self.notes_folder = kb.rel(kb.notes)
        self.terminal = sys.stdin.isatty() if terminal is None else terminal  # where $EDITOR can open
        self._cond = threading.Condition()
        self._seq = 0
        self._screen: dict = {"seq": 0, "kind": "wait", "message": "Finding the first card…"}
        self._choice: Grade | Action | None = None
        self._messages: list[str] = []
        self.delivered_end = threading.Event()  # the last screen (done or error) reached a page

    # ------------------------------------------------------------------------------------------- session thread
    def _publish(self, screen: dict) -> None:
        with self._cond:
            self._seq += 1
            self._screen = {**screen, "seq": self._seq}
            self._choice = None
            self._cond.notify_all()

    def ask(self, card, number, counts, intervals):
        cloze = None
        if card.kind == "cloze":
            row = self.conn.execute(
                "SELECT cloze_text, cloze_index FROM cards WHERE id = ?", (card.id,)
            ).fetchone()
            cloze = tuple(row) if row else None
        front, back = card_html(card, cloze, self.notes_folder)
        self._publish(
            {
                "kind": "card",
                "number": number,
                "counts": {"new": counts.new, "learning": counts.learning, "review": counts.review},
                "queue": card.queue,
                "card": {
                    "id": card.id,
                    "note": card.note,
                    "line": card.line,
                    "kind": card.kind,
                    "where": card.context or card.title,
                },
                "front": front,
                "back": back,
                "grades": [
                    {"grade": g.value, "label": g.label, "interval": format_interval(intervals[g.value])}
                    for g in Grade
                ],
                "message": "\n".join(self._messages),
            }
        )
        self._messages = []
        with self._cond:
            while self._choice is None:
                self._cond.wait()
            return self._choice

    def answered(self, card, result) -> None:
        self._messages.append(
            f"{Grade(result.grade).label}: next in {format_interval(result.after.due_at - result.at)}"
        )

    def notice(self, text: str) -> None:
        self._messages.append(text)

    def edit(self, kb, card) -> None:
        where = f"{card.note}:{card.line}"
        if not self.terminal:
            self.notice(
                f"Edit the card at {where} (kb review --web runs without a terminal to open $EDITOR in)"
            )
            return
        try:
            cmd = editor_command(kb, card)
        except KbError as exc:
            self.notice(f"{exc}; the card is at {where}")
            return
        self._publish(
            {
                "kind": "wait",
                "message": f"Editing {where} in {cmd[0]}, in the terminal where kb review --web runs; "
                "the card comes back when the editor closes.",
            }
        )
        import subprocess

        try:
            subprocess.call(cmd)
        except OSError as exc:
            self.notice(f"cannot start the editor {cmd[0]!r} ({exc.strerror}); set $VISUAL or $EDITOR")

    def finish(self, summary: SessionSummary) -> None:
        lines: list[str] = []
        _print_summary(lambda text="": lines.append(str(text)), summary)
        self._publish({"kind": "done", "lines": lines, "message": "\n".join(self._messages)})

    def fail(self, message: str) -> None:
        self._publish({"kind": "error", "message": message})

    # ------------------------------------------------------------------------------------------- server threads
    def _current(self) -> dict:
        if self._screen["kind"] in ("done", "error"):
            self.delivered_end.set()
        return self._screen

    def screen(self, after: int | None = None, timeout: float = LONG_POLL_SECONDS) -> dict:
        """The screen shown now; with ``after``, waits (up to ``timeout``) for a newer one than that."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while after is not None and self._seq <= after:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._current()

    def command(self, seq: int, word: str) -> dict:
        """Hand the page's choice for screen ``seq`` to the session; the screen after it (``stale``: the choice
        was not for the screen shown, and nothing was done)."""
        choice = COMMANDS.get(word)
        with self._cond:
            if (
                choice is None
                or self._screen["kind"] != "card"
                or seq != self._seq
                or self._choice is not None
            ):
                return {**self._current(), "stale": True}
            self._choice = choice
            self._cond.notify_all()
            while self._seq == seq:
                self._cond.wait()
            return self._current()
