"""Trading decks with Anki: reading ``.apkg`` packages, importing them as notes, exporting cards to Anki.

May import ``kb.cards``, ``kb.review``, ``kb.index`` and below; never site or the CLI.
"""
