"""Commands that trade decks with Anki: ``kb export anki`` and ``kb import anki``."""

from __future__ import annotations

from pathlib import Path

import click

from kb.commands import echo_json, get_kb, open_index, resolve_path


@click.group("export")
def export_group() -> None:
    """Export cards to other apps.

    Example: kb export anki -o kb.apkg
    """


@export_group.command("anki")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default="kb.apkg",
    show_default=True,
    help="The .apkg file to write.",
)
@click.option("--tag", "tags", multiple=True, help="Only notes with this tag (repeatable).")
@click.option(
    "--note", "notes", multiple=True, help="Only this note, e.g. notes/books/atomic-habits.md (repeatable)."
)
@click.option(
    "--into",
    "into",
    type=click.Path(dir_okay=False),
    default=None,
    help="Instead of a package: write kb's reviews, schedules and text edits of the cards imported from Anki into "
    "that Anki collection (collection.anki2 of the profile they came from; close Anki first).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was exported as JSON.")
def export_anki_cmd(
    output: str, tags: tuple[str, ...], notes: tuple[str, ...], into: str | None, as_json: bool
) -> None:
    """Write your cards to an Anki package that Anki (desktop, AnkiDroid, AnkiMobile) imports.

    One deck per note under a parent per type (kb::Books::Atomic Habits), tags kept, reversed cards as one
    two-card note, cloze cards as Anki cloze notes, images packed. Each card carries its schedule (due date,
    interval, FSRS memory state, reps, lapses, suspended, buried; leeches tagged leech) and every review as a row
    of Anki's review log: tick "Import any learning progress" in Anki's import dialog. Exporting again after
    editing notes updates the same Anki notes instead of duplicating them.

    With --into, the cards kb imported from an Anki collection go back onto their own cards there: every answer
    given in kb joins the card's review log, and the card takes kb's schedule unless Anki answered it later. Text
    edited in kb goes into the note's fields, unless the note was edited in Anki too since the import (then a
    warning names it and Anki's text stays). Running it twice changes nothing the second time.

    Example: kb export anki -o ~/Desktop/kb.apkg --tag habits
    Example: kb export anki --into ~/.local/share/Anki2/User-1/collection.anki2
    """
    import time

    from kb.anki.exporter import export_anki

    kb = get_kb()
    conn = open_index(kb)
    if into:
        _export_into(kb, conn, Path(into), as_json)
        return
    rel_notes = tuple(resolve_path(kb, n) or Path(n).as_posix() for n in notes)
    report = export_anki(kb, conn, Path(output), timestamp=time.time(), tags=tags, notes=rel_notes)
    if as_json:
        echo_json(
            {
                "path": report.path,
                "notes": report.notes,
                "cards": report.cards,
                "decks": list(report.decks),
                "media": report.media,
                "missing_media": list(report.missing_media),
                "scheduled": report.scheduled,
                "reviews": report.reviews,
                "suspended": report.suspended,
                "buried": report.buried,
            }
        )
        return
    for line in report.missing_media:
        click.echo(f"warning: {line}: image not found, left out of the package", err=True)
    total = sum(report.cards.values())
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.cards.items()))
    click.echo(
        f"wrote {report.path}: {report.notes} Anki notes, {total} cards ({kinds}) in {len(report.decks)} decks, "
        f"{report.media} media files; {report.scheduled} cards with their schedule, {report.reviews} reviews"
        + (f", {report.suspended} suspended" if report.suspended else "")
        + (f", {report.buried} buried" if report.buried else "")
    )


def _export_into(kb, conn, path: Path, as_json: bool) -> None:
    from kb.anki.into import write_into

    report = write_into(kb, conn, path)
    if as_json:
        echo_json(report.__dict__)
        return
    click.echo(
        f"wrote into {report.path}: {report.cards} cards found, {report.reviews} reviews added, "
        f"{report.schedules} schedules set, {report.kept} kept as Anki had them (answered there later)"
        + (f"; {report.missing} imported cards not in this collection" if report.missing else "")
        + (f"; {report.texts} notes' text updated from kb" if report.texts else "")
        + (
            f"; {report.unmapped} notes edited in kb left as Anki has them (kb cannot tell which fields the edit is"
            " in: see below)"
            if report.unmapped
            else ""
        )
    )
    for line in (*report.conflicts, *report.unmapped_notes):
        click.echo(f"warning: {report.path}: {line}", err=True)


@click.group("import")
def import_group() -> None:
    """Import cards from other apps.

    Example: kb import anki deck.apkg
    """


@import_group.command("anki")
@click.argument("package", type=click.Path(dir_okay=False))
@click.option(
    "--into",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder inside the notes folder for the new notes. Default: notes/imported.",
)
@click.option(
    "--theirs",
    "choice",
    flag_value="theirs",
    help="A deck's note you edited since its import takes the newer version of the deck (your edits are lost).",
)
@click.option(
    "--ours", "choice", flag_value="ours", help="A deck's note you edited since its import stays as it is."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
def import_anki_cmd(package: str, into: str | None, choice: str | None, as_json: bool) -> None:
    """Bring an Anki deck (.apkg) into kb, with its review history.

    Writes one Markdown note per deck (basic cards as Front::Back, reversed as Front:::Back, cloze as {{c1::...}}),
    copies the images next to it and replays Anki's review log; every card keeps Anki's due date, interval, memory
    state, suspension, burial and flag. Every template of a note type makes its card. Running it again changes
    nothing. A newer version of a deck imported before updates its note in place (cards keep their history) and
    says what changed; if you edited that note, nothing is overwritten: it says what conflicts, and --theirs or
    --ours chooses. Any other existing note is never rewritten.

    Example: kb import anki ~/Downloads/Spanish.apkg --into notes/languages
    """
    from kb.anki.importer import import_package
    from kb.anki.updates import Choice

    kb = get_kb()
    conn = open_index(kb, quiet=True)
    report = import_package(
        kb, conn, Path(package), Path(into).resolve() if into else None, Choice(choice or "ask")
    )
    if as_json:
        echo_json(
            {
                "package": report.package,
                "written": list(report.written),
                "updated": list(report.updated),
                "kept": list(report.kept),
                "changes": list(report.changes),
                "unchanged": list(report.unchanged),
                "media": report.media_written,
                "cards": report.cards,
                "reviews": report.reviews,
                "reviews_already_imported": report.reviews_already_imported,
                "returned": report.returned,
                "schedules": report.schedules,
                "problems": list(report.problems),
            }
        )
        return
    for line in report.problems:
        click.echo(f"warning: {line}", err=True)
    for path in report.written:
        click.echo(f"wrote {path}")
    for path in report.updated:
        click.echo(f"updated {path}")
    for line in report.changes:
        click.echo(f"  {line}")
    for path in report.kept:
        click.echo(f"kept {path} as you edited it (--ours)")
    total = sum(report.cards.values())
    click.echo(
        f"imported {report.package}: {len(report.written)} new notes, "
        + (f"{len(report.updated)} updated, " if report.updated else "")
        + f"{len(report.unchanged)} unchanged, "
        f"{total} cards, {report.media_written} media files, {report.reviews} reviews"
        + (
            f" ({report.reviews_already_imported} already imported)"
            if report.reviews_already_imported
            else ""
        )
        + f", {report.schedules} schedules kept as Anki had them"
    )
