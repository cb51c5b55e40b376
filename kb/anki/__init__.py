"""Trading decks with Anki: reading ``.apkg`` packages, importing them as notes, exporting cards to Anki.

Modules: ``package`` (the .apkg reader), ``fields`` (Anki field HTML -> Markdown), ``notetypes`` (a note type ->
question/answer fields or cloze text), ``plan`` (the notes an import writes; pure), ``media`` (safe media names and
copying), ``importer`` (writing the notes), ``reviews`` (Anki's review log -> the review journal), ``exporter``
(cards -> .apkg with genanki), ``schedule`` (kb's schedules and reviews -> Anki's card columns and review log, written
into the exported collection), ``cloze`` (the anki package's one copy of Anki's cloze pattern).

May import ``kb.cards``, ``kb.review``, ``kb.index`` and below; never site or the CLI.
"""
