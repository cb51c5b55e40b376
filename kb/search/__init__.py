"""Full-text search over the notes (SQLite FTS5). May import ``kb.store`` and ``kb.index``."""
