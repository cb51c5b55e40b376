"""The browser reviewer, ``kb review --web``: a third face of the session loop in ``kb.review.terminal``.

Modules: ``render`` (a card as HTML, through the site's card rendering, with its images and sounds pointed at the
notes folder), ``session`` (``WebUI``: the face ``run_session`` drives, one screen at a time, and the page's commands
handed to it) and ``server`` (the Starlette app behind a start-up secret, run by uvicorn on 127.0.0.1). Browser files
are in ``assets/``.

May import ``kb.review`` and below, and the site's card rendering (``kb.site.cards``, ``kb.site.static``).
Imported only by ``kb review --web``: the terminal reviewer never loads it, nor the web stack.
"""
