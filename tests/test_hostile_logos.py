"""Hostile logos through real Sphinx builds: the page shows checked bytes or a name, never another file.

Each case is a way an independent tester got a file other than the checked
one, or an SVG that does something, onto a site (the findings F1-F8, F15 and
F19 of the hostile-data report of 2026-12-01): Sphinx's globbing, its language
substitution (``logo.en.svg``), any file type behind a logo name, XSLT,
redirects, CSS that fetches, UTF-16 DTDs, remote logos fetched by builders.
"""

from __future__ import annotations

import base64
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_benchbench.data.svg import svg_problem

from .test_hostile import (
    HOSTILE_SVGS,
    SECRET,
    assert_no_secret,
    build,
    outside,  # noqa: F401 (a fixture)
    set_logo_image,
    site_files,
)

SVG = "http://www.w3.org/2000/svg"
CLEAN = f'<svg xmlns="{SVG}" width="4" height="2"><rect width="4" height="2" fill="#345"/></svg>'
SCRIPT = f'<svg xmlns="{SVG}"><script>alert(document.domain)</script></svg>'

#: Constructs an allow-list must refuse: each made Chromium run script, redirect or fetch (report F2, F7, F8).
REFUSED = {
    "xslt": ('<?xml-stylesheet type="text/xsl" href="torchy.svg"?>'
             f'<svg xmlns="{SVG}" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xsl:version="1.0">'
             '<xsl:element name="script">alert(1)</xsl:element></svg>'),
    "css-pi": f'<?xml-stylesheet type="text/css" href="https://evil.example/a.css"?><svg xmlns="{SVG}"/>',
    "meta-refresh": (f'<svg xmlns="{SVG}"><h:meta xmlns:h="http://www.w3.org/1999/xhtml" http-equiv="refresh" '
                     'content="0;url=https://evil.example/login"/></svg>'),
    "fill-url": f'<svg xmlns="{SVG}"><rect fill="url(https://evil.example/p.svg#g)"/></svg>',
    "mask-url": f'<svg xmlns="{SVG}"><rect mask="url(//evil.example/m)"/></svg>',
    "style-tail": f'<svg xmlns="{SVG}"><style><g/>@import url(https://evil.example/a.css);</style></svg>',
    "css-escape-url": f'<svg xmlns="{SVG}"><rect style="fill:\\75 rl(https://evil.example/x)"/></svg>',
    "css-escape-import": f'<svg xmlns="{SVG}"><style>@\\69mport "https://evil.example/a.css";</style></svg>',
    "image-set": (f'<svg xmlns="{SVG}"><style>rect {{background-image:image-set("https://evil.example/x" 1x)}}'
                  '</style></svg>'),
    "srcset": (f'<svg xmlns="{SVG}"><h:img xmlns:h="http://www.w3.org/1999/xhtml" '
               'srcset="https://e.example/ 1x"/></svg>'),
    "poster": f'<svg xmlns="{SVG}"><h:video xmlns:h="http://www.w3.org/1999/xhtml" poster="https://e.example/"/></svg>',
    "tabbed-javascript": f'<svg xmlns="{SVG}"><a href="#x"><rect fill="java&#9;script:alert(1)"/></a></svg>',
    "utf16-dtd": ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x "y">]>'
                  f'<svg xmlns="{SVG}"><desc>&x;</desc></svg>').encode("utf-16"),
    "no-namespace": "<svg><rect/></svg>",
    "mathml": f'<svg xmlns="{SVG}"><m:math xmlns:m="http://www.w3.org/1998/Math/MathML" href="x"/></svg>',
}

