"""The site's first search on a 2,000-note knowledge base: Material's lunr search vs Pagefind (`search: pagefind`).

    python benchmarks/bench_search_site.py --corpus DIR [--work SCRATCH] [--repeat K] [--quick]

Both sites are built from the same generated corpus (benchmarks/generate.py, 2,000 notes, seed 1; with --quick the
small corpus) with the repository's own mkdocs.yml, once as shipped (Material's search) and once with the kb option
`search: pagefind`, and served on 127.0.0.1 by Python's http.server (no compression). Each measurement is a visitor
with an empty cache in Debian's chromium (Playwright): open a note, and as soon as the page has loaded press `/` and
type a two-word query; the figure is the time from the first key pressed to the first result shown in the header's
result list (measured in the page: a keydown listener and a MutationObserver, both with performance.now()). The two
sites are measured in alternating rounds. Bytes: what the visitor's browser received for the page and the search
(response bodies), and, of those, the search's own files (lunr: search_index.json, the worker; Pagefind: pagefind/);
the gzip size of those same files is given too, since most hosts compress them. Also reported: `mkdocs build` time of
each site (Pagefind's indexing included).

Logs go to stderr; the last line of stdout is one JSON object ``{"rows": [...]}``.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REPO, Row, bench_args, emit, kb_env, median, spread, timed_row  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
QUERY_NOTE = 1000  # the query is two words of this note's title (in the middle of the corpus)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_sites(corpus: Path, work: Path) -> dict[str, Path]:
    """mkdocs.yml of each variant in its own folder (theme overrides beside it); returns name -> config."""
    base = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    base = re.sub(r"(?m)^docs_dir: .*$", "docs_dir: notes", base)
    pagefind = base.replace("  - kb:\n", "  - kb:\n      search: pagefind\n", 1)
    if pagefind == base:
        raise SystemExit("bench_search_site: cannot find the kb plugin entry in mkdocs.yml")
    configs = {}
    for name, text in (("lunr", base), ("pagefind", pagefind)):
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "site_overrides", folder / "site_overrides", dirs_exist_ok=True)
        # the notes inside the site's folder: the kb plugin reads only notes under its mkdocs.yml's folder
        shutil.rmtree(folder / "notes", ignore_errors=True)
        shutil.copytree(corpus / "notes", folder / "notes")
        (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
        configs[name] = folder / "mkdocs.yml"
    return configs


def build(config: Path) -> float:
    env = kb_env(NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench_search_site: mkdocs build -f {config} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextmanager
def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Installed before the page's own scripts: the time of the first key pressed in the search box and of the first
# result item added to the page.
WATCH = """
window.__kbBench = {typed: null, shown: null};
document.addEventListener("keydown", function (ev) {
  if (window.__kbBench.typed === null && ev.target && ev.target.classList &&
      ev.target.classList.contains("md-search__input")) window.__kbBench.typed = performance.now();
}, true);
new MutationObserver(function () {
  if (window.__kbBench.shown === null && window.__kbBench.typed !== null &&
      document.querySelector(".md-search-result__item")) window.__kbBench.shown = performance.now();
}).observe(document, {subtree: true, childList: true});
"""


def first_search(chromium, url: str, page_path: str, query: str) -> tuple[float, int, int]:
    """One visitor with an empty cache: seconds from the first key to the first result, bytes received in all,
    bytes of the search's own files."""
    context = chromium.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    sizes: dict[str, int] = {}

    def finished(request):
        try:
            sizes[request.url] = request.sizes()["responseBodySize"]
        except Exception:  # a request the page dropped
            pass

    page.on("requestfinished", finished)
    page.goto(url + page_path, wait_until="load")
    page.keyboard.press("/")
    page.locator("input.md-search__input").wait_for(state="visible")
    page.keyboard.type(query)
    page.wait_for_function("window.__kbBench.shown !== null", timeout=120_000)
    times = page.evaluate("window.__kbBench")
    page.wait_for_load_state("networkidle")
    context.close()
    total = sum(sizes.values())
    search = sum(n for u, n in sizes.items() if re.search(r"/search/|/workers/search|/pagefind/", u))
    return (times["shown"] - times["typed"]) / 1000, total, search


