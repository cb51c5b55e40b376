"""A small reader for Anki packages (``.apkg``), enough to bring notes, cards and review history into kb.

An ``.apkg`` is a zip. Inside, one SQLite collection:

- ``collection.anki21b``: zstd-compressed, schema 18 (Anki 2.1.50 and later, the default export). Note types, their
  fields and templates live in tables, their settings in small protobuf blobs; deck names use ``\\x1f`` between
  levels. Such a package also carries a ``collection.anki2`` placeholder that only says "please update Anki".
- ``collection.anki21`` / ``collection.anki2``: schema 11 (older Anki, genanki, "support older Anki versions"), with
  note types and decks as JSON in the ``col`` row.

Media files are zip members named ``0``, ``1``, ...; the ``media`` member maps them to file names: JSON in legacy
packages, a zstd-compressed protobuf list in new ones (whose media members are zstd-compressed too). The ``meta``
member (protobuf) says which of the two layouts the package uses.

Anki itself is not needed to read any of this (it is a test-only dependency): the protobuf pieces kb needs are a
handful of fields, read by the tiny decoder below.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kb.errors import KbError

# The collection members, best first: a new package holds the real collection in anki21b and a placeholder in anki2.
COLLECTION_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
# The legacy JSON layout and the current table layout: the only two Anki writes into packages.
SUPPORTED_SCHEMAS = (11, 18)

# PackageMetadata.Version in Anki's protobufs.
META_LEGACY_1, META_LEGACY_2, META_LATEST = 1, 2, 3

KIND_NORMAL, KIND_CLOZE = "normal", "cloze"

# Sizes an import accepts, uncompressed: a package (all its members together, as the zip declares them, checked
# before anything is extracted) and one media file (a larger one is skipped and reported). A shared deck is
# untrusted: a 1 MB zip can hold a gigabyte of zeros.
PACKAGE_LIMIT = 1 << 30  # 1 GiB
MEDIA_FILE_LIMIT = 64 << 20  # 64 MiB


class TooLarge(KbError):
    """A member that decompresses to more than its limit."""


def size_text(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


@dataclass(frozen=True)
class Template:
    name: str
    qfmt: str
    afmt: str


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    kind: str  # normal or cloze
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    sort_field: int = 0  # the field Anki's browser sorts by (``sfld``)


@dataclass(frozen=True)
class AnkiNote:
    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]  # HTML, in the note type's field order
    tags: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCard:
    id: int
    note_id: int
    deck_id: int
    ord: int  # template index (normal note types) or cloze number - 1 (cloze note types)
    # Anki's scheduling columns (see kb.anki.state): type 0 new 1 learn 2 review 3 relearn; queue -3/-2 buried,
    # -1 suspended, 0 new, 1 learn (due in epoch seconds), 2 review, 3 day-learn (due a day number), 4 preview
    type: int = 0
    queue: int = 0
    due: int = 0
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    odue: int = 0  # the home due of a card moved into a filtered deck
    odid: int = 0  # its home deck
    flags: int = 0  # the user's flag (1 red .. 7 purple) in the low 3 bits
    data: str = ""  # JSON: FSRS memory state {"s", "d", "dr", "lrt"} when FSRS is on
    mod: int = 0  # last change, epoch seconds


class RevlogEntry(NamedTuple):  # a tuple: 400,000 of them are made in an import
    id: int  # milliseconds since the epoch when the answer was given; unique in the collection
    card_id: int
    ease: int  # button: 1 again, 2 hard, 3 good, 4 easy (0: rescheduled by hand, no answer)
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled
    time_ms: int  # time spent answering
    ivl: int = 0  # the interval the answer gave: days when positive, minus seconds when negative
    factor: int = 0  # the ease it left (SM-2, permille) or its FSRS difficulty (100-1100)


class Revlog:
    """A collection's review log, read row by row in time order (oldest first) each time it is iterated: a long
    history is never held in memory. Valid while its package is open (``open_package``)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __iter__(self):
        for rid, cid, ease, rtype, t, ivl, factor in self.conn.execute(
            "SELECT id, cid, ease, type, time, ivl, factor FROM revlog ORDER BY id"
        ):
            yield RevlogEntry(rid, cid, ease, rtype, max(0, t or 0), ivl or 0, factor or 0)

    def rows(self):
        """The same rows as plain tuples in ``RevlogEntry``'s field order (a cursor: read as iterated)."""
        return self.conn.execute(
            "SELECT id, cid, ease, type, max(0, coalesce(time, 0)), coalesce(ivl, 0), coalesce(factor, 0) "
            "FROM revlog ORDER BY id"
        )

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM revlog").fetchone()[0])


