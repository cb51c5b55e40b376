"""Replaying the journals into the database: new lines on every command, everything on a rebuild.

The database is a cache of the journals (see ``kb.review.history`` for the fold rule). Lines are applied in history
order (time, then id) whichever file they come from, so two devices' journals merged by git are one history; a line
about a card whose id changed (the note was edited or renamed) is attached to the live card it describes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from kb.config import KnowledgeBase
from kb.errors import KbError
from kb.review import journal
from kb.review.history import (
    apply_flags,
    insert_event,
    insert_review,
    recompute,
    write_transaction,
)

SIMILAR_ENOUGH = 0.75  # text similarity (difflib ratio) above which an edited card is taken as the same card


@dataclass
class ReplayReport:
    files: int = 0
    events: int = 0  # new events applied
    cards: int = 0  # cards whose schedule was recomputed
    unmatched: int = 0  # reviews of cards no longer in any note (kept under their old id)
    warnings: list[str] = field(default_factory=list)


def sync_journal(kb: KnowledgeBase, conn: sqlite3.Connection) -> ReplayReport:
    """Replay journal lines not yet in the database. One stat per journal file when there is nothing new."""
    known = {
        name: (size, mtime)
        for name, size, mtime in conn.execute("SELECT name, size, mtime_ns FROM journal_files")
    }
    chunks = journal.read_new(kb.journal_dir, known)
    report = ReplayReport(files=len(chunks))
    if not chunks:
        return report
    events = [e for chunk in chunks for e in chunk.events]
    events.sort(key=journal.order_key)
    with write_transaction(conn):
        _Replayer(kb, conn, report).apply(events)
        for chunk in chunks:
            for line in chunk.bad_lines:
                report.warnings.append(
                    f".kb/journal/{chunk.name}: a line after byte {chunk.start} (line {line} of the new part) is not "
                    "a journal record (a torn write?); it was skipped, the rest was replayed"
                )
            conn.execute(
                "INSERT INTO journal_files (name, size, mtime_ns) VALUES (?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns",
                (chunk.name, chunk.end, chunk.mtime_ns),
            )
    return report


def rebuild_from_journal(kb: KnowledgeBase, conn: sqlite3.Connection, *, force: bool = False) -> ReplayReport:
    """Forget every schedule and replay every journal from the start (the database is a cache of the journals).

    Refuses (KbError) when the database holds reviews that no journal has (a journal file deleted or checked out
    to an older version), since rebuilding would lose them; ``force=True`` rebuilds anyway.
    """
    if not force:
        logged = set()
        for e in journal.read_all(kb.journal_dir):
            if e.get("type") == "review":
                logged.add(e["id"])
            elif e.get("type") == "import":
                logged.update(_record_review_ids(e))
        missing = sum(1 for (uid,) in conn.execute("SELECT uid FROM reviews") if uid not in logged)
        if missing:
            raise KbError(
                f"{kb.rel(kb.journal_dir)}: {missing} review(s) in the database are in no journal file (was a journal "
                "deleted or checked out to an older version?); restore it, or rebuild with force to drop them"
            )
    with write_transaction(conn):
        conn.execute("DELETE FROM card_state")
        conn.execute("DELETE FROM reviews")
        conn.execute("DELETE FROM card_events")
        conn.execute("DELETE FROM card_starts")
        conn.execute("DELETE FROM journal_files")
        conn.execute(
            "UPDATE cards SET suspended = 0, buried_until = NULL WHERE suspended != 0 OR buried_until IS NOT NULL"
        )
        for card_id, flags in conn.execute(
            "SELECT id, flags FROM cards WHERE flags LIKE '%\"leech\"%'"
        ).fetchall():
            kept = [f for f in json.loads(flags or "[]") if f != "leech"]
            conn.execute("UPDATE cards SET flags = ? WHERE id = ?", (json.dumps(kept), card_id))
    return sync_journal(kb, conn)


def _record_review_ids(event: dict) -> list[str]:
    from kb.review.imported import decode, review_ids

    try:
        return review_ids(decode(event))
    except ValueError:
        return []


class CardResolver:
    """Finds the live card a journal line is about: by id, then fingerprint, then similar text in the same note, then
    similar text among cards with the same front or back (a note renamed and edited).

    The fingerprint and text tables are read once, on the first line whose id is unknown (one scan of the cards,
    not one per line).
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cache: dict[str, str | None] = {}
        self.by_fp: dict[str, list[tuple[str, str, bool]]] | None = None
        self.by_text: dict[str, list[tuple[str, str, str]]] = {}

    def resolve(self, event: dict) -> str | None:
        card = str(event.get("card") or "")
        if card in self.cache:
            return self.cache[card]
        found = self._find(card, event)
        self.cache[card] = found
        return found

    def _load(self) -> None:
        self.by_fp = {}
        for cid, fp, note, orphaned, front, back in self.conn.execute(
            "SELECT id, fingerprint, note, orphaned_at IS NOT NULL, front, back FROM cards"
        ):
            if fp:
                self.by_fp.setdefault(fp, []).append((cid, note, bool(orphaned)))
            if not orphaned:
                for side in (front, back):
                    self.by_text.setdefault(side, []).append((cid, front, back))

    def _find(self, card: str, event: dict) -> str | None:
        if self.conn.execute("SELECT 1 FROM cards WHERE id = ?", (card,)).fetchone():
            return card
        if self.by_fp is None:
            self._load()
        note = event.get("note") or ""
        fp = event.get("fp")
        if fp and fp in self.by_fp:
            # a live card first, one in the same note first
            return min(self.by_fp[fp], key=lambda c: (c[2], c[1] != note))[0]
        text = f"{event.get('front', '')}\n{event.get('back', '')}"
        if not text.strip():
            return None
        candidates = self._candidates(note, event)
        return self._same_question(event, note, candidates) or self._most_similar(text, candidates)

    def _same_question(self, event: dict, note: str, candidates: list[tuple[str, str, str]]) -> str | None:
        """The one live card of the line's note asking the same question (its answer rewritten beyond what text
        similarity accepts: "DNA" -> "DNA, packed into chromatin"); None when none or several do."""
        front, kind = event.get("front") or "", event.get("kind")
        if not front.strip() or not kind or "[...]" in front:  # a cloze's front changes with its text
            return None
        same = [cid for cid, f, _ in candidates if f == front]
        if len(same) != 1:
            return None
        row = self.conn.execute("SELECT kind, note FROM cards WHERE id = ?", (same[0],)).fetchone()
        return same[0] if row and row[0] == kind and row[1] == note else None

    def _candidates(self, note: str, event: dict) -> list[tuple[str, str, str]]:
        """The live cards of the line's note, else those sharing its front or back (the note was renamed)."""
        candidates = self.conn.execute(
            "SELECT id, front, back FROM cards WHERE note = ? AND orphaned_at IS NULL", (note,)
        ).fetchall()
        if candidates:
            return candidates
        seen = {}
        for side in (event.get("front", ""), event.get("back", "")):
            for cand in self.by_text.get(side, [])[:50]:
                seen[cand[0]] = cand
        return list(seen.values())

    @staticmethod
    def _most_similar(text: str, candidates: list[tuple[str, str, str]]) -> str | None:
        from difflib import SequenceMatcher

        best, best_ratio = None, 0.0
        for cid, front, back in candidates:
            ratio = SequenceMatcher(None, text, f"{front}\n{back}").ratio()
            if ratio > best_ratio:
                best, best_ratio = cid, ratio
        return best if best_ratio >= SIMILAR_ENOUGH else None


