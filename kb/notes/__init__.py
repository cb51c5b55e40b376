"""Notes: a Markdown file in, a parsed ``Note`` out; wiki links between notes; ``kb add`` creating new notes.

Pure where it can be (``reader``, ``wikilinks``). May import ``kb.errors``, ``kb.config`` and ``kb.markdown`` only.
"""
