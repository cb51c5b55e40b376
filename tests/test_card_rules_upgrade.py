"""A kb whose card rules changed (an upgrade) makes the generated cards of every note again at its next index, even
of notes nobody touched, and each remade card keeps its id and so its history (issue 18, point 8)."""

from __future__ import annotations

from kb.cards import CARD_RULES
from kb.index.indexer import index
from kb.store.connection import open_store

NOTE = """\
---
title: Wash Sale Rule
type: topic
---
# Wash Sale Rule

## Key points

- A loss is disallowed when you buy the same shares within 30 days before or after the sale.
- The disallowed loss is added to the cost basis of the replacement shares.
"""


def generated(conn):
    return dict(conn.execute("SELECT id, front FROM cards WHERE generated = 1 ORDER BY line"))


def test_cards_made_by_older_rules_are_made_again_and_keep_their_ids(kbroot):
    kbroot.write("taxes/wash-sale.md", NOTE)
    kb = kbroot.open()
    conn = open_store(kb.db)
    index(kb, conn)
    now = generated(conn)
    assert now
    # the database as an older kb left it: other fronts, recorded under other rules
    with conn:
        conn.execute(
            "UPDATE cards SET front = 'A loss is disallowed when you buy [...] within 30 days' WHERE generated = 1"
        )
        conn.execute("UPDATE scan_version SET card_rules = 'older'")
    report = index(kb, conn)
    assert report.new_rules and "made again" in report.summary()
    assert generated(conn) == now  # the same ids, today's fronts
    assert conn.execute("SELECT card_rules FROM scan_version").fetchone()[0] == CARD_RULES
    assert not index(kb, conn).new_rules  # once only


def test_an_upgraded_database_reads_its_notes_again_once(kbroot):
    kbroot.write("taxes/wash-sale.md", NOTE)
    kb = kbroot.open()
    conn = open_store(kb.db)
    index(kb, conn)
    with conn:
        conn.execute("UPDATE scan_version SET card_rules = ''")  # what the migration leaves: never recorded
    assert index(kb, conn).updated == ["notes/taxes/wash-sale.md"]
    assert index(kb, conn).summary().endswith("up to date")
