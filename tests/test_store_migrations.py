"""The migrations as named functions, the schema reference, and `kb schema`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from kb.store import migrations as mig
from kb.store.connection import SCHEMA_VERSION, migrations, open_store, schema_sql

REFERENCE = Path(__file__).resolve().parent.parent / "kb" / "store" / "schema.sql"


def test_migrations_are_registered_in_order_under_numbered_names():
    names = [m.name for m in mig.MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert [int(name.split("_")[0]) for name in names] == list(range(1, len(names) + 1))
    assert len(names) == SCHEMA_VERSION
    # each is a top-level function of the module, under its own name
    for m in mig.MIGRATIONS:
        assert getattr(mig, m.apply.__name__) is m.apply


def test_the_sqlite_utils_set_applies_the_same_functions_in_the_same_order():
    built = migrations()
    assert [(m.name, m.fn) for m in built._migrations] == [(m.name, m.apply) for m in mig.MIGRATIONS]
    assert built.name == "kb"


def test_a_fresh_database_records_every_migration_by_name(tmp_path):
    conn = open_store(tmp_path / "kb.db")
    recorded = conn.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
    assert recorded == [("kb", m.name) for m in mig.MIGRATIONS]


def test_schema_reference_is_the_schema_of_a_fresh_database(tmp_path):
    """kb/store/schema.sql is a reference for readers: it must say what a fresh database really holds."""
    text = REFERENCE.read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("-- ")).lstrip("\n")
    assert body == schema_sql(open_store(tmp_path / "kb.db")), (
        "kb/store/schema.sql is stale: regenerate it from schema_sql() of a fresh database"
    )


def test_schema_sql_leaves_out_the_full_text_shadow_tables(tmp_path):
    conn = open_store(tmp_path / "kb.db")
    sql = schema_sql(conn)
    assert "CREATE VIRTUAL TABLE notes_fts" in sql
    shadow = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'notes_fts_%'")]
    assert shadow and not any(f"TABLE '{n}'" in sql or f"TABLE {n}" in sql for n in shadow)
    assert sql.endswith(";\n\n")


def test_kb_schema_prints_the_schema(kbroot, tmp_path, monkeypatch):
    from kb.cli import cli

    monkeypatch.setenv("KB_DB", str(tmp_path / "kb.db"))
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.output == schema_sql(sqlite3.connect(tmp_path / "kb.db"))


def test_a_missing_migration_is_applied_and_recorded(tmp_path):
    """A database left after the first migrations gets the rest, each recorded once, in order."""
    path = tmp_path / "kb.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    migrations().apply(db, stop_before=mig.MIGRATIONS[2].name)
    assert [m.name for m in migrations().applied(db)] == [m.name for m in mig.MIGRATIONS[:2]]
    db.conn.execute("PRAGMA user_version = 2")
    db.conn.commit()
    db.conn.close()
    conn = open_store(path)
    names = [n for (n,) in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == [m.name for m in mig.MIGRATIONS]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_importing_the_migrations_does_not_import_sqlite_utils():
    code = "import sys, kb.store.migrations, kb.store.connection; print('sqlite_utils' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_opening_a_current_database_does_not_import_sqlite_utils(tmp_path):
    open_store(tmp_path / "kb.db").close()
    code = (
        "import sys; from kb.store.connection import open_store; "
        f"open_store({str(tmp_path / 'kb.db')!r}); print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
