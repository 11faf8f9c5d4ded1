"""The Mask R-CNN page as a reader sees it, in a real headless Chromium.

The other tests read the HTML Sphinx writes; these load the built docs site in
a browser, because what matters to a reader only exists there: whether every
logo image actually loads (a wrong relative path still yields a valid
``<img>`` tag), whether the patch is collapsed until its summary is clicked,
and whether the logos stay visible when furo is switched to dark mode.  Nothing
is mocked: the real ``docs/`` site is built with Sphinx, served over HTTP on
127.0.0.1 and driven through Selenium with Debian's chromium and chromedriver.
The tests are skipped only when those two programs are not installed.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGE = "benchmarks/maskrcnn-training.html"
ROWS = 7
WAIT_S = 20


def _program(name: str) -> str | None:
    """Debian's copy of a program, else whatever the PATH offers."""
    debian = Path("/usr/bin") / name
    return str(debian) if debian.is_file() else shutil.which(name)


CHROMIUM = _program("chromium")
CHROMEDRIVER = _program("chromedriver")

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402  (only once we know a browser exists)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real docs site, built once for the module."""
    from sphinx.cmd.build import build_main

    out = tmp_path_factory.mktemp("site")
    status = build_main(["-b", "html", "-q", str(DOCS), str(out)])
    assert status == 0, f"sphinx-build of {DOCS} failed with status {status}"
    assert (out / PAGE).is_file(), f"the build wrote no {PAGE}"
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on an ephemeral local port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="docs-http", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium; never lets Selenium Manager fetch anything."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1024",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        browser.set_page_load_timeout(WAIT_S * 3)
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def page(driver: WebDriver, base_url: str) -> WebDriver:
    """The Mask R-CNN page, freshly loaded (so no test sees another's clicks)."""
    driver.get(base_url + PAGE)
    WebDriverWait(driver, WAIT_S).until(
        lambda d: d.execute_script("return document.readyState") == "complete",
        message="the page never finished loading",
    )
    return driver


def _scroll_to(driver: WebDriver, element: WebElement) -> None:
    """Bring an element into view at once: furo's ``scroll-behavior: smooth`` would
    otherwise animate the scroll, and a click right after it misses its target."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)


def test_every_image_loads(page: WebDriver) -> None:
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.execute_script("return Array.from(document.images).every(i => i.complete)"),
        message="some images never finished loading",
    )
    images: list[dict[str, Any]] = page.execute_script(
        """return Array.from(document.images).map(img => ({
               src: img.currentSrc || img.src,
               cls: img.className,
               ok: img.complete && img.naturalWidth > 0,
           }));"""
    )
    broken = [img["src"] for img in images if not img["ok"]]
    assert not broken, f"{len(broken)} of {len(images)} images did not load: {broken}"

    classes = [set(img["cls"].split()) for img in images]
    assert any("bb-logo" in c for c in classes), f"no img.bb-logo on the page; images: {images}"
    assert any("bb-icon" in c for c in classes), f"no img.bb-icon on the page; images: {images}"

    rows = page.find_elements(By.CSS_SELECTOR, "table.bb-table tbody tr")
    assert len(rows) == ROWS, f"expected {ROWS} implementation rows, found {len(rows)}"


def test_patch_is_collapsed_until_clicked(page: WebDriver) -> None:
    details = page.find_element(By.CSS_SELECTOR, "details.bb-patch")
    diff = details.find_element(By.CSS_SELECTOR, "div.highlight-diff pre")
    assert details.get_attribute("open") is None, "the patch should start collapsed"
    assert not diff.is_displayed(), "the diff is visible before the patch is expanded"
    assert "GPU_COUNT = 8" not in details.text, "the diff text shows while collapsed"

    summary = details.find_element(By.TAG_NAME, "summary")
    _scroll_to(page, summary)
    summary.click()

    WebDriverWait(page, WAIT_S).until(
        lambda _: diff.is_displayed(), message="the diff did not appear after clicking the summary"
    )
    assert details.get_attribute("open") is not None, "clicking the summary did not open the patch"
    assert "GPU_COUNT = 8" in diff.text, f"the expanded diff lacks 'GPU_COUNT = 8': {diff.text[:500]!r}"


def test_logos_keep_a_light_chip_in_dark_mode(page: WebDriver, tmp_path: Path) -> None:
    light_body = page.execute_script("return getComputedStyle(document.body).backgroundColor")
    page.execute_script("document.body.dataset.theme = 'dark';")
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.execute_script("return getComputedStyle(document.body).backgroundColor") != light_body,
        message=f"furo's dark mode did not change the page background ({light_body})",
    )

    logos = page.find_elements(By.CSS_SELECTOR, "img.bb-logo")
    assert logos, "no img.bb-logo on the page"
    logo = logos[0]
    _scroll_to(page, logo)
    background = page.execute_script("return getComputedStyle(arguments[0]).backgroundColor", logo)
    assert background == "rgb(255, 255, 255)", f"img.bb-logo has background {background} in dark mode"

    shot = tmp_path / "maskrcnn-training-dark.png"
    assert page.save_screenshot(str(shot)), "the screenshot could not be taken"
    assert shot.stat().st_size > 0


def test_every_row_stale_is_said_once_not_marked_on_each_row(page: WebDriver) -> None:
    """All seven rows are stale: one note with one line per cause, and no marker that would be on every row."""
    assert page.find_elements(By.CSS_SELECTOR, "table.bb-table .bb-stale") == []
    note = page.find_element(By.CSS_SELECTOR, "div.bb-stale-note")
    assert note.is_displayed() and "All 7 results are stale" in note.text
    assert "current as of November 2026" in note.text
    causes = note.find_elements(By.CSS_SELECTOR, "ul.bb-stale-causes > li")
    assert [c.text.split()[0] for c in causes] == ["PyTorch", "CUDA", "TensorFlow", "MXNet", "Keras"]


#: (name, width, height, dark): the desktop and phone sizes the page must read at, in both themes.
VIEWS = [("desktop-light", 1280, 1024, False), ("desktop-dark", 1280, 1024, True),
         ("phone-light", 390, 844, False), ("phone-dark", 390, 844, True)]


@pytest.mark.parametrize(("name", "width", "height", "dark"), VIEWS, ids=[v[0] for v in VIEWS])
def test_the_page_reads_at_every_size_and_theme(page: WebDriver, tmp_path: Path, name: str, width: int,
                                                height: int, dark: bool) -> None:
    """Screenshots at 1280 px and 390 px, light and dark; the body never overflows sideways (the table
    and charts scroll inside themselves), the framework icons form a column, the chart's text stays
    legible, and no visible paragraph repeats the table's values."""
    page.set_window_size(width, height)
    if dark:
        page.execute_script("document.body.dataset.theme = 'dark';")
    inner = page.execute_script("return window.innerWidth")
    overflow = page.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page body is {overflow}px wider than the {inner}px window"

    table = page.find_element(By.CSS_SELECTOR, "table.bb-table")
    _scroll_to(page, table)
    icons = page.execute_script(
        """return Array.from(arguments[0].querySelectorAll('tbody tr')).map(tr => {
               const icon = tr.querySelector('img.bb-icon');
               return icon ? Math.round(icon.getBoundingClientRect().left
                                        - tr.getBoundingClientRect().left) : null; });""", table)
    assert None not in icons and len(set(icons)) == 1, f"{name}: framework icons at x = {icons}"

    sizes = page.execute_script(
        """const svg = document.querySelector('svg.bb-chart');
           const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
           return Array.from(svg.querySelectorAll('text'))
                       .map(t => parseFloat(t.getAttribute('font-size')) * scale);""")
    assert min(sizes) >= 9, f"{name}: chart text drawn at {min(sizes):.1f}px"

    values = [cell.text for cell in table.find_elements(By.CSS_SELECTOR, "tbody td:nth-child(3)")]
    listing = f"Detectron2 {values[0]}, mmdetection {values[1]}"
    shown = page.find_elements(By.CSS_SELECTOR, "article p, article figcaption")
    visible = [p.text for p in shown if p.is_displayed()]
    assert not any(listing in text or "Bar chart of" in text for text in visible), f"{name}: the values repeated"

    shot = tmp_path / f"maskrcnn-training-{name}.png"
    assert page.save_screenshot(str(shot)) and shot.stat().st_size > 0


def test_chart_text_follows_the_theme(page: WebDriver) -> None:
    label = page.find_element(By.CSS_SELECTOR, "svg.bb-chart text")
    light = page.execute_script("return getComputedStyle(arguments[0]).fill", label)
    page.execute_script("document.body.dataset.theme = 'dark';")
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.execute_script("return getComputedStyle(arguments[0]).fill", label) != light,
        message=f"chart text stayed {light} in dark mode",
    )
    dark = page.execute_script("return getComputedStyle(arguments[0]).fill", label)
    channels = [int(c) for c in dark[dark.index("(") + 1 : dark.index(")")].split(",")[:3]]
    assert sum(channels) / 3 > 150, f"chart text {dark} is too dark to read on a dark background"
