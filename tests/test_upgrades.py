"""Upgrades: a database left by every earlier schema version, with reviews in it, opens as the current one.

The fixtures in tests/fixtures/db/ are built by tests/fixtures/make_fixture_dbs.py from the migration functions
themselves (one file per prefix of the migration list, realistic rows in every table). Each is copied, opened with
``kb.store.open_store`` (what every command does), and must come out with every row it had and the schema of a
fresh database.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.store.connection import SCHEMA_VERSION, migrations, open_store
from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "db"


def _maker():
    spec = importlib.util.spec_from_file_location(
        "make_fixture_dbs", REPO / "tests/fixtures/make_fixture_dbs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _maker()
NAMES = [m.name for m in migrations()._migrations]
EARLIER = list(range(1, SCHEMA_VERSION))


def schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(
        conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    )


def data_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding rows a user owns: ordinary tables and the full-text table (not FTS shadow tables)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    rows = list(rows)
    virtual = [n for n, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")]
    out = []
    for name, sql in rows:
        if any(name.startswith(v + "_") for v in virtual):
            continue  # FTS shadow tables: compared through their virtual table
        if name in virtual and "fts5vocab" in sql:
            continue  # derived from notes_fts
        out.append(name)
    return sorted(out)


def dump(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every data table, by table, with its column names."""
    out = {}
    for table in data_tables(conn):
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if table == "notes_fts":
            columns = ["rowid", *columns]  # its rowid ties each chunk to its note
        out[table] = (columns, select(conn, table, columns))
    return out


def select(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple]:
    names = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in columns)
    order = ", ".join(str(i + 1) for i in range(len(columns)))
    return conn.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}').fetchall()


def fresh_schema(tmp_path: Path) -> list[tuple]:
    conn = open_store(tmp_path / "fresh.db")
    try:
        return schema(conn)
    finally:
        conn.close()


def check_upgrade(db: Path, fresh: list[tuple]) -> dict:
    before_conn = sqlite3.connect(db)
    assert before_conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION
    before = dump(before_conn)
    before_conn.close()

    conn = open_store(
        db, notify=lambda message: pytest.fail(f"upgrade treated the database as junk: {message}")
    )
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert schema(conn) == fresh
        for table, (columns, rows) in before.items():
            after = select(conn, table, columns)
            if table == "_sqlite_migrations":
                assert set(rows) <= set(after)  # later migrations are added
                assert sorted(r[columns.index("name")] for r in after) == sorted(NAMES)
            else:
                assert after == rows, f"rows of {table} changed in the upgrade"
    finally:
        conn.close()
    return before


def test_there_is_a_fixture_for_every_earlier_schema_version():
    expected = {maker.fixture_name(k, NAMES) for k in EARLIER}
    present = {p.name for p in FIXTURES.glob("schema-*.db")}
    assert present == expected, (
        "tests/fixtures/db/ does not match the migration list; run "
        "`PYTHONPATH=. python tests/fixtures/make_fixture_dbs.py` and commit the files"
    )


@pytest.mark.parametrize("upto", EARLIER, ids=lambda k: NAMES[k - 1])
def test_committed_fixture_matches_its_migrations(upto, tmp_path):
    """A fixture built by today's migration prefix has the committed fixture's schema (else: regenerate it)."""
    committed = FIXTURES / maker.fixture_name(upto, NAMES)
    rebuilt = tmp_path / "rebuilt.db"
    maker.build(rebuilt, upto)
    a, b = sqlite3.connect(committed), sqlite3.connect(rebuilt)
    assert schema(a) == schema(b), (
        f"{committed.name} was built from an older form of the migrations; run "
        "`PYTHONPATH=. python tests/fixtures/make_fixture_dbs.py` and commit the files"
    )
    assert dump(a) == dump(b)


@pytest.mark.parametrize("upto", EARLIER, ids=lambda k: NAMES[k - 1])
def test_every_earlier_version_upgrades_with_every_row_intact(upto, tmp_path):
    db = tmp_path / "kb.db"
    shutil.copy(FIXTURES / maker.fixture_name(upto, NAMES), db)
    before = check_upgrade(db, fresh_schema(tmp_path))
    assert before["notes"][1], "the fixture has notes"
    if "reviews" in before:
        assert len(before["reviews"][1]) == len(maker.REVIEWS)


@pytest.mark.parametrize("upto", EARLIER, ids=lambda k: NAMES[k - 1])
def test_upgrade_from_a_prefix_built_now(upto, tmp_path):
    """The same check on a database built from today's migrations, so it holds even before fixtures are redone."""
    db = tmp_path / "kb.db"
    maker.build(db, upto)
    check_upgrade(db, fresh_schema(tmp_path))


def test_reviews_survive_the_upgrade_with_their_history(tmp_path):
    """The review history (the sacred part) of the last version that has one comes out answer for answer."""
    with_reviews = [
        k for k in EARLIER if "reviews" in dump(sqlite3.connect(FIXTURES / maker.fixture_name(k, NAMES)))
    ]
    if not with_reviews:
        pytest.skip("no earlier schema version had a reviews table")
    db = tmp_path / "kb.db"
    shutil.copy(FIXTURES / maker.fixture_name(with_reviews[0], NAMES), db)
    conn = open_store(db)
    got = conn.execute("SELECT card_id, reviewed_at, grade FROM reviews ORDER BY id").fetchall()
    assert got == [tuple(r) for r in maker.REVIEWS]
    assert conn.execute("SELECT count(*) FROM card_state").fetchone()[0] == len({r[0] for r in maker.REVIEWS})


@pytest.mark.parametrize("upto", EARLIER, ids=lambda k: NAMES[k - 1])
def test_kb_command_on_an_old_database_upgrades_quietly(upto, tmp_path):
    """Through the CLI: an old .kb/kb.db is migrated, not rebuilt; no traceback, no warning, old rows kept."""
    root = write_kb(tmp_path / "kb", {"new.md": "---\ntitle: New\n---\n# New\n\nText.\n"}).root
    (root / ".kb").mkdir()
    shutil.copy(FIXTURES / maker.fixture_name(upto, NAMES), root / ".kb" / "kb.db")
    env = {**os.environ, "PYTHONPATH": str(REPO), "KB_ROOT": str(root), "KB_DEVICE": "test"}
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "index"], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "not a kb database" not in proc.stderr
    assert not list((root / ".kb").glob("kb.db.broken-*"))
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    if upto >= 3:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == len(maker.REVIEWS)
