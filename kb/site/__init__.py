"""The site: the ``kb`` MkDocs plugin. ``plugin`` holds only the hooks, each handing its work to one module:
``config`` (the plugin's typed options), ``static`` (scripts, styles, MathJax), ``notes`` (the notes read once per
change), ``links`` (wiki links and backlinks), ``navigation`` (alphabetical groups), ``rendering`` and ``cards`` (a
note's page and its deck), ``study``, ``pages`` and ``quiz`` (the generated study pages) and ``parallel`` (the
two-core build, which nothing else depends on). Browser files are in ``assets/``.

May import everything below it (notes, index/store, cards, review, quiz); nothing imports it but MkDocs, and
``kb.web`` (``kb review --web``), which shows cards with ``cards`` and MathJax from ``static``.
"""
