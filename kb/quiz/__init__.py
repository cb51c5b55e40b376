"""Quizzes: multiple-choice, fill-in-the-blank and true/false questions written from a scope's cards, and results.

Modules, from the bottom up (Markdown rules come from ``kb.markdown``): ``words`` (tokens, normalised forms, stop words, what makes a term), ``matching`` (lenient comparison of
typed answers), ``model`` (Scope, CardRow, Question, Quiz, QuestionKind), ``terms`` (what one card can be asked),
``corpus`` (the cards, tags and similar notes read from the store), ``answerkind`` (what kind of thing an answer
is), ``distractors``, ``falsehood`` (the wrong answer that makes a true/false statement false), ``kinds`` (the three
question builders), ``generate`` (``generate_quiz``), ``grading`` (``grade``), ``store`` (results in the database) and
``terminal`` (asking a quiz in a terminal or over a pipe).

May import ``kb.cards``, ``kb.search``, ``kb.review`` (a graded answer is a review) and below; never anki or site.
"""
