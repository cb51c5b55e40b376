"""Reading the index about notes: full-text search (SQLite FTS5), the note and tag listings, what the index made of
one note. May import ``kb.store`` and ``kb.index``."""
