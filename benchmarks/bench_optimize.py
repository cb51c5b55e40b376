"""Benchmark `kb optimize`'s fitter on a real learner's review log, judged on later reviews it never saw.

The reviews are split in time: parameters are fitted on the items whose answer came before the cut (the first
80% of reviews by default) and both the default FSRS-6 parameters and the fitted ones are evaluated on the items
whose answer came after it (each item carries the card's whole earlier history, as a scheduler would see it).

Prints one JSON object: default vs fitted log loss and RMSE (bins) on the held-out later reviews, the same on the
training part, item counts and the fit time.

Usage: python benchmarks/bench_optimize.py [PATH/TO/josh_revlogs.csv] [--train-fraction 0.8]
(default: benchmarks/data/josh_revlogs.csv, shipped with its MIT licence notice). Run from the repository root.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import UTC
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load(path: Path) -> list[tuple[str, str, int]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [(r["card_id"], r["review_time"], int(r["review_rating"])) for r in csv.DictReader(fh)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", nargs="?", default=str(REPO / "benchmarks" / "data" / "josh_revlogs.csv"))
    ap.add_argument("--train-fraction", type=float, default=0.8)
    ap.add_argument("--day-starts-at", type=int, default=4)
    # The harness's contract (benchmarks/README.md): the fit reads the review log, not the corpora; it is already
    # quick (well under a second), so --quick runs it as it is.
    for name in ("--corpus", "--corpus-1k", "--work", "--repeat"):
        ap.add_argument(name, help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not Path(args.csv).is_file():
        sys.exit(
            f"{args.csv}: no such review log; give the path of a CSV with card_id, review_rating, review_time"
        )
    sys.path.insert(0, str(REPO))
    import fsrs_rs_python as rs
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from kb.review.clock import iso, parse_iso, review_day
    from kb.review.optimize import evaluate, fit

    rows = load(Path(args.csv))
    times = sorted(iso(parse_iso(r[1])) for r in rows)
    cut = times[int(len(times) * args.train_fraction)]

    by_card: dict[str, list[tuple[str, int]]] = {}
    for card, at, grade in rows:
        by_card.setdefault(card, []).append((iso(parse_iso(at)), grade))
    train, test = [], []
    for history in by_card.values():
        history.sort()
        reviews, previous = [], None
        for at, grade in history:
            day = review_day(parse_iso(at), args.day_starts_at, UTC).toordinal()
            delta = 0 if previous is None else day - previous
            previous = day
            reviews.append(rs.FSRSReview(grade, delta))
            if len(reviews) > 1 and delta > 0:
                (train if at < cut else test).append(rs.FSRSItem(list(reviews)))

    t = time.perf_counter()
    fitted = fit(train)
    fit_s = time.perf_counter() - t
    default_test, fitted_test = evaluate(DEFAULT_PARAMETERS, test), evaluate(fitted, test)
    default_train, fitted_train = evaluate(DEFAULT_PARAMETERS, train), evaluate(fitted, train)

    def ev(e):
        return {"log_loss": round(e.log_loss, 4), "rmse_bins": round(e.rmse_bins, 4)}

    print(
        json.dumps(
            {
                "benchmark": "optimize",
                "data": Path(args.csv).name,
                "reviews": len(rows),
                "cards": len(by_card),
                "cut": cut,
                "train_items": len(train),
                "test_items": len(test),
                "fit_s": round(fit_s, 3),
                "held_out": {"default": ev(default_test), "fitted": ev(fitted_test)},
                "training": {"default": ev(default_train), "fitted": ev(fitted_train)},
                "fitted_parameters": [round(p, 4) for p in fitted],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