def search_files_gzip(site: Path, name: str) -> int:
    """Gzip size of the search's files a first search fetches (all of lunr's; Pagefind's entry files only: its
    fragments depend on the query and are already compressed)."""
    if name == "lunr":
        files = [site / "search" / "search_index.json", *site.glob("assets/javascripts/workers/search.*.js")]
    else:
        files = [site / "pagefind" / n for n in ("pagefind.js", "pagefind-entry.json")]
        files += list((site / "pagefind").glob("*.pf_meta")) + list(
            (site / "pagefind").glob("wasm.*.pagefind")
        )
    return sum(len(gzip.compress(f.read_bytes())) for f in files if f.is_file())


def query_for(corpus: Path) -> tuple[str, str]:
    """Two words of one note's title, and the page of a different note to search from."""
    notes = sorted(p for p in (corpus / "notes").rglob("*.md") if p.name != "index.md")
    target = notes[min(QUERY_NOTE, len(notes) - 1)]
    title = re.search(r"(?m)^title: (.*)$", target.read_text(encoding="utf-8")).group(1).strip("\"'")
    words = [w for w in re.findall(r"[A-Za-z]{4,}", title)][:2] or [title]
    start = notes[0].relative_to(corpus / "notes").with_suffix("").as_posix() + "/"
    return " ".join(words).lower(), start


def main(argv: list[str] | None = None) -> int:
    args = bench_args(__doc__.splitlines()[0], argv)
    if not Path(CHROMIUM).exists():
        print('{"skipped": "Debian\'s chromium is not installed (run .ci/install-browser)"}')
        return 0
    from playwright.sync_api import sync_playwright

    if args.quick:
        corpus = args.corpus
    else:
        from generate import generate

        corpus = args.work / "kb2000"
        generate(2000, corpus, seed=1)
    n = sum(1 for p in (corpus / "notes").rglob("*.md") if p.name != "index.md")
    configs = make_sites(corpus, args.work)
    build_s = {}
    for name, config in configs.items():
        build_s[name] = build(config)
        log(f"built {name}: {build_s[name]:.1f} s")
    query, start = query_for(corpus)
    log(f"query {query!r}, from {start}")
    samples: dict[str, dict[str, list]] = {name: {"s": [], "total": [], "search": []} for name in configs}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        with (
            serve(configs["lunr"].parent / "site") as lunr_url,
            serve(configs["pagefind"].parent / "site") as pf_url,
        ):
            urls = {"lunr": lunr_url, "pagefind": pf_url}
            first_search(chromium, urls["lunr"], start, query)  # warm-up: the browser's own start
            for round_no in range(args.repeat):
                order = list(configs) if round_no % 2 == 0 else list(reversed(configs))
                for name in order:
                    seconds, total, search = first_search(chromium, urls[name], start, query)
                    samples[name]["s"].append(seconds)
                    samples[name]["total"].append(total)
                    samples[name]["search"].append(search)
                    log(f"  round {round_no + 1}: {name:8s} {seconds * 1000:7.0f} ms, {total / 1e3:8.0f} kB")
        chromium.close()
    gz = {name: search_files_gzip(configs[name].parent / "site", name) for name in configs}
    notes = f"{n:,} notes"
    pf, lunr = samples["pagefind"], samples["lunr"]
    rows = [
        timed_row(
            f"first search results (typing to first result shown), {notes}, Pagefind",
            pf["s"],
            compared_with="Material's lunr search",
            compared=lunr["s"],
            quick=args.quick,
            note=f"query {query!r}, a visitor with an empty cache, just after the page loaded",
        ),
        Row(
            f"bytes a visitor receives for the page and the first search, {notes}, Pagefind",
            round(median(pf["total"]) / 1e3, 1),
            "kB",
            [round(x / 1e3, 1) for x in spread(pf["total"])],
            len(pf["total"]),
            "Material's lunr search",
            round(median(lunr["total"]) / 1e3, 1),
            round(median(pf["total"]) / median(lunr["total"]), 3),
            note=(
                f"of which the search's own files: {median(pf['search']) / 1e3:.0f} kB vs "
                f"{median(lunr['search']) / 1e3:.0f} kB (gzip: {gz['pagefind'] / 1e3:.0f} kB of Pagefind's entry "
                f"files vs {gz['lunr'] / 1e3:.0f} kB of lunr's index and worker)"
            ),
        ),
        Row(
            f"`mkdocs build`, {notes}, search: pagefind (indexing included)",
            round(build_s["pagefind"], 1),
            "s",
            runs=1,
            compared_with="the same build with Material's search",
            compared_value=round(build_s["lunr"], 1),
            ratio=round(build_s["pagefind"] / build_s["lunr"], 3),
        ),
    ]
    emit(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