@dataclass(frozen=True)
class AnkiPackage:
    """Everything kb reads from a package. Media bytes are read on demand with ``read_media``."""

    path: str
    schema: int
    sched_ver: int  # 1: old scheduler (three buttons while learning), 2 or 3: four buttons
    notetypes: dict[int, NoteType]
    decks: dict[int, str]  # id -> full name with :: between levels
    notes: tuple[AnkiNote, ...]
    cards: tuple[AnkiCard, ...]
    revlog: Revlog | tuple[RevlogEntry, ...]  # a tuple, by id, when built by hand
    media: dict[str, str]  # file name -> zip member
    media_compressed: bool  # members are zstd frames (new packages)
    crt: int = 0  # the collection's creation (epoch seconds): Anki's day numbers count from its day
    rollover: int = 4  # the hour Anki's day starts


# --- protobuf, the few bits kb needs -------------------------------------------------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise ValueError("varint too long")


def proto_fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """Decode one protobuf message into ``[(field number, value)]``: ints for varints, bytes for the rest."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated field")
            out.append((number, data[pos : pos + size]))
            pos += size
        elif wire == 1:
            out.append((number, data[pos : pos + 8]))
            pos += 8
        elif wire == 5:
            out.append((number, data[pos : pos + 4]))
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
    return out


def _first(fields: list[tuple[int, int | bytes]], number: int, default):
    for n, value in fields:
        if n == number:
            return value
    return default


def zstd_decompress(data: bytes, limit: int = PACKAGE_LIMIT) -> bytes:
    """Decompress a zstd frame, also when the frame does not record its size (Anki streams them); ``TooLarge`` past
    ``limit`` bytes (read no further)."""
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
        out = reader.read(limit + 1)
    if len(out) > limit:
        raise TooLarge(f"decompresses to more than {size_text(limit)}")
    return out


# --- reading ------------------------------------------------------------------------------------------------


@contextmanager
def open_package(path: str | Path):
    """Open an ``.apkg`` and yield ``(AnkiPackage, zipfile.ZipFile)``; bad input is a one-line KbError."""
    path = Path(path)
    shown = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise KbError(f"{shown}: no such file; give the path of an .apkg exported from Anki") from None
    except IsADirectoryError:
        raise KbError(f"{shown}: is a folder; give the path of an .apkg exported from Anki") from None
    except (zipfile.BadZipFile, OSError):
        raise KbError(
            f"{shown}: not an Anki package (not a zip file); export the deck from Anki with File > Export > .apkg"
        ) from None
    with zf:
        _check_declared_size(shown, zf)
        with read_package(shown, zf) as pkg:
            yield pkg, zf


def _check_declared_size(shown: str, zf: zipfile.ZipFile) -> None:
    """Refuse a package whose members declare more than ``PACKAGE_LIMIT`` uncompressed, before reading any."""
    declared = sum(info.file_size for info in zf.infolist())
    if declared > PACKAGE_LIMIT:
        raise KbError(
            f"{shown}: the package holds {size_text(declared)} uncompressed, more than the {size_text(PACKAGE_LIMIT)} "
            "kb imports from one package; nothing was imported (export the deck in parts, or without its media)"
        )


@contextmanager
def read_package(shown: str, zf: zipfile.ZipFile):
    """The package in ``zf`` (an ``AnkiPackage``), while the context lasts (its review log is read on demand)."""
    names = set(zf.namelist())
    member = next((m for m in COLLECTION_MEMBERS if m in names), None)
    if member is None:
        if "collection.colpkg" in names or any(n.endswith(".anki2") for n in names):
            found = ", ".join(sorted(names)[:5])
            raise KbError(
                f"{shown}: no Anki collection at the top of this zip (found {found}); export it again from Anki"
            )
        raise KbError(
            f"{shown}: a zip without an Anki collection (no collection.anki21b, .anki21 or .anki2); "
            "is this really an .apkg exported from Anki?"
        )
    meta_version = META_LEGACY_1
    if "meta" in names:
        try:
            meta_version = int(_first(proto_fields(zf.read("meta")), 1, META_LEGACY_1))
        except (ValueError, TypeError):
            raise KbError(
                f"{shown}: the package's meta entry is unreadable; export the deck again from Anki"
            ) from None
        if meta_version > META_LATEST:
            raise KbError(
                f"{shown}: package format version {meta_version} is newer than kb can read; in Anki's export dialog "
                "tick 'Support older Anki versions' and export again"
            )
    with tempfile.TemporaryDirectory(prefix="kb-anki-") as tmp:
        db_file = Path(tmp) / "collection.db"
        _extract(shown, zf, member, db_file)
        conn = sqlite3.connect(str(db_file))
        try:
            yield _read_collection(shown, member, conn, zf, meta_version)
        except sqlite3.DatabaseError as exc:
            raise KbError(
                f"{shown}: {member} is not a readable Anki collection ({exc}); export it again"
            ) from None
        finally:
            conn.close()


def _extract(shown: str, zf: zipfile.ZipFile, member: str, db_file: Path) -> None:
    """Copy the collection out of the zip into ``db_file``, decompressing as it goes (never whole in memory)."""
    import shutil

    try:
        with zf.open(member) as src, open(db_file, "wb") as dst:
            if member.endswith("b"):
                import zstandard

                with zstandard.ZstdDecompressor().stream_reader(src) as reader:
                    copied = 0
                    while chunk := reader.read(1 << 20):
                        copied += len(chunk)
                        if copied > PACKAGE_LIMIT:
                            raise TooLarge(f"decompresses to more than {size_text(PACKAGE_LIMIT)}")
                        dst.write(chunk)
            else:
                shutil.copyfileobj(src, dst, 1 << 20)
    except TooLarge as exc:
        raise KbError(
            f"{shown}: {member} {exc}, more than kb imports from one package; nothing was imported"
        ) from None
    except Exception as exc:  # noqa: BLE001 - zlib/zstd/zip all raise their own types for a damaged member
        raise KbError(f"{shown}: {member} is damaged ({exc}); export the deck again from Anki") from None


def _read_collection(
    shown: str, member: str, conn: sqlite3.Connection, zf: zipfile.ZipFile, meta_version: int
) -> AnkiPackage:
    row = conn.execute("SELECT ver FROM col").fetchone()
    schema = int(row[0]) if row else 0
    if schema not in SUPPORTED_SCHEMAS:
        raise KbError(
            f"{shown}: unsupported Anki collection version {schema} in {member} (kb reads versions 11 and 18); "
            "export again from a current Anki, or tick 'Support older Anki versions'"
        )
    if schema == 11:
        notetypes, decks, sched_ver = _schema11(conn)
    else:
        notetypes, decks, sched_ver = _schema18(conn)
    rollover = _rollover(conn, schema)
    notes = tuple(
        AnkiNote(
            id=nid,
            guid=guid,
            notetype_id=mid,
            fields=tuple(flds.split("\x1f")),
            tags=tuple(t for t in (tags or "").split() if t),
        )
        for nid, guid, mid, tags, flds in conn.execute(
            "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"
        )
    )
    cards = tuple(
        AnkiCard(*row[:4], *(int(v or 0) for v in row[4:15]), str(row[15] or ""), int(row[16] or 0))
        for row in conn.execute(
            "SELECT id, nid, CASE WHEN odid THEN odid ELSE did END, ord, type, queue, due, ivl, factor, reps, lapses, "
            "left, odue, odid, flags, data, mod FROM cards ORDER BY nid, ord"
        )
    )
    crt = int((conn.execute("SELECT crt FROM col").fetchone() or (0,))[0] or 0)
    revlog = Revlog(conn)
    media, compressed = _media_map(shown, zf, meta_version)
    return AnkiPackage(
        path=shown,
        schema=schema,
        sched_ver=sched_ver,
        notetypes=notetypes,
        decks=decks,
        notes=notes,
        cards=cards,
        revlog=revlog,
        media=media,
        media_compressed=compressed,
        crt=crt,
        rollover=rollover,
    )


def _schema11(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, str], int]:
    models_json, decks_json, conf_json = conn.execute("SELECT models, decks, conf FROM col").fetchone()
    notetypes: dict[int, NoteType] = {}
    for key, m in (json.loads(models_json or "{}") or {}).items():
        notetypes[int(m.get("id", key))] = NoteType(
            id=int(m.get("id", key)),
            name=str(m.get("name", "")),
            kind=KIND_CLOZE if m.get("type") == 1 else KIND_NORMAL,
            fields=tuple(f["name"] for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))),
            sort_field=int(m.get("sortf", 0) or 0),
            templates=tuple(
                Template(t.get("name", ""), t.get("qfmt", ""), t.get("afmt", ""))
                for t in sorted(m.get("tmpls", []), key=lambda t: t.get("ord", 0))
            ),
        )
    decks = {
        int(d.get("id", k)): str(d.get("name", "")) for k, d in (json.loads(decks_json or "{}") or {}).items()
    }
    conf = json.loads(conf_json or "{}") or {}
    return notetypes, decks, int(conf.get("schedVer", 1) or 1)


def _schema18(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, str], int]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ord_, name in conn.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(ntid, []).append((ord_, name))
    templates: dict[int, list[tuple[int, Template]]] = {}
    for ntid, ord_, name, config in conn.execute("SELECT ntid, ord, name, config FROM templates"):
        pf = proto_fields(config or b"")
        qfmt = _first(pf, 1, b"")
        afmt = _first(pf, 2, b"")
        templates.setdefault(ntid, []).append(
            (
                ord_,
                Template(
                    name, bytes(qfmt).decode("utf-8", "replace"), bytes(afmt).decode("utf-8", "replace")
                ),
            )
        )
    notetypes: dict[int, NoteType] = {}
    for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
        pf = proto_fields(config or b"")
        kind, sort_field = _first(pf, 1, 0), _first(pf, 2, 0)
        notetypes[ntid] = NoteType(
            id=ntid,
            name=name,
            kind=KIND_CLOZE if kind == 1 else KIND_NORMAL,
            fields=tuple(n for _, n in sorted(fields.get(ntid, []))),
            templates=tuple(t for _, t in sorted(templates.get(ntid, []), key=lambda x: x[0])),
            sort_field=sort_field if isinstance(sort_field, int) else 0,
        )
    decks = {did: name.replace("\x1f", "::") for did, name in conn.execute("SELECT id, name FROM decks")}
    row = conn.execute("SELECT val FROM config WHERE key = 'schedVer'").fetchone()
    try:
        sched_ver = int(json.loads(row[0])) if row else 2
    except (TypeError, ValueError):
        sched_ver = 2
    return notetypes, decks, sched_ver


def _rollover(conn: sqlite3.Connection, schema: int) -> int:
    """The hour Anki's day starts (``rollover``, 4 by default)."""
    try:
        if schema == 11:
            value = (json.loads(conn.execute("SELECT conf FROM col").fetchone()[0] or "{}") or {}).get(
                "rollover"
            )
        else:
            row = conn.execute("SELECT val FROM config WHERE key = 'rollover'").fetchone()
            value = json.loads(row[0]) if row else None
        return int(value) % 24 if value is not None else 4
    except (TypeError, ValueError, AttributeError):
        return 4


