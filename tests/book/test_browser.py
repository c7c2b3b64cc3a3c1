"""Open every page of the built book in headless Chromium (Playwright) and check it.

The book is served from ``_build/html`` by ``http.server`` on a free localhost port. For each
document of ``_toc.yml`` the test asserts: the title is there, MathJax typeset every formula
(no raw ``$$`` or ``\\(`` left), every image loaded, no console errors, no request left the
machine, and every link into the book resolves (file and #anchor). A full-page screenshot of
each page goes to ``_build/screenshots/``.

Chromium is Debian's ``chromium`` (``make browser`` installs it), passed to Playwright as
``executable_path``; ``playwright install`` is never used. A missing Chromium FAILS the test.
"""

from __future__ import annotations

import functools
import html.parser
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.book._book import BUILD, ROOT, toc_files

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Flags that work on this kind of machine (python.md): no sandbox as root, and no background
# networking, which a closed network refuses. Playwright adds --headless and a fresh profile.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = BUILD / "screenshots"
PAGES = toc_files()


def find_chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists()
                                        else None)
    if path is None:
        pytest.fail("Chromium not found: run `make browser` (apt-get install -y chromium); "
                    "the browser test never downloads a browser", pytrace=False)
    return path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_book):
    handler = functools.partial(_Quiet, directory=str(built_book))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def anchors_of(path: Path) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(path.read_text(errors="replace"))
    return frozenset(parser.ids)


def source_title(doc: str) -> str:
    """The first '# ' heading of the page's source, without Markdown markup."""
    for line in (ROOT / f"{doc}.md").read_text().splitlines():
        if line.startswith("# "):
            return re.sub(r"[`*_]", "", line[2:]).strip()
    raise AssertionError(f"{doc}.md has no '# ' title")


# Text of the article without code, scripts and typeset math: raw TeX here was not typeset.
VISIBLE_TEXT_JS = """() => {
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .MathJax')
       .forEach(e => e.remove());
  return clone.textContent;
}"""
UNTYPESET_MATH_JS = """() => Array.from(document.querySelectorAll('.math'))
  .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80))"""
BROKEN_IMAGES_JS = """() => Array.from(document.images)
  .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)"""
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"


@pytest.mark.parametrize("doc", PAGES)
def test_page_renders_in_chromium(doc, server, browser, built_book):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    errors, external = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)

    def only_localhost(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", only_localhost)
    try:
        page.goto(f"{server}/{doc}.html", wait_until="load")
        if page.evaluate("() => document.querySelectorAll('.math').length") > 0:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
            )
            page.evaluate("() => MathJax.startup.promise")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{doc.replace('/', '__')}.png"), full_page=True)

        assert source_title(doc) in page.title()
        assert page.locator("h1").first.inner_text().strip()
        assert page.evaluate(UNTYPESET_MATH_JS) == []
        text = page.evaluate(VISIBLE_TEXT_JS)
        for raw in ("$$", "\\(", "\\[", "\\begin{"):
            assert raw not in text, f"raw math {raw!r} left on the page"
        assert page.evaluate(BROKEN_IMAGES_JS) == []
        assert external == [], "the page must work offline"
        assert errors == []

        broken = []
        for href in page.evaluate(LINKS_JS):
            if not href.startswith(server):
                continue
            parts = urlsplit(href)
            target = built_book / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(href)
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in anchors_of(target):
                broken.append(href)
        assert broken == [], f"links into the book that do not resolve: {broken}"
    finally:
        page.close()


def test_server_serves_the_root(server):
    """Is index.html (the redirect to the first page) served?"""
    from urllib.request import urlopen

    with urlopen(urljoin(server, "/index.html")) as response:
        assert response.status == 200
