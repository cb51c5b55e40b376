"""`kb review --web` without a browser: the server's files and secret, the terminal review and the web review at
once, edit, --host, the card HTML's links, and the terminal review never loading the web stack."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.web.render import MediaLinks
from tests.review_web_support import REPO, WebReview, kb_env, make_review_kb, png, write


@pytest.fixture
def web(tmp_path):
    started: list[WebReview] = []

    def start(root: Path, *args: str, **env: str) -> WebReview:
        started.append(WebReview(root, *args, env=kb_env(root, **env) if env else None))
        return started[-1]

    yield start
    for s in started:
        s.kill()


def test_the_terminal_review_never_imports_the_web_stack(tmp_path):
    root = make_review_kb(tmp_path / "kb", basics=2)
    code = (
        "import sys\nfrom kb.cli import main\nsys.argv = ['kb', 'review']\ntry:\n    main()\nexcept SystemExit:\n"
        "    pass\nloaded = [m for m in ('starlette', 'uvicorn', 'anyio', 'kb.web', 'kb.site.cards') if m in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input="3\nq\n",
        env=kb_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LOADED []" in done.stderr, done.stderr
    assert "answered Good" in done.stdout


def test_files_come_from_the_notes_folder_only(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=1)
    (root / "notes" / "facts" / "chart.png").write_bytes(png())
    (root / "notes" / "facts" / ".hidden.png").write_bytes(png())
    (tmp_path / "secret.png").write_bytes(png())
    (root / "notes" / "facts" / "out.png").symlink_to(tmp_path / "secret.png")
    (root / "mkdocs-copy.png").write_bytes(png())
    review = web(root)
    base = "/" + review.url.split("/", 3)[3]
    assert review.status(base + "files/facts/chart.png") == 200
    assert review.get("files/facts/chart.png") == png()
    for path in (
        "files/facts/out.png",  # a symlink out of the notes folder
        "files/facts/.hidden.png",
        "files/facts/facts.md",  # notes are not media
        "files/../mkdocs-copy.png",
        "files/facts/../../mkdocs-copy.png",
        "files/%2e%2e/mkdocs-copy.png",
        "files/..%2fmkdocs-copy.png",
        "files//etc/passwd.png",
        "mathjax/../../kb/config.py",
        "assets/../server.py",
    ):
        assert review.status(base + path) == 404, path
    import urllib.request

    with urllib.request.urlopen(review.url + "files/facts/chart.png") as r:
        assert "sandbox" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(review.url) as r:
        policy = r.headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        )
    assert (
        review.status("/") == review.status("/api/screen") == review.status("/files/facts/chart.png") == 403
    )


def test_a_card_answered_in_the_terminal_meanwhile_is_not_answered_again_on_the_web(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=3)
    review = web(root, "--note", "notes/facts/facts.md")
    shown = review.screen()
    assert shown["card"]["id"]
    terminal = subprocess.run(
        [sys.executable, "-m", "kb", "review", "--note", "notes/facts/facts.md", "--limit", "1"],
        input="4\n",
        env=kb_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "answered Easy" in terminal.stdout, terminal.stderr
    after = review.command(shown["seq"], "3")
    assert "answered in another session" in after["message"]
    assert after["card"]["id"] != shown["card"]["id"]
    code, out, err = review.finish()
    assert code == 0, err
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    rows = conn.execute("SELECT card_id, grade FROM reviews").fetchall()
    conn.close()
    assert rows == [(shown["card"]["id"], 4)]


def test_edit_shows_where_the_card_is_without_a_terminal(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=2)
    review = web(root, "--note", "notes/facts/facts.md")
    shown = review.screen()
    after = review.command(shown["seq"], "e")
    assert after["card"]["id"] == shown["card"]["id"] and after["number"] == shown["number"]
    assert f"notes/facts/facts.md:{shown['card']['line']}" in after["message"]


def test_edit_opens_the_editor_at_the_card_from_a_terminal(tmp_path, monkeypatch):
    from kb.review.clock import now
    from kb.review.queue import Queue
    from kb.review.terminal import run_session
    from kb.web.session import WebUI
    from tests.review_helpers import open_conn

    root = make_review_kb(tmp_path / "kb", basics=2)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\npathlib.Path(sys.argv[0] + '.args').write_text(' '.join(sys.argv[1:]))\n"
    )
    editor.chmod(0o755)
    monkeypatch.setenv("KB_ROOT", str(root))
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    from kb.config import KnowledgeBase

    kb = KnowledgeBase.open(root)
    conn = open_conn(kb)
    ui = WebUI(kb, conn, terminal=True)
    import threading

    screens = []

    def page():
        s = ui.screen(0)
        screens.append(s)
        s = ui.command(s["seq"], "e")
        screens.append(s)
        if s["kind"] == "wait":
            s = ui.screen(s["seq"])
            screens.append(s)
        ui.command(s["seq"], "q")

    thread = threading.Thread(target=page)
    thread.start()
    run_session(kb, conn, Queue(conn, kb.settings, now()), ui)
    thread.join(30)
    args = Path(str(editor) + ".args").read_text()
    first = screens[0]["card"]
    assert args == f"+{first['line']} {root / first['note']}"
    assert screens[1]["kind"] == "wait" and "Editing notes/facts/facts.md" in screens[1]["message"]
    assert screens[-1]["card"]["id"] == first["id"]


def test_host_prints_the_address_with_its_secret(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=1)
    review = web(root, "--host", "127.0.0.1")
    assert review.out.decode().startswith("Listening on 127.0.0.1:")
    assert len(review.url.rstrip("/").rsplit("/", 1)[1]) >= 32
    assert review.screen()["kind"] == "card"


def test_quit_ends_the_server_with_the_summary_on_the_page_and_in_the_terminal(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=2)
    review = web(root, "--note", "notes/facts/facts.md")
    s = review.screen()
    s = review.command(s["seq"], "3")
    done = review.command(s["seq"], "q")
    assert done["kind"] == "done" and done["lines"][0].startswith("Reviewed 1 card in")
    code, out, err = review.finish()
    assert code == 0 and "Reviewed 1 card in" in out, err


def test_a_taken_port_is_one_clear_line(tmp_path, web):
    root = make_review_kb(tmp_path / "kb", basics=1)
    review = web(root)
    port = review.url.split(":")[2].split("/")[0]
    done = subprocess.run(
        [sys.executable, "-m", "kb", "review", "--web", "--no-browser", "--port", port],
        env=kb_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip().startswith("kb: cannot listen on 127.0.0.1:" + port)
        or "cannot listen" in done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img alt="" src="femur.png" />', '<img alt="" src="files/imported/femur.png" />'),
        ('<img src="img/a%20b.png">', '<img src="files/imported/img/a%20b.png">'),
        ('<img src="../ml/plot.png">', '<img src="files/ml/plot.png">'),
        ('<img src="../../mkdocs.yml">', '<img src="">'),
        ('<img src="/etc/passwd">', '<img src="">'),
        ('<img src="file:///etc/passwd">', '<img src="">'),
        ('<a href="javascript:alert(1)">x</a>', '<a href="#">x</a>'),
        ('<a href="https://example.org/">x</a>', '<a href="https://example.org/">x</a>'),
        (
            '<a href="femur.mp3">femur.mp3</a>',
            '<span class="kb-audio"><audio controls preload="none" src="files/imported/femur.mp3"></audio>'
            '<span class="kb-audio-name">femur.mp3</span></span>',
        ),
        ('<a href="../../x.mp3">x.mp3</a>', '<a href="#">x.mp3</a>'),
    ],
)
def test_links_in_card_html_point_into_the_notes_folder(html, expected):
    assert MediaLinks("notes/imported/anatomy.md", "notes").rewrite(html) == expected


def test_a_cloze_is_shown_with_blanks_that_the_page_reveals(tmp_path, web):
    root = make_review_kb(tmp_path / "kb")
    write(
        root,
        "ml/attention.md",
        "---\ntitle: Attention\n---\n# Attention\n\nAttention weights come from a =={{c1::softmax}}== of $QK^T / \\sqrt{d_k}$.\n",
    )
    review = web(root, "--note", "notes/ml/attention.md")
    s = review.screen()
    assert s["card"]["kind"] == "cloze" and s["back"] is None
    assert '<span class="kb-blank-answer">softmax</span>' in s["front"]
    assert '<span class="arithmatex">' in s["front"]


def test_the_page_and_its_scripts_are_in_the_package():
    assets = REPO / "kb" / "web" / "assets"
    assert {p.name for p in assets.iterdir()} >= {"review.html", "review.js", "review.css"}
    assert "web/assets/*" in (REPO / "pyproject.toml").read_text()
    assert os.access(assets / "review.js", os.R_OK)
