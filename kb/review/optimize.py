"""Fitting FSRS parameters to the user's own history with fsrs-rs-python (the optional extra ``kb[optimize]``).

Training items follow Anki's construction: for each card, its answers in time order, with ``delta_t`` the number of
review days since the previous answer; every answer after the first that comes on a later day is one item (the
history up to and including it). Fitted parameters go to ``.kb/parameters.json``, which the scheduler reads
(``kb.review.parameters.load_parameters``); the file is small, text, and committed with the notes like the journal.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from kb.config import KnowledgeBase
from kb.errors import KbError
from kb.review.clock import iso, parse_iso, review_day


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class OptimizeReport:
    reviews: int
    items: int
    cards: int
    before: Evaluation | None
    after: Evaluation | None
    parameters: tuple[float, ...] | None
    saved_to: str | None
    message: str = ""

    def to_dict(self) -> dict:
        def ev(e):
            return {"log_loss": round(e.log_loss, 6), "rmse_bins": round(e.rmse_bins, 6)} if e else None

        return {
            "reviews": self.reviews,
            "items": self.items,
            "cards": self.cards,
            "before": ev(self.before),
            "after": ev(self.after),
            "parameters": list(self.parameters) if self.parameters else None,
            "saved_to": self.saved_to,
            "message": self.message,
        }

    def describe(self) -> str:
        if self.after is None or self.before is None:
            return self.message
        lines = [
            f"Fitted on {self.reviews} reviews of {self.cards} cards ({self.items} training items).",
            f"  log loss   {self.before.log_loss:.4f} -> {self.after.log_loss:.4f}",
            f"  RMSE(bins) {self.before.rmse_bins:.4f} -> {self.after.rmse_bins:.4f}",
        ]
        lines.append(
            f"Saved to {self.saved_to}; new answers are scheduled with them."
            if self.saved_to
            else "Not saved (--dry-run)."
        )
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


def _fsrs_rs():
    try:
        import fsrs_rs_python
    except ImportError:
        raise KbError(
            "kb optimize needs the optional fitter: pip install 'kb[optimize]' (fsrs-rs-python), then run it again"
        ) from None
    return fsrs_rs_python


def build_items(histories: Iterable[list[tuple[int, int]]]):
    """FSRS training items from per-card histories of (review day number, grade), each in time order."""
    rs = _fsrs_rs()
    items = []
    for history in histories:
        reviews = []
        previous = None
        for day, grade in history:
            delta = 0 if previous is None else day - previous
            previous = day
            reviews.append(rs.FSRSReview(int(grade), int(delta)))
            if len(reviews) > 1 and delta > 0:
                items.append(rs.FSRSItem(list(reviews)))
    return items


def histories_from_rows(rows: Iterable[tuple[str, str, int]], day_starts_at: int, tz: tzinfo | None):
    """(card id, UTC ISO time, grade) rows sorted by card then time -> per-card (day number, grade) lists."""
    epoch = date(1970, 1, 1)
    out: dict[str, list[tuple[int, int]]] = {}
    for card, at, grade in rows:
        moment = at if isinstance(at, datetime) else parse_iso(at)
        out.setdefault(card, []).append(((review_day(moment, day_starts_at, tz) - epoch).days, int(grade)))
    return out


def evaluate(parameters, items) -> Evaluation:
    rs = _fsrs_rs()
    result = rs.FSRS(list(parameters)).evaluate(items)
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def fit(items, *, seed: int = 2023) -> tuple[float, ...]:
    """Parameters fitted by fsrs-rs, clipped to the bounds the fsrs package accepts."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    rs = _fsrs_rs()
    fitted = rs.FSRS(list(rs.DEFAULT_PARAMETERS)).compute_parameters(items)
    return tuple(
        min(max(float(v), lo), hi)
        for v, lo, hi in zip(fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def optimize(
    kb: KnowledgeBase,
    conn: sqlite3.Connection,
    *,
    min_reviews: int = 400,
    save: bool = True,
    tz: tzinfo | None = None,
) -> OptimizeReport:
    """Fit parameters to the reviews in the database, compare them with the ones in use, save them."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from kb.review.clock import local_zone, now
    from kb.review.parameters import load_parameters, parameters_path

    tz = tz if tz is not None else local_zone()
    rows = conn.execute(
        "SELECT card_id, reviewed_at, grade FROM reviews WHERE undone = 0 ORDER BY card_id, reviewed_at, uid"
    ).fetchall()
    if len(rows) < min_reviews:
        return OptimizeReport(
            len(rows),
            0,
            0,
            None,
            None,
            None,
            None,
            f"Only {len(rows)} reviews so far; kb optimize fits once there are {min_reviews} "
            "(keep reviewing, or lower --min-reviews).",
        )
    histories = histories_from_rows(rows, kb.settings.day_starts_at, tz)
    items = build_items(histories.values())
    if not items:
        return OptimizeReport(
            len(rows),
            0,
            len(histories),
            None,
            None,
            None,
            None,
            "No card has been reviewed on two different days yet; nothing to fit.",
        )
    current = load_parameters(kb) or DEFAULT_PARAMETERS
    before = evaluate(current, items)
    fitted = fit(items)
    after = evaluate(fitted, items)
    saved = None
    message = ""
    if save:
        path = parameters_path(kb)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "parameters": list(fitted),
            "fitted_at": iso(now()),
            "reviews": len(rows),
            "log_loss": {"before": before.log_loss, "after": after.log_loss},
            "rmse_bins": {"before": before.rmse_bins, "after": after.rmse_bins},
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        saved = kb.rel(path)
        if kb.settings.parameters:
            message = (
                "Note: mkdocs.yml sets kb `parameters`, which take precedence; remove them to use the fitted "
                "ones."
            )
    return OptimizeReport(len(rows), len(items), len(histories), before, after, fitted, saved, message)
