"""Notes: a Markdown file in, a parsed ``Note`` out; wiki links between notes; ``kb add`` creating new notes.

``reader``, ``wikilinks`` (pure where they can be), ``add`` (create_note: names, paths, the file, the editor flow),
``templates`` (kb add's templates and rendering), ``editor`` (the user's editor, also for the review terminal).
May import ``kb.errors``, ``kb.layout``, ``kb.config`` and ``kb.markdown`` only.
"""