#: Drawings real tools write, which must stay shown.
ACCEPTED = {
    "inkscape": (f'<?xml version="1.0" encoding="UTF-8"?><svg xmlns="{SVG}" '
                 'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
                 'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
                 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                 'inkscape:export-filename="C:\\Users\\me\\logo.png" sodipodi:docname="logo.svg">'
                 '<sodipodi:namedview inkscape:zoom="2"/><metadata><rdf:RDF/></metadata>'
                 '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
                 '<rect fill="url(#g)" style="fill:url( \'#g\' )"/><use href="#g"/></svg>'),
    "embedded-png": (f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"><image '
                     'xlink:href="data:image/png;base64,iVBORw0KGgo="/></svg>'),
    "style": f'<svg xmlns="{SVG}"><style>.a {{ fill: #345; opacity: .5 }}</style><rect class="a"/></svg>',
    "bom": ("\ufeff" + CLEAN).encode("utf-8"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_the_svg_check_refuses_what_a_browser_acts_on(kind: str) -> None:
    data = REFUSED[kind]
    assert svg_problem(data if isinstance(data, bytes) else data.encode()) is not None


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_the_svg_check_keeps_plain_drawings(kind: str) -> None:
    data = ACCEPTED[kind]
    assert svg_problem(data if isinstance(data, bytes) else data.encode()) is None


def _embedded(svg: str | bytes) -> str:
    data = svg.encode() if isinstance(svg, str) else svg
    return base64.b64encode(data).decode()


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("kind", ["xslt", "meta-refresh", "style-tail", "utf16-dtd"])
def test_a_refused_svg_is_neither_embedded_nor_a_file(make_app: Callable[..., SphinxTestApp],
                                                      project: Callable[..., Path], kind: str) -> None:
    src = project()
    data = REFUSED[kind]
    (src / "data/logos/torchy.svg").write_bytes(data if isinstance(data, bytes) else data.encode())
    app, warnings = build(make_app, src)
    assert "logos.torchy.image: torchy.svg " in warnings and "it is not published" in warnings, warnings
    page = (Path(app.outdir) / "index.html").read_text()
    assert _embedded(data) not in page
    assert 'class="bb-icon-text">Torchy<' in page, "its name is shown instead"
    assert not (Path(app.outdir) / "_images").exists()


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("kind", ["script", "foreign"])
def test_hostile_svgs_stay_off_the_page(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path],
                                        kind: str) -> None:
    src = project()
    (src / "data/logos/torchy.svg").write_text(HOSTILE_SVGS[kind])
    app, _ = build(make_app, src)
    assert _embedded(HOSTILE_SVGS[kind]) not in (Path(app.outdir) / "index.html").read_text()


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("name", ["torchy.html", "torchy.xhtml", "torchy.svgz"])
def test_a_logo_that_is_not_an_image_type_is_refused(make_app: Callable[..., SphinxTestApp],
                                                     project: Callable[..., Path], name: str) -> None:
    """F1, F5: Sphinx copies any file named as an image; an HTML page on the docs' origin runs its script."""
    src = project()
    (src / "data/logos" / name).write_text(f"<!doctype html>{SCRIPT}")
    logos = src / "data/logos.yaml"
    logos.write_text(logos.read_text().replace("image: logos/torchy.svg", f"image: logos/{name}"))
    app, warnings = build(make_app, src)
    assert f"logos.torchy.image: {name} is not a kind of file a logo may be" in warnings, warnings
    assert not [p for p in site_files(app)
                if "torchy" in p.name or "alert(document.domain)" in p.read_text(errors="replace")]


@pytest.mark.sphinx("html", testroot="basic")
def test_an_svg_name_linked_to_an_html_page_is_refused(make_app: Callable[..., SphinxTestApp],
                                                       project: Callable[..., Path]) -> None:
    src = project()
    logos = src / "data/logos"
    (logos / "page.html").write_text(f"<!doctype html>{SCRIPT}")
    (logos / "torchy.svg").unlink()
    (logos / "torchy.svg").symlink_to("page.html")
    app, warnings = build(make_app, src)
    assert "logos.torchy.image: page.html is not a kind of file a logo may be" in warnings, warnings
    assert not [p for p in site_files(app) if "alert(document.domain)" in p.read_text(errors="replace")]


@pytest.mark.sphinx("html", testroot="basic")
def test_a_png_that_is_not_a_png_is_refused(make_app: Callable[..., SphinxTestApp],
                                            project: Callable[..., Path]) -> None:
    src = project()
    (src / "data/logos/alpha.png").write_text(f"<!doctype html>{SCRIPT}")
    set_logo_image(src, "logos/alpha.png")
    _, warnings = build(make_app, src)
    assert "logos.alpha.image: alpha.png does not start as a PNG file does" in warnings, warnings


@pytest.mark.sphinx("html", testroot="basic")
def test_language_variants_and_case_twins_are_never_used(make_app: Callable[..., SphinxTestApp],
                                                         project: Callable[..., Path],
                                                         request: pytest.FixtureRequest) -> None:
    """F3, F6: Sphinx would show ``torchy.en.svg`` for ``torchy.svg``, and ``alpha.SVG`` for ``alpha.*``."""
    elsewhere: Path = request.getfixturevalue("outside")
    src = project()
    logos = src / "data/logos"
    (logos / "torchy.svg").write_text(CLEAN)
    (logos / "torchy.en.svg").write_text(SCRIPT)
    (logos / "alpha.en.svg").symlink_to(elsewhere / "secret.svg")
    (logos / "alpha.SVG").write_text(SCRIPT)
    (logos / "alpha.en.png").symlink_to(elsewhere / "secret.svg")
    app, warnings = build(make_app, src)
    assert warnings == ""
    page = (Path(app.outdir) / "index.html").read_text()
    assert f"data:image/svg+xml;base64,{_embedded(CLEAN)}" in page, "the checked torchy.svg is shown"
    assert _embedded(SCRIPT) not in page
    assert not (Path(app.outdir) / "_images").exists()
    assert_no_secret(app)


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("twin", ["directory", "loop", "fifo"])
def test_a_broken_twin_is_reported_at_the_logo(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path],
                                               twin: str) -> None:
    """F19: a twin that is a folder or a link loop gave Sphinx's unlocated warnings; a FIFO would hang."""
    src = project()
    png = src / "data/logos/alpha.png"
    png.unlink()
    if twin == "directory":
        png.mkdir()
    elif twin == "loop":
        png.symlink_to("alpha.png")
    else:
        os.mkfifo(png)
    app = make_app("latex", srcdir=src)
    app.build()
    warnings = app.warning.getvalue()
    logos = src / "data/logos.yaml"
    assert f"{logos}:" in warnings and "logos.alpha.image: its twin alpha.png " in warnings, warnings
    assert "Alpha" in next(Path(app.outdir).glob("*.tex")).read_text()


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n" + SECRET.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal_server() -> Iterator[str]:
    """A local HTTP server standing in for an internal service (cloud metadata, intranet)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("builder", ["latex", "epub", "texinfo"])
def test_a_remote_logo_is_never_fetched_by_the_build(make_app: Callable[..., SphinxTestApp],
                                                     project: Callable[..., Path], internal_server: str,
                                                     builder: str) -> None:
    """F4: builders without remote images download them; a PR's URL must not make CI fetch internal addresses."""
    src = project()
    logos = src / "data/logos.yaml"
    logos.write_text(logos.read_text().replace("image: logos/torchy.svg", f"url: {internal_server}/token.png"))
    app = make_app(builder, srcdir=src)
    app.build()
    assert _Counting.requests == []
    assert_no_secret(app)
    assert any("Torchy" in p.read_text(errors="replace") for p in site_files(app) if p.suffix in (".tex", ".xhtml",
                                                                                                    ".texi"))
