"""The store: kb's SQLite database, its connection settings and its migrations.

May import ``kb.errors`` only: every other package reaches the database through it.
"""
