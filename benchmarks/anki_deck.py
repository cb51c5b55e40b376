"""A generated Anki package with a review history, for ``bench_anki_import.py``: N cards, about R reviews.

``python benchmarks/anki_deck.py OUT.apkg [--cards 50000] [--reviews 400000] [--seed 1]``

The package is what Anki writes with "Support older Anki versions" ticked (a schema-11 ``collection.anki2``): genanki
writes the collection's skeleton (its tables, the ``col`` row, the note types and decks), then the notes, cards and
review log are inserted with plain SQL, many rows at a time (genanki adds one note at a time, far too slowly for
50,000). The real Anki backend imports it (``tests/test_bench_anki_deck.py`` checks that on a small one).

What is in it: 20 decks under one parent (``Bench::Deck 01`` ...), three note types (Basic; Basic and reversed card,
two cards a note; Cloze with two deletions, two cards a note), fields of 4-20 words with some HTML, 1-4 tags a
note. A tenth of the cards are new; the others have 1-40 answers (a few very long histories, most short) spread over
the two years before ``NOW``, with the scheduling columns Anki would have after them (review cards due around
``NOW``, some in learning, a few suspended or buried, flags, an FSRS memory state on half of them). Same arguments,
same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import zipfile
from pathlib import Path

NOW_S = 1_781_500_000  # 2026-06-15, the benchmark's "today"
DAY_S = 86_400
CRT = NOW_S - 800 * DAY_S  # the collection's creation, before the first review
DECKS = 20
WORDS = (
    "time year people way day man thing woman life child world school state family student group country problem "
    "hand part place case week company system program question work government number night point home water room "
    "mother area money story fact month lot right study book eye job word business issue side kind head house "
    "service friend father power hour game line end member law car city community name president team minute idea "
    "kid body information back parent face others level office door health person art war history party result "
    "change morning reason research girl guy moment air teacher force education foot boy age policy process music "
    "market sense nation plan college interest death experience effect use class control care field development role "
    "effort rate heart drug show leader light voice wife police mind price report decision son view relationship "
    "town road arm difference value building action model season society tax director position player record paper "
    "space ground form event official matter center couple site project activity star table need court oil situation "
    "cost industry figure street image phone data picture practice piece land product doctor wall patient worker news "
    "test movie north love support technology step baby computer type attention film tree source organization hair "
    "window evidence population site mitochondria photosynthesis enzyme protein ribosome nucleus membrane osmosis "
    "gradient derivative integral matrix vector eigenvalue theorem lemma proof axiom hypothesis kinase receptor "
    "ligand synapse neuron cortex hippocampus amygdala dopamine serotonin glutamate"
).split()


def _text(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    if words and rng.random() < 0.3:  # some HTML, as Anki's editor leaves it
        i = rng.randrange(len(words))
        words[i] = f"<b>{words[i]}</b>"
    if rng.random() < 0.1:
        words.append("&amp; <i>more</i><br>")
    return " ".join(words)


def _history_lengths(rng: random.Random, cards: int, reviews: int) -> list[int]:
    """Answers per card: a tenth new, the rest 1-40 (long-tailed), scaled to about ``reviews`` in all."""
    raw = [0 if rng.random() < 0.1 else min(40, 1 + int(rng.paretovariate(1.3))) for _ in range(cards)]
    total = sum(raw) or 1
    scaled = [round(n * reviews / total) if n else 0 for n in raw]
    scaled = [min(max(n, 1), 60) if raw[i] else 0 for i, n in enumerate(scaled)]
    drift = reviews - sum(scaled)
    for _ in range(4):  # nudge to the exact total, one answer a card at a time, while cards have room
        for j in range(cards):
            if drift and scaled[j] and (drift > 0 and scaled[j] < 60 or drift < 0 and scaled[j] > 1):
                scaled[j] += 1 if drift > 0 else -1
                drift += -1 if drift > 0 else 1
    return scaled


def _skeleton(db_path: Path, seed: int) -> tuple[dict[str, int], list[int]]:
    """The collection's tables and ``col`` row, written by genanki: (note type name -> id, deck ids)."""
    import itertools

    import genanki

    decks = [
        genanki.Deck(1_500_000_000_000 + seed * 100 + i, f"Bench::Deck {i + 1:02d}") for i in range(DECKS)
    ]
    models = {
        "basic": genanki.BASIC_MODEL,
        "reversed": genanki.BASIC_AND_REVERSED_CARD_MODEL,
        "cloze": genanki.CLOZE_MODEL,
    }
    for deck, model in zip(decks, itertools.cycle(models.values()), strict=False):
        deck.add_model(model)
    conn = sqlite3.connect(db_path)
    genanki.Package(decks).write_to_db(conn.cursor(), NOW_S, itertools.count(NOW_S * 1000))
    conn.commit()
    conn.close()
    return {name: m.model_id for name, m in models.items()}, [d.deck_id for d in decks]


