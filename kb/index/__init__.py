"""The index: bringing ``.kb/kb.db`` up to date with the notes folder, incrementally, and cheaply when nothing changed.

``scanstate`` (the stat scan and the no-op fast path), ``indexer`` (plan, then apply). May import ``kb.notes``,
``kb.store`` and ``kb.cards`` (to keep the cards table in step), never review, quiz, anki or site.
"""
