"""The index: bringing ``.kb/kb.db`` up to date with the notes folder, incrementally, and cheaply when nothing changed.

``scanstate`` (the stat scan and the no-op fast path), ``planning`` (scan and compare, reading no note), ``indexer``
(``index`` and ``apply``), ``tables`` (a note's rows), ``workers`` (the one fork policy and the reading pool). May
import ``kb.notes``, ``kb.store`` and ``kb.cards`` (to keep the cards table in step), never review, quiz, anki or site.
"""