class _Replayer:
    """Applies journal lines, in history order, then refolds the schedules and flags of the cards they touched."""

    def __init__(self, kb: KnowledgeBase, conn: sqlite3.Connection, report: ReplayReport):
        self.kb, self.conn, self.report = kb, conn, report
        self.resolver = CardResolver(conn)
        self.reviews_touched: set[str] = set()
        self.flags_touched: set[str] = set()

    def apply(self, events: list[dict]) -> None:
        for event in events:
            kind = event.get("type")
            at = journal.normalise_time(event["at"])
            if kind == "review":
                self._review(event, at)
            elif kind == "undo":
                self._undo(event, at)
            elif kind in ("suspend", "unsuspend", "bury"):
                self._card_event(event, kind, at)
            elif kind in ("schedule", "start"):
                self._schedule(event, at)
            elif kind == "import":
                self._import(event)
            elif kind in ("quiz", "quiz-answer"):
                self._quiz_line(event, kind, at)
            elif kind == journal.ANKI_SYNC:
                self._anki_sync(event, at)
        conn = self.conn
        # an undo replayed before its review (journals merged out of order) still applies
        for (card_id,) in conn.execute(
            "UPDATE reviews SET undone = 1 WHERE undone = 0 AND uid IN (SELECT ref FROM card_events WHERE kind = 'undo')"
            " RETURNING card_id"
        ).fetchall():
            self.reviews_touched.add(card_id)
        for card_id in sorted(self.reviews_touched):
            recompute(conn, self.kb, card_id)
        for card_id in sorted(self.flags_touched | self.reviews_touched):
            apply_flags(conn, card_id)
        self.report.cards = len(self.reviews_touched)

    def _review(self, event: dict, at: str) -> None:
        report = self.report
        try:
            grade = int(event["grade"])
            if grade not in (1, 2, 3, 4):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            report.warnings.append(
                f".kb/journal/{event.get('_file')}: review {event['id']} has no grade 1-4; skipped"
            )
            return
        card_id = self.resolver.resolve(event)
        if card_id is None:
            card_id = str(event.get("card") or "")
            report.unmatched += 1
        if insert_review(self.conn, event, card_id):
            report.events += 1
            self.reviews_touched.add(card_id)
            if event.get("leech"):
                insert_event(self.conn, f"{event['id']}:leech", card_id, "leech", at, ref=event["id"])
                self.flags_touched.add(card_id)

    def _import(self, event: dict) -> None:
        """An import's compressed record (``kb.review.imported``): its answers and schedules, in bulk."""
        from kb.review.imported import apply_record, decode

        try:
            record = decode(event)
        except ValueError as exc:
            self.report.warnings.append(
                f".kb/journal/{event.get('_file')}: import {event['id']}: {exc}; skipped, the rest was replayed"
            )
            return
        applied = apply_record(self.conn, self.kb, event, record, self.resolver.resolve)
        self.report.events += applied.answers + applied.schedules
        self.report.unmatched += applied.unmatched

    def _undo(self, event: dict, at: str) -> None:
        ref = event.get("ref")
        row = self.conn.execute("SELECT card_id FROM reviews WHERE uid = ?", (ref,)).fetchone()
        card_id = row[0] if row else str(event.get("card") or "")
        if insert_event(self.conn, event["id"], card_id, "undo", at, ref=ref):
            self.report.events += 1
        if row:
            self.conn.execute("UPDATE reviews SET undone = 1 WHERE uid = ?", (ref,))
            self.reviews_touched.add(card_id)
            self.flags_touched.add(card_id)

    def _schedule(self, event: dict, at: str) -> None:
        """Schedules from elsewhere (``kb.review.schedules``; also the older one-card and ``start`` forms)."""
        from kb.review.schedules import apply_entries, entries_of, snapshot_of

        entries, start = entries_of(event)
        resolved = []
        for entry in entries:
            card_id = self.resolver.resolve(snapshot_of(entry))
            if card_id is None:
                if start:  # a start for a card that is gone has nothing to start
                    self.report.unmatched += 1
                    continue
                card_id = str(entry.get("card") or "")
            resolved.append({**entry, "card": card_id})
        source = str(event.get("source") or "")
        touched = apply_entries(self.conn, event["id"], resolved, source=source, at=at, start=start)
        self.report.events += len(touched)
        self.reviews_touched.update(touched)
        if not start:
            self.flags_touched.update(touched)

    def _card_event(self, event: dict, kind: str, at: str) -> None:
        card_id = self.resolver.resolve(event) or str(event.get("card") or "")
        until = journal.normalise_time(event["until"]) if event.get("until") else None
        if insert_event(self.conn, event["id"], card_id, kind, at, until=until):
            self.report.events += 1
            self.flags_touched.add(card_id)

    def _anki_sync(self, event: dict, at: str) -> None:
        """What ``kb export anki --into`` last wrote into an Anki note (``kb.review.answers.record_anki_sync``)."""
        card_id = self.resolver.resolve(event) or str(event.get("card") or "")
        data = json.dumps({"nsum": str(event.get("nsum") or ""), "fp": str(event.get("fp") or "")})
        self.report.events += insert_event(self.conn, event["id"], card_id, journal.ANKI_SYNC, at, data=data)

    def _quiz_line(self, event: dict, kind: str, at: str) -> None:
        """A quiz taken or one of its answers, into ``quizzes`` / ``quiz_answers`` (each line once, by its id)."""
        from kb.review.clock import parse_iso

        seconds = parse_iso(at).isoformat(timespec="seconds")  # as kb.quiz.store writes times
        try:
            if kind == "quiz":
                cur = self.conn.execute(
                    "INSERT INTO quizzes (uid, started_at, scope, seed, questions, correct) VALUES (?,?,?,?,?,0) "
                    "ON CONFLICT(uid) DO NOTHING",
                    (event["id"], seconds, str(event.get("scope") or ""), event.get("seed"),
                     int(event.get("questions") or 0)),
                )  # fmt: skip
                self.report.events += cur.rowcount
                return
            row = self.conn.execute("SELECT id FROM quizzes WHERE uid = ?", (event.get("quiz"),)).fetchone()
            if row is None:
                self.report.warnings.append(
                    f".kb/journal/{event.get('_file')}: quiz answer {event['id']} belongs to no quiz line; skipped"
                )
                return
            values = (row[0], int(event["position"]), str(event.get("kind") or ""), event.get("card"),
                      event.get("note"), event.get("line"), str(event.get("question") or ""),
                      str(event.get("answer") or ""), event.get("given"), int(bool(event.get("correct"))),
                      seconds, event.get("ms"))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            self.report.warnings.append(
                f".kb/journal/{event.get('_file')}: {kind} {event['id']} is incomplete; skipped"
            )
            return
        old = self.conn.execute(
            "SELECT answered_at, given, correct FROM quiz_answers WHERE quiz_id = ? AND position = ?",
            values[:2],
        ).fetchone()
        if old is not None and (old[0], old[1], old[2]) == (values[10], values[8], values[9]):
            return  # replayed already
        self.conn.execute(
            """INSERT OR REPLACE INTO quiz_answers (quiz_id, position, kind, card_id, note, line, question, answer,
                                                    given, correct, answered_at, duration_ms)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            values,
        )
        self.conn.execute(
            "UPDATE quizzes SET correct = (SELECT COUNT(*) FROM quiz_answers WHERE quiz_id = ? AND correct = 1) "
            "WHERE id = ?",
            (row[0], row[0]),
        )
        self.report.events += 1
