"""The ``kb site`` command: a site project for a generator that runs no MkDocs plugin (Zensical)."""

from __future__ import annotations

from pathlib import Path

import click

from kb.commands import get_kb


@click.command("site")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def site_cmd(folder: Path) -> None:
    """Write a site project into FOLDER for Zensical (or any generator without the kb plugin).

    FOLDER gets a copy of the notes, the study pages (stats, review queue, quizzes) as real Markdown files, kb's
    scripts, styles and MathJax, and a mkdocs.yml that lists them. The notes folder is never written to. Run it again
    to bring FOLDER up to date (only files it wrote are replaced or removed), then build it.

    \b
    Examples:
      kb site zensical-site && zensical build -f zensical-site/mkdocs.yml
      kb site zensical-site && cd zensical-site && zensical serve
    """
    from kb.config import load_mkdocs_yml
    from kb.site.export import write_site

    kb = get_kb()
    report = write_site(kb.root, load_mkdocs_yml(kb.root), folder)
    click.echo(
        f"{report.folder}: {report.notes} notes, {len(report.study_pages)} study pages, {report.assets} asset files"
        + (f", {report.removed} old files removed" if report.removed else "")
    )
    click.echo(f"Build it with: zensical build -f {report.folder / 'mkdocs.yml'}")
