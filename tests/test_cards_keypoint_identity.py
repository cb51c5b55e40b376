"""Issue 18, point 8: a key-point card whose wording changed because the generator improved keeps its id and
history (matched like an edited card); a card the generator no longer makes becomes an orphan with its history."""

from __future__ import annotations

from kb.cards.identity import fingerprint

NOTE = """---
title: Influence
---
# Influence

## Key points

- **Reciprocity**: people feel obliged to return a favour, even an unasked one.
- First published in 1984, with an expanded edition in 2021.
- Worth reading as defense as much as offense.
"""


def _index(kbroot):
    from kb.index.indexer import index
    from kb.store.connection import open_store

    kb = kbroot.open()
    conn = open_store(kb.db)
    index(kb, conn)
    return kb, conn


def _as_older_generator(conn, card_id: str, front: str, cloze_text: str = "") -> None:
    """Give a stored card the wording the generator used to give it."""
    kind, back = conn.execute("SELECT kind, back FROM cards WHERE id = ?", (card_id,)).fetchone()
    conn.execute(
        "UPDATE cards SET front = ?, cloze_text = ?, fingerprint = ? WHERE id = ?",
        (front, cloze_text, fingerprint(kind, front, back), card_id),
    )


def _review(conn, card_id: str) -> None:
    conn.execute(
        "INSERT INTO reviews (uid, card_id, reviewed_at, grade, state_after) VALUES (?,?,?,?,?)",
        (f"u-{card_id}", card_id, "2026-01-01T00:00:00+00:00", 3, "{}"),
    )


def test_reworded_generated_cards_keep_their_history_and_dropped_ones_become_orphans(kbroot):
    kbroot.write("books/influence.md", NOTE)
    kb, conn = _index(kbroot)
    cards = dict(conn.execute("SELECT front, id FROM cards WHERE orphaned_at IS NULL").fetchall())
    term_id = cards["Influence: what is Reciprocity?"]
    cloze_id = next(i for f, i in cards.items() if f.startswith("First published in [...]"))
    assert not any(f.startswith("Worth") for f in cards)  # an opinion gives no card now
    # what the generator used to make: the bare term, a cloze hiding a plain word, a card from the opinion
    _as_older_generator(conn, term_id, "Reciprocity")
    old_cloze = "First published in 1984, with an expanded [...] in 2021."
    _as_older_generator(
        conn, cloze_id, old_cloze, "First published in 1984, with an expanded {{c1::edition}} in 2021."
    )
    conn.execute(
        "INSERT INTO cards (id, note, line, end_line, position, kind, front, back, context, tags, type, generated, "
        "sibling, cloze_text, cloze_index, fingerprint, origin, created_at, updated_at) "
        "SELECT 'oldopinion00001', note, 9, 9, 9, kind, 'Worth reading as [...] as much as offense.', "
        "'Worth reading as defense as much as offense.', context, tags, type, 1, 'x', "
        "'Worth reading as {{c1::defense}} as much as offense.', 1, 'fp-old-opinion', origin, created_at, updated_at "
        "FROM cards WHERE id = ?",
        (cloze_id,),
    )
    for card_id in (term_id, cloze_id, "oldopinion00001"):
        _review(conn, card_id)
    conn.commit()

    kbroot.write("books/influence.md", NOTE + "\nA line outside the key points.\n")
    from kb.index.indexer import index

    index(kb, conn)
    live = dict(conn.execute("SELECT id, front FROM cards WHERE orphaned_at IS NULL").fetchall())
    assert live[term_id] == "Influence: what is Reciprocity?"
    assert live[cloze_id] == "First published in [...], with an expanded edition in 2021."
    orphan = conn.execute("SELECT orphaned_at FROM cards WHERE id = 'oldopinion00001'").fetchone()
    assert orphan is not None and orphan[0] is not None
    reviews = {r for (r,) in conn.execute("SELECT card_id FROM reviews")}
    assert reviews == {term_id, cloze_id, "oldopinion00001"}


def test_kb_cards_explain_says_why_each_bullet_gave_no_card(kbroot):
    from click.testing import CliRunner

    from kb.cli import cli

    kbroot.write("books/influence.md", NOTE)
    result = CliRunner().invoke(cli, ["cards", "--explain", "notes/books/influence.md"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "notes/books/influence.md:10  Worth reading as defense as much as offense." in out
    assert "    no card: an opinion or a reaction, not a fact" in out
    assert "    cloze: First published in [...], with an expanded edition in 2021.  ->  1984" in out
    assert "keypoint: Influence: what is Reciprocity?" in out
    bare = CliRunner().invoke(cli, ["cards", "--explain"])
    assert bare.exit_code != 0 and "--explain needs a note or folder" in bare.output


def test_a_generated_cloze_that_becomes_a_term_card_keeps_its_history(kbroot):
    """The generator used to make a cloze of "**Term** verb ..." bullets; now it asks what the term does or is."""
    note = NOTE.replace(
        "- Worth reading",
        "- **Patch IDs** let `git log --cherry-pick` spot the same change on two branches.\n"
        "- **Mediocristan** is the domain where no single observation changes the total much.\n- Worth reading",
    )
    kbroot.write("books/influence.md", note)
    kb, conn = _index(kbroot)
    ids = dict(conn.execute("SELECT front, id FROM cards WHERE orphaned_at IS NULL").fetchall())
    does_id = ids["Influence: what do Patch IDs do?"]
    is_id = ids["Influence: what is Mediocristan?"]
    for card_id, front, cloze in [
        (does_id, "[...] let `git log --cherry-pick` spot the same change on two branches.", "Patch IDs"),
        (is_id, "[...] is the domain where no single observation changes the total much.", "Mediocristan"),
    ]:
        back = front.replace("[...]", cloze)
        conn.execute(
            "UPDATE cards SET kind = 'cloze', front = ?, back = ?, cloze_text = ?, cloze_index = 1, fingerprint = ? "
            "WHERE id = ?",
            (
                front,
                back,
                front.replace("[...]", "{{c1::" + cloze + "}}"),
                fingerprint("cloze", front, back),
                card_id,
            ),
        )
        _review(conn, card_id)
    conn.commit()

    from kb.index.indexer import index

    kbroot.write("books/influence.md", note + "\nA line outside the key points.\n")
    index(kb, conn)
    live = dict(conn.execute("SELECT id, front FROM cards WHERE orphaned_at IS NULL").fetchall())
    assert live[does_id] == "Influence: what do Patch IDs do?"
    assert live[is_id] == "Influence: what is Mediocristan?"
    assert conn.execute("SELECT count(*) FROM cards WHERE orphaned_at IS NOT NULL").fetchone()[0] == 0