def _media_map(shown: str, zf: zipfile.ZipFile, meta_version: int) -> tuple[dict[str, str], bool]:
    """File name -> zip member. Legacy: JSON ``{"0": "pic.png"}``; latest: zstd protobuf ``MediaEntries``."""
    try:
        raw = zf.read("media")
    except KeyError:
        return {}, False
    try:
        if meta_version >= META_LATEST:
            entries = [value for number, value in proto_fields(zstd_decompress(raw)) if number == 1]
            media = {}
            for index, entry in enumerate(entries):
                pf = proto_fields(bytes(entry))
                name = bytes(_first(pf, 1, b"")).decode("utf-8", "replace")
                member = str(_first(pf, 4, index))
                media[name] = member
            return media, True
        data = json.loads(raw.decode("utf-8") or "{}")
        return {str(name): str(member) for member, name in data.items()}, False
    except (ValueError, UnicodeDecodeError, TooLarge):
        raise KbError(f"{shown}: the package's media list is unreadable; export it again from Anki") from None


def read_media(
    pkg: AnkiPackage, zf: zipfile.ZipFile, name: str, limit: int = MEDIA_FILE_LIMIT
) -> bytes | None:
    """The bytes of one media file, or None when the package does not carry it; ``TooLarge`` past ``limit``
    (checked against the size the zip declares before reading, and while decompressing)."""
    member = pkg.media.get(name)
    if member is None:
        return None
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    if info.file_size > limit and not pkg.media_compressed:
        raise TooLarge(f"is {size_text(info.file_size)}")
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return None
    return zstd_decompress(data, limit) if pkg.media_compressed else data
