"""The server of ``kb review --web``: a small Starlette app run by uvicorn in a thread, while the session loop runs
in the main thread (``kb.web.session``).

Safe by default: it listens on 127.0.0.1 (``--host`` to listen elsewhere, and the address is then printed); every
request's path starts with a secret made at start-up (``http://127.0.0.1:PORT/SECRET/``, the address the browser is
opened on), so another web page or another user of the machine can neither answer, suspend nor read cards; files are
served from the notes folder (media only) and kb's own assets, never through ``..`` or a symlink out; and the page's
Content-Security-Policy runs only the page's own scripts, so nothing in card text can run script.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
from pathlib import Path

from kb.web.render import MEDIA

ASSETS = Path(__file__).parent / "assets"
SITE_ASSETS = Path(__file__).parent.parent / "site" / "assets"
# The page's own files, and the site's that it shares (the blanks' style, MathJax's settings).
ASSET_FILES = {
    "review.js": ASSETS / "review.js",
    "review.css": ASSETS / "review.css",
    "kb.css": SITE_ASSETS / "kb.css",
    "mathjax-config.js": SITE_ASSETS / "mathjax-config.js",
}
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
FILE_POLICY = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
CACHED = {"cache-control": "private, max-age=86400"}  # kb's own files: their URL holds this run's secret
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def safe_file(base: Path, rel: str, suffixes: frozenset[str] | None = None) -> Path | None:
    """``base/rel`` if it is a regular file inside ``base`` once every symlink is followed (no ``..``, no hidden
    part, and with ``suffixes``, one of those suffixes); else None."""
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return None
    if suffixes is not None and Path(rel).suffix.lower() not in suffixes:
        return None
    try:
        root = base.resolve(strict=True)
        path = (base / rel).resolve(strict=True)
    except OSError:
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


class SecretGate:
    """ASGI middleware: only paths under ``/SECRET/`` reach the app (with the secret taken off the path); every
    response gets the security headers."""

    def __init__(self, app, secret: str):
        self.app, self.secret = app, secret.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head, slash, rest = scope["path"][1:].partition("/")
        if not hmac.compare_digest(head.encode(), self.secret):
            from starlette.responses import PlainTextResponse

            response = PlainTextResponse(
                "kb review --web: this address needs the secret printed when the server started.\n", 403
            )
            return await self._secured(response)(scope, receive, send)
        if not slash:  # /SECRET: the page's relative URLs need /SECRET/
            from starlette.responses import RedirectResponse

            return await RedirectResponse(f"/{head}/", 307)(scope, receive, send)
        inner = {**scope, "path": "/" + rest, "raw_path": ("/" + rest).encode()}
        return await self.app(inner, receive, self._headers(send))

    def _headers(self, send):
        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return with_headers

    def _secured(self, response):
        async def app(scope, receive, send):
            await response(scope, receive, self._headers(send))

        return app


def make_app(kb, ui, secret: str):
    """The Starlette app (behind ``SecretGate``) serving the page, its API and files for ``ui``."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from kb.site.static import MATHJAX_FILE, mathjax_dir

    mathjax = mathjax_dir()
    page = (ASSETS / "review.html").read_text(encoding="utf-8")
    if mathjax is None:  # formulas then show as TeX source; the page says nothing is missing beyond that
        page = page.replace(f'<script src="mathjax/{MATHJAX_FILE}" defer></script>', "")
    notes = kb.notes
    not_found = PlainTextResponse("not found\n", 404)

    def index(request: Request):
        return Response(page, media_type="text/html; charset=utf-8")

    def asset(request: Request):
        name = request.path_params["name"]
        if name == "pygments.css":
            return Response(pygments_css(), media_type="text/css")
        path = ASSET_FILES.get(name)
        return FileResponse(path, headers=CACHED) if path is not None else not_found

    def mathjax_file(request: Request):
        path = safe_file(mathjax, request.path_params["path"], frozenset({".js"})) if mathjax else None
        return FileResponse(path, headers=CACHED) if path is not None else not_found

    def note_file(request: Request):
        path = safe_file(notes, request.path_params["path"], MEDIA)
        if path is None:
            return not_found
        return FileResponse(path, headers={"content-security-policy": FILE_POLICY})

    def screen(request: Request):
        after = request.query_params.get("after")
        return JSONResponse(ui.screen(int(after) if after and after.isdigit() else None))

    async def command(request: Request):
        from starlette.concurrency import run_in_threadpool

        try:
            body = await request.json()
            seq, word = int(body["seq"]), str(body["command"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": 'send {"seq": N, "command": "3"}'}, 400)
        return JSONResponse(await run_in_threadpool(ui.command, seq, word))

    routes = [
        Route("/", index),
        Route("/assets/{name}", asset),
        Route("/mathjax/{path:path}", mathjax_file),
        Route("/files/{path:path}", note_file),
        Route("/api/screen", screen),
        Route("/api/command", command, methods=["POST"]),
    ]
    return SecretGate(Starlette(routes=routes), secret)


_PYGMENTS_CSS: str | None = None


def pygments_css() -> str:
    """Colours for the code blocks pymdownx.highlight writes (Pygments' classes), light and dark."""
    global _PYGMENTS_CSS
    if _PYGMENTS_CSS is None:
        from pygments.formatters import HtmlFormatter

        light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
        dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
        _PYGMENTS_CSS = f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    return _PYGMENTS_CSS


class ReviewServer:
    """uvicorn serving ``make_app`` in a thread, on a socket bound before it starts (so the address is known and
    no request is refused while it starts)."""

    def __init__(self, kb, ui, *, host: str = "127.0.0.1", port: int = 0):
        self.secret = secrets.token_urlsafe(24)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((host, port))
            self.sock.listen(64)
        except OSError as exc:
            self.sock.close()
            from kb.errors import KbError

            raise KbError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); try another --port or --host"
            ) from None
        self.host, self.port = host, self.sock.getsockname()[1]
        import uvicorn

        config = uvicorn.Config(
            make_app(kb, ui, self.secret),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def url(self, shown_host: str | None = None) -> str:
        host = shown_host or self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/{self.secret}/"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def lan_address() -> str | None:
    """This machine's address on the local network (what a phone would type), found without sending anything."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP connect sends nothing; it picks the outgoing interface
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def run_web_review(kb, conn, queue, *, host: str | None, port: int, open_browser: bool, reindex, echo):
    """Serve the session in the browser until it ends (queue empty, ``q`` on the page, Ctrl-C here); its summary.

    ``host`` None: 127.0.0.1 only. The address with its secret is printed (``echo``) and, with ``open_browser``,
    opened in the user's browser.
    """
    from kb.review.terminal import run_session
    from kb.web.session import WebUI

    ui = WebUI(kb, conn)
    server = ReviewServer(kb, ui, host=host or "127.0.0.1", port=port)
    server.start()
    shown = lan_address() if host in ("0.0.0.0", "::") else None
    url = server.url(shown)
    if host is None:
        echo(f"Reviewing in the browser at {url}")
    else:
        echo(f"Listening on {host}:{server.port}; open {url} (the address holds the session's secret)")
    echo("Press Ctrl-C here to stop; every answer is saved as it is given.")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url())
    summary = None
    try:
        threading.Thread(target=_warm_up, daemon=True).start()
        summary = run_session(kb, conn, queue, ui, reindex=reindex)
        ui.finish(summary)
        ui.delivered_end.wait(5)  # let the page show the summary before the server goes
    except BaseException as exc:
        ui.fail(
            "kb review --web stopped: "
            + (str(exc) or type(exc).__name__)
            + "; every answer shown as saved is saved"
        )
        raise
    finally:
        server.stop()
    return summary


def _warm_up() -> None:
    """Import the Markdown renderer beside the session's start, not inside the first answer whose card needs it."""
    from kb.site.cards import render_html

    render_html("")
