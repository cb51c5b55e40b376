"""Which media names from an Anki package kb copies next to a note: plain file names of images and sounds only.

A shared deck is untrusted. A media file is published with the site, so a name ending in ``.html``, ``.md``,
``.svg`` or ``.js`` would put the deck's own page, script or note on it: only image and audio types are copied,
under a plain file name (no folder, no markup characters). Anything else is reported and left out.
"""

from __future__ import annotations

import re

IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif", ".ico", ".tif", ".tiff"})
AUDIO_TYPES = frozenset({".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".aac", ".flac", ".spx"})
MEDIA_TYPES = IMAGE_TYPES | AUDIO_TYPES

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:<>"`\[\]|*?]')


def safe_media_name(name: str) -> str | None:
    """A media name usable as a file name next to the note, or None (``../x``, ``/etc/x``, ``a/b`` are refused).

    Anki's media folder is flat, so a name with a folder in it never comes from Anki itself; refusing it keeps a
    crafted package from writing outside the import folder.
    """
    if not name or name in (".", "..") or name.startswith(".") or _UNSAFE_CHARS.search(name):
        return None
    return name


def media_type_ok(name: str) -> bool:
    """Whether the name ends in an image or audio type kb copies."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in MEDIA_TYPES


def copyable(name: str) -> bool:
    """A plain file name of an image or a sound: what an import copies and links to."""
    return safe_media_name(name) is not None and media_type_ok(name)


def why_not_copied(name: str) -> str:
    if safe_media_name(name) is None:
        return "is not a plain file name"
    return "is not an image or a sound (kb copies only those)"