def _card_columns(rng: random.Random, answers: list[int], answered: int, due_seed: float) -> tuple:
    """(type, queue, due, ivl, factor, reps, lapses, left, flags, data) after ``answered`` answers at ``answers``."""
    if not answered:
        return (0, 0, 0, 0, 0, 0, 0, 0, 0, "")
    lapses = sum(1 for _ in range(answered) if rng.random() < 0.1)
    last_s = answers[-1] // 1000
    flags = rng.choice((0,) * 20 + (1, 2, 3, 4))
    if due_seed < 0.05:  # in learning, due within the hour
        return (1, 1, last_s + 600, 0, 2500, answered, lapses, 1001, flags, "")
    ivl = max(1, int(rng.expovariate(1 / 40)))
    due_day = (last_s - CRT) // DAY_S + ivl
    queue = -1 if due_seed > 0.98 else -3 if due_seed > 0.97 else 2
    data = ""
    if due_seed < 0.5:
        data = json.dumps(
            {"s": round(ivl * 1.1, 2), "d": round(rng.uniform(2, 9), 2), "dr": 0.9, "lrt": last_s},
            separators=(",", ":"),
        )
    factor = rng.choice((1300, 1850, 2300, 2500, 2650, 2800))
    return (2, queue, due_day, ivl, factor, answered, lapses, 0, flags, data)


def _card(rng: random.Random, card_no: int, nid: int, deck: int, ord_: int, n: int, taken_ms: set[int]):
    """One card's ``cards`` row and its ``n`` answers' ``revlog`` rows (unique times, oldest first)."""
    cid = 1_700_000_000_000 + card_no
    at = NOW_S * 1000 - rng.randint(30, 730) * DAY_S * 1000
    answers, log = [], []
    for _ in range(n):
        at += rng.randint(1, max(2, (NOW_S * 1000 - at) // max(1, n)))
        while at in taken_ms:
            at += 1
        taken_ms.add(at)
        answers.append(at)
    for k, ms in enumerate(answers):
        ease = 1 if rng.random() < 0.1 else 3 if rng.random() < 0.8 else rng.choice((2, 4))
        log.append(
            (ms, cid, -1, ease, 1 if k else -600, 0, 2500, rng.randint(1500, 20000), 0 if k == 0 else 1)
        )
    ctype, queue, due, ivl, factor, reps, lapses, left, flags, data = _card_columns(
        rng, answers, n, rng.random()
    )
    due = due if ctype else card_no
    row = (
        cid,
        nid,
        deck,
        ord_,
        NOW_S,
        -1,
        ctype,
        queue,
        due,
        ivl,
        factor,
        reps,
        lapses,
        left,
        0,
        0,
        flags,
        data,
    )
    return row, log


def generate_deck(out: Path, cards: int = 50_000, reviews: int = 400_000, seed: int = 1) -> dict[str, int]:
    """Write the package to ``out``; return what is in it (notes, cards, reviews)."""
    rng = random.Random(seed)
    lengths = _history_lengths(rng, cards, reviews)
    with tempfile.TemporaryDirectory(prefix="kb-bench-anki-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        models, deck_ids = _skeleton(db_path, seed)
        conn = sqlite3.connect(db_path)
        notes_rows, cards_rows, revlog_rows = [], [], []
        taken_ms: set[int] = set()
        card_no = note_no = 0
        while card_no < cards:
            kind = "basic" if rng.random() < 0.7 or cards - card_no < 2 else rng.choice(("reversed", "cloze"))
            nid = 1_600_000_000_000 + note_no
            deck = deck_ids[note_no % DECKS]
            tags = " ".join(sorted({f"topic{rng.randint(1, 60)}" for _ in range(rng.randint(1, 4))}))
            if kind == "cloze":
                a, b = _text(rng, 2, 6), _text(rng, 2, 6)
                fields = [f"{{{{c1::{a}}}}} relates to {{{{c2::{b}}}}} {_text(rng, 3, 10)}", _text(rng, 0, 5)]
            else:
                fields = [_text(rng, 4, 14) + "?", _text(rng, 4, 20)]
            notes_rows.append(
                (
                    nid,
                    f"b{seed}-{note_no}",
                    models[kind],
                    NOW_S,
                    -1,
                    f" {tags} ",
                    "\x1f".join(fields),
                    fields[0],
                    0,
                    0,
                    "",
                )
            )
            for ord_ in range(1 if kind == "basic" else 2):
                card_row, log = _card(rng, card_no, nid, deck, ord_, lengths[card_no], taken_ms)
                cards_rows.append(card_row)
                revlog_rows.extend(log)
                card_no += 1
            note_no += 1
        conn.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes_rows)
        conn.executemany(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, "
            "odue, odid, flags, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            cards_rows,
        )
        conn.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
            revlog_rows,
        )
        conf = json.loads(conn.execute("SELECT conf FROM col").fetchone()[0] or "{}")
        conf.update({"schedVer": 2, "rollover": 4})
        conn.execute("UPDATE col SET crt = ?, conf = ?", (CRT, json.dumps(conf)))
        conn.commit()
        conn.execute("VACUUM")
        conn.close()
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(db_path, "collection.anki2")
            zf.writestr("media", "{}")
    return {"notes": len(notes_rows), "cards": len(cards_rows), "reviews": len(revlog_rows)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--reviews", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(generate_deck(args.out, args.cards, args.reviews, args.seed)))


if __name__ == "__main__":
    main()
