"""Quizzes: multiple-choice, fill-in-the-blank and true/false questions written from a scope's cards, and results.

May import ``kb.cards``, ``kb.search``, ``kb.review`` (a graded answer is a review) and below; never anki or site.
"""
