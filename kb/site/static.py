"""The site's own scripts and styles (``kb/site/assets/``) and the bundled MathJax.

MathJax comes from the ``django-static-mathjax`` package and is copied into the site, so formulas render with no
network.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.kb")

ASSETS = Path(__file__).parent / "assets"
ASSET_PREFIX = "assets/kb"
MATHJAX_FILE = "tex-svg-full.js"
# MathJax's "safe" extension (loaded by mathjax-config.js): a formula's \\href to javascript: (or another unsafe
# address), \\class and \\style values are filtered.
MATHJAX_SAFE = "ui/safe.js"
OWN_FILES = ("kb.js", "kb.css", "mathjax-config.js")


def mathjax_dir() -> Path | None:
    """The folder of MathJax's browser bundles installed with the ``django-static-mathjax`` package."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "static" / "mathjax" / "es5"
        if (folder / MATHJAX_FILE).is_file():
            return folder
    return None


class SiteAssets:
    """Puts kb's scripts and styles into the configuration (``on_config``) and their files into the site."""

    def __init__(self) -> None:
        self.mathjax: Path | None = None

    def add_to_config(self, config) -> None:
        self.mathjax = mathjax_dir()
        scripts = [f"{ASSET_PREFIX}/kb.js"]
        if self.mathjax is not None:
            scripts = [
                f"{ASSET_PREFIX}/mathjax-config.js",
                f"{ASSET_PREFIX}/mathjax/{MATHJAX_FILE}",
                *scripts,
            ]
        else:
            log.warning(
                "kb: MathJax is not installed, formulas will show as TeX source; "
                "install kb with its dependencies (pip install django-static-mathjax)"
            )
        for script in scripts:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        if f"{ASSET_PREFIX}/kb.css" not in config.extra_css:
            config.extra_css.append(f"{ASSET_PREFIX}/kb.css")

    def add_files(self, files: Files, config) -> None:
        wanted = {f"{ASSET_PREFIX}/{name}": ASSETS / name for name in OWN_FILES}
        if self.mathjax is not None:
            wanted[f"{ASSET_PREFIX}/mathjax/{MATHJAX_FILE}"] = self.mathjax / MATHJAX_FILE
            wanted[f"{ASSET_PREFIX}/mathjax/{MATHJAX_SAFE}"] = self.mathjax / MATHJAX_SAFE
        for uri, source in wanted.items():
            if files.get_file_from_path(uri) is None:  # a file of the user's own wins
                files.append(File.generated(config, uri, abs_src_path=str(source)))
