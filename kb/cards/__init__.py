"""Cards: flashcards extracted from notes, recognised across edits, kept in the ``cards`` table.

Extraction is pure (a parsed note in, cards out): ``extractor`` (a line classifier plus a state machine, public
``extract_cards``) hands paragraphs to ``blocks``, which splits them into units for ``syntaxes`` (``::``, ``:::``,
``?``, ``??``, ``Q:``/``A:``, definitions, question blocks), ``cloze`` (``==x==``, ``{{c1::x}}``) and ``keypoints``
(bullets under a key-point heading), whose terms come from ``salience`` (the one term picker); ``model`` holds
``Card``, ``collector`` what they share. ``identity`` matches old and new cards. The store side: ``sync`` (called by
the indexer), ``extraction`` (a run's extraction, in worker processes for a big run), ``corpus`` (word document
frequencies), ``placement`` (orphans and new ids), ``stored`` (reading cards back).

May import ``kb.notes``, ``kb.store``, ``kb.markdown``, ``kb.forking``, ``kb.config`` and ``kb.errors``; never index,
review, quiz, anki or site.
"""

# The rules that make generated cards: change it with any change to what they give (kb.cards.keypoints,
# kb.cards.salience, kb.cards.spans, ...). A database whose notes were read under other rules reads them all again
# at its next index (kb.index.planning), so the user's generated cards are the current rules' (history kept). Also
# changed by a change to what a note's own cards are (2026-12-09: nested Anki clozes, an imported deck's cloze lists).
CARD_RULES = "2027-02-21"
