"""Cards: the extractor (card syntaxes and generated key-point cards), card identity across edits, card sync.

The extractor is pure (a parsed note in, cards out). ``sync`` keeps the ``cards`` table in step with the notes. May
import ``kb.notes``, ``kb.store`` and ``kb.markdown``; never review, quiz, anki or site.
"""
