"""kb: a personal knowledge base of summary notes that turns them into flashcards you review with FSRS."""

__version__ = "0.1.0"
