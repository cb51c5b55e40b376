"""The site: the ``kb`` MkDocs plugin (``plugin``), how cards look on a page (``cards``), the generated study pages
(``pages``, ``quiz``) and the browser assets (``assets/``).

May import everything below it (notes, cards, review, quiz); nothing imports it but MkDocs.
"""
