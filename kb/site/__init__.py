"""The site: kb's Python-Markdown extension (``markdown_ext``: a note's page in any generator) and the ``kb`` MkDocs
plugin (``plugin``: what needs the whole site), each handing its work to one module: ``config`` (the plugin's typed
options), ``static`` (scripts, styles, MathJax), ``notes`` (the notes read once per change), ``links`` (wiki links
and backlinks), ``embeds`` (Obsidian embeds), ``navigation`` (alphabetical groups), ``rendering`` and ``cards`` (a
note's page and its deck), ``study``, ``pages`` and ``quiz`` (the generated study pages) and ``export`` (``kb site``:
a folder for Zensical). Browser files are in ``assets/``.

May import everything below it (notes, index/store, cards, review, quiz); nothing imports it but MkDocs, and
``kb.web`` (``kb review --web``), which shows cards with ``cards`` and MathJax from ``static``.
"""
