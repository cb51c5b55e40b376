"""The ``kb`` plugin's options in mkdocs.yml: kb's own settings and the site's options.

kb's settings (``kb.config.Settings``: retention, steps, limits ...) are read by the CLI from the same block, so
here they accept any value and are validated by ``kb.config.make_settings``, the code the CLI uses: the site and
``kb`` agree on what a value means and reject the same mistakes with the same message. The site's own options are
typed here and checked by MkDocs.
"""

from __future__ import annotations

from dataclasses import fields

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError

from kb.config import Settings, make_settings
from kb.errors import KbError


def _kb_setting():
    return c.Optional(c.Type(object))


class KbPluginConfig(Config):
    # kb's settings (see kb.config.SETTING_DOCS); None when not given, then Settings' default applies.
    desired_retention = _kb_setting()
    maximum_interval = _kb_setting()
    learning_steps = _kb_setting()
    relearning_steps = _kb_setting()
    new_per_day = _kb_setting()
    reviews_per_day = _kb_setting()
    day_starts_at = _kb_setting()
    leech_threshold = _kb_setting()
    keypoint_headings = _kb_setting()
    keypoint_cards = _kb_setting()
    flashcard_tags = _kb_setting()
    flashcard_tags_required = _kb_setting()
    ignored_tags = _kb_setting()
    ignored_folders = _kb_setting()
    single_line_separator = _kb_setting()
    single_line_reversed_separator = _kb_setting()
    multiline_separator = _kb_setting()
    multiline_reversed_separator = _kb_setting()
    multiline_end_marker = _kb_setting()
    cloze_patterns = _kb_setting()
    device = _kb_setting()
    parameters = _kb_setting()
    templates_dir = _kb_setting()

    # The site's own options.
    quiz_questions = c.Type(int, default=20)
    quiz_min_notes = c.Type(int, default=2)
    quiz_tag_pages = c.Type(int, default=30)
    study_pages = c.Type(bool, default=True)
    flashcards_section = c.Type(bool, default=True)
    # A folder with more notes than this shows them in alphabetical groups in the navigation: Material renders
    # the visible navigation into every page, so a folder of 500 notes would cost 500 links on each of them.
    nav_group_size = c.Type(int, default=60)
    # `mkdocs build` renders pages on two cores (kb.site.parallel); false keeps the build in one process.
    parallel = c.Type(bool, default=True)
    # The site's search: Material's own (lunr, the whole index sent to every visitor) or Pagefind (kb.site.pagefind).
    search = c.Choice(("material", "pagefind"), default="material")


SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "extra")


def kb_settings(config: KbPluginConfig, where: str) -> Settings:
    """kb's settings from the plugin's options; a bad value stops the build with kb's own message."""
    options = {name: config[name] for name in SETTING_NAMES if config.get(name) is not None}
    try:
        return make_settings(options, where=where)
    except KbError as exc:
        raise PluginError(str(exc)) from None
