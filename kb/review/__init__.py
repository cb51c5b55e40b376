"""Reviewing: the FSRS scheduler, recording answers durably (journal first, then SQLite), the queue, replaying the
journal, statistics, fitting parameters, and the terminal reviewer.

May import ``kb.cards``, ``kb.store``, ``kb.index`` and below; never quiz, anki or site.
"""
