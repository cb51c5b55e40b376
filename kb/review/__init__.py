"""Reviewing: scheduling cards with FSRS, recording answers durably (journal first, then SQLite), and what is built on
that: the queue, replaying the journals, statistics, fitting parameters, and the terminal reviewer.

Modules: ``clock`` (now, time zones, review days, stored times), ``scheduler`` (pure FSRS), ``parameters`` (the FSRS
parameters in use), ``journal`` (the append-only files), ``history`` (reviews and card events in SQLite, and the
schedules folded from them), ``answers`` (answer, undo, suspend, bury), ``replay`` (journals into the database),
``queue`` (what to show next), ``stats`` (figures as data, for the terminal and the site), ``optimize``,
``terminal`` (the reviewer) and ``terminal_stats`` (``kb stats`` drawn with rich).

May import ``kb.cards``, ``kb.store``, ``kb.index`` and below; never quiz, anki or site.
"""
