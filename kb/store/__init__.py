"""The store: kb's SQLite database, its connection settings and its migrations.

``connection`` (``open_store``, ``connect`` (also read-only), ``migrate``, ``schema_sql``), ``migrations`` (one named function
per schema change, in order), ``fulltext`` (the layout of the full-text rows), ``schema.sql`` (the reference schema).
May import ``kb.errors`` only: every other package reaches the database through it.
"""
