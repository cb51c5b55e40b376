"""The benchmark's generated Anki package (benchmarks/anki_deck.py) is one the real Anki backend imports whole:
notes, cards, review log and scheduling as written, the same bytes for the same seed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from anki_deck import generate_deck  # noqa: E402


def test_the_real_anki_backend_imports_the_generated_deck_with_its_history(tmp_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    made = generate_deck(tmp_path / "deck.apkg", cards=400, reviews=3000, seed=5)
    assert made["cards"] == 400 and made["reviews"] == 3000 and made["notes"] < 400  # two-card notes too
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(tmp_path / "deck.apkg"),
                options=ImportAnkiPackageOptions(with_scheduling=True),
            )
        )
        assert col.note_count() == made["notes"] and col.card_count() == 400
        assert col.db.scalar("SELECT count() FROM revlog") == 3000
        assert (
            col.db.scalar("SELECT count() FROM cards WHERE type = 2") > 200
        )  # review cards kept their state
        assert col.db.scalar("SELECT count() FROM cards WHERE queue = -1") > 0  # some suspended
        assert len([d for d in col.decks.all_names_and_ids() if d.name.startswith("Bench::")]) == 20
    finally:
        col.close()


def test_same_seed_same_bytes(tmp_path):
    generate_deck(tmp_path / "a.apkg", cards=50, reviews=300, seed=2)
    generate_deck(tmp_path / "b.apkg", cards=50, reviews=300, seed=2)
    import zipfile

    a = zipfile.ZipFile(tmp_path / "a.apkg").read("collection.anki2")
    b = zipfile.ZipFile(tmp_path / "b.apkg").read("collection.anki2")
    assert a == b
