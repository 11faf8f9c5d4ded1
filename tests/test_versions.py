"""Current releases as recorded data: ``versions --update`` against a package index on loopback, and
staleness (page, warnings, ``check``) read from ``data/versions.yaml``, never from the build machine.

The index is a real HTTP server on 127.0.0.1 answering PyPI's JSON shape
(``GET /pypi/NAME/json`` -> ``{"info": {"version": ...}, "releases": {...}}``),
so the command's requests, status handling and parsing are the real ones.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sphinx_benchbench.analysis.staleness import Policy, find_stale
from sphinx_benchbench.analysis.versions import load_versions
from sphinx_benchbench.cli import check, versions
from sphinx_benchbench.cli.index import newest
from sphinx_benchbench.data.loader import load_benchmark

from .conftest import REPO, ROOTS, html


def _release(*, yanked: bool = False) -> list[dict[str, Any]]:
    return [{"filename": "x.whl", "yanked": yanked, "upload_time_iso_8601": "2026-01-01T00:00:00Z"}]


#: What the index knows: toylib's newest final release is 2.0 (2.1 is yanked, 3.0rc1 a pre-release).
ANSWERS: dict[str, Any] = {
    "toylib": {"info": {"name": "toylib", "version": "2.1"},
               "releases": {"1.1": _release(), "2.0": _release(), "2.1": _release(yanked=True),
                            "3.0rc1": _release()}},
    "alpha": {"info": {"name": "alpha", "version": "1.2"}, "releases": {"1.0": _release(), "1.2": _release()}},
}


class _Index(BaseHTTPRequestHandler):
    """PyPI's JSON API for the packages in ``server.answers``; 404 for others, ``server.status`` when set."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: Any = self.server
        server.asked.append(self.path)
        name = self.path.removeprefix("/pypi/").removesuffix("/json")
        if name in server.failing:
            self.send_error(503, "Service Unavailable")
            return
        if name not in server.answers:
            self.send_error(404, "Not Found")
            return
        answer = server.answers[name]
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The index on an ephemeral loopback port: ``.url``, ``.asked`` (paths), ``.answers``, ``.failing``."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv(versions.INDEX_ENV, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    server.answers, server.asked, server.failing = dict(ANSWERS), [], set()  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}/pypi"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The basic test root, whose Alpha is a release (v1.0) that runs ``toylib``, ``alpha`` and ``python``."""
    dest = tmp_path / "site"
    shutil.copytree(ROOTS / "test-basic", dest)
    (dest / "data" / "versions.yaml").unlink()  # these tests make their own
    bench = dest / "data" / "toy" / "benchmark.yaml"
    bench.write_text(bench.read_text().replace(
        "    commands: [alpha --run]\n",
        "    commands: [alpha --run]\n    run: {packages: [toylib, alpha, python]}\n"), encoding="utf-8")
    return dest


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def test_update_writes_the_latest_final_releases_with_the_date(site: Path, index: Any,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = site / "data"
    assert versions.main([str(data), "--update", "--index", index.url]) == 0
    out = capsys.readouterr().out
    assert "toylib: 2.0" in out and "alpha: 1.2" in out
    recorded, problems = load_versions(data)
    assert problems == [] and recorded is not None
    assert recorded.versions == {"alpha": "1.2", "toylib": "2.0"}
    assert recorded.as_of == _today() and recorded.index == index.url
    # The interpreter is not a package on the index: never asked for.
    assert sorted(index.asked) == ["/pypi/alpha/json", "/pypi/toylib/json"]
    # The file lists what it listed before, and keeps what the index does not know.
    text = (data / "versions.yaml").read_text()
    (data / "versions.yaml").write_text(text.replace('  toylib: "2.0"', '  toylib: "2.0"\n  handmade: "4.0"'))
    index.answers["toylib"] = {"info": {"version": "2.2"}, "releases": {"2.2": _release()}}
    assert versions.main([str(data), "--update", "--index", index.url]) == 0
    out = capsys.readouterr().out
    assert "toylib: 2.2 (was 2.0)" in out and "handmade: not on" in out and "kept 4.0 as written" in out
    assert load_versions(data)[0].versions == {"alpha": "1.2", "handmade": "4.0", "toylib": "2.2"}


def test_the_index_comes_from_the_environment_then_the_file(site: Path, index: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = site / "data"
    monkeypatch.setenv(versions.INDEX_ENV, index.url)
    assert versions.main([str(data), "--update"]) == 0
    monkeypatch.delenv(versions.INDEX_ENV)
    index.asked.clear()
    assert versions.main([str(data), "--update"]) == 0  # the file's own index: line
    assert index.asked, "the second update did not ask the index the file names"


@pytest.mark.parametrize("answer", [
    {"info": {"version": "1.0\x1b[31m"}, "releases": {}},            # a terminal escape in a version
    {"info": {"version": "9" * 200}, "releases": {}},                 # absurdly long
    {"info": {"version": "not a version"}, "releases": {"also not": _release()}},
    b"<html>a captive portal</html>",                                 # not JSON
    [1, 2, 3],                                                        # JSON, not the index's object
])
def test_a_bad_answer_writes_nothing(site: Path, index: Any, answer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    data = site / "data"
    index.answers["toylib"] = answer
    assert versions.main([str(data), "--update", "--index", index.url]) == 1
    err = capsys.readouterr().err
    assert "toylib/json" in err and "not written" in err
    assert "\x1b" not in err
    assert not (data / "versions.yaml").exists()


def test_an_unreachable_index_writes_nothing_and_keeps_the_old_file(site: Path, index: Any,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = site / "data"
    assert versions.main([str(data), "--update", "--index", index.url]) == 0
    before = (data / "versions.yaml").read_bytes()
    index.failing.add("alpha")
    assert versions.main([str(data), "--update", "--index", index.url]) == 1
    assert "HTTP 503" in capsys.readouterr().err
    assert (data / "versions.yaml").read_bytes() == before
    closed = "http://127.0.0.1:9/pypi"  # the discard port: nothing listens
    assert versions.main([str(data), "--update", "--index", closed, "--timeout", "5"]) == 1
    assert (data / "versions.yaml").read_bytes() == before
    assert versions.main([str(data), "--update", "--index", "file:///etc"]) == 2


def test_newest_prefers_the_releases_over_the_stated_version() -> None:
    assert newest(ANSWERS["toylib"]) == "2.0"
    assert newest({"info": {"version": "0.3"}, "releases": {}}) == "0.3"
    assert newest({"info": {"version": "0.3b1"}, "releases": {"0.3b1": _release()}}) == "0.3b1"
    assert newest({"releases": {"1.0": []}}) is None  # a release without files is not installable


def test_staleness_reads_the_recorded_releases_and_not_the_build_machine(site: Path) -> None:
    data = site / "data"
    (data / "versions.yaml").write_text('schema: 1\nas_of: 2026-11-20\nversions: {toylib: "2.0", alpha: "1.2"}\n')
    bench, problems = load_benchmark(data, "toy")
    assert problems == [] and bench is not None
    recorded, problems = load_versions(data)
    assert problems == []

    def machine(package: str) -> str:
        return {"python": "3.99", "toylib": "7.0"}.get(package, "0")

    found: dict[str, str] = {}
    for item in find_stale(bench, bench.results, Policy(), {}, recorded=recorded):
        found[item.result.implementation] = found.get(item.result.implementation, "") + item.reason + "\n"
    assert "toylib 1.1 (now 2.0, the latest release as of 20 November 2026)" in found["alpha"]
    # The implementation's own release counts: Alpha is v1.0, alpha 1.2 is out.
    assert "alpha v1.0 (now 1.2, the latest release as of 20 November 2026)" in found["alpha"]
    assert all("3.99" not in reason and "installed" not in reason for reason in found.values())
    # Only a site that opts in compares with what is installed where the docs are built.
    opted = find_stale(bench, bench.results, Policy(), {}, installed=machine, recorded=recorded)
    assert any("Python 3.11 (now 3.99, installed where the docs are built)" in s.reason for s in opted)
    # conf.py still overrides the file.
    over = find_stale(bench, bench.results, Policy(), {"toylib": "1.1"}, recorded=recorded)
    assert all("toylib 1.1 (now" not in s.reason and "now 2.0" not in s.reason for s in over)
    assert any("toylib 1.0 (now 1.1, from conf.py)" in s.reason for s in over)


def test_a_bad_versions_file_is_reported_at_its_line(site: Path) -> None:
    data = site / "data"
    (data / "versions.yaml").write_text('schema: 1\nas_of: 2026-13-01\nversions:\n  toylib: "2.0"\n')
    recorded, problems = load_versions(data)
    assert recorded is None and [(p.line, "not a date" in p.message) for p in problems] == [(2, True)]
    (data / "versions.yaml").write_text('as_of: 2026-11\nversions:\n  toylib: "2.0"\n  "../x": "1"\n  t: 2\n')
    recorded, problems = load_versions(data)
    assert recorded is not None and recorded.versions == {"toylib": "2.0"}
    assert sorted(p.line for p in problems) == [4, 5]
    (data / "versions.yaml").write_text("as_of: [\n")
    assert load_versions(data)[0] is None and load_versions(data)[1][0].line is not None
    assert check.main([str(data)]) == 3


def test_the_page_says_what_current_means_and_the_build_is_the_same_everywhere(
        site: Path, tmp_path: Path) -> None:
    """Two builds whose machines differ (one claims every package is installed in a newer version)
    give the same page: what is installed plays no part unless the site opts in."""
    (site / "data" / "versions.yaml").write_text('schema: 1\nas_of: 2026-11\nversions: {toylib: "2.0"}\n')
    pages = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        env = None if n == 0 else {"PYTHONPATH": str(tmp_path / "fake")}
        if env:
            fake = tmp_path / "fake" / "toylib-9.0.dist-info"
            fake.mkdir(parents=True)
            (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: toylib\nVersion: 9.0\n")
        done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(site), str(out)],
                              capture_output=True, text=True, cwd=REPO, env={**_env(), **(env or {})}, check=False)
        assert done.returncode == 0, done.stderr
        pages.append(((out / "index.html").read_text(), done.stderr))
    assert pages[0] == pages[1]
    warnings = pages[0][1]
    assert "toylib 1.1 (now 2.0, the latest release as of November 2026)" in warnings
    assert "9.0" not in warnings
    note = html(tmp_path / "out0" / "index.html").select_one(".bb-stale-note")
    assert note is not None and "current as of November 2026" in note.get_text(" ")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_both_commands_are_the_same_command(site: Path) -> None:
    data = site / "data"
    (data / "versions.yaml").write_text('schema: 1\nas_of: 2026-11\nversions: {toylib: "2.0"}\n')
    prefixes = ([sys.executable, "-m", "sphinx_benchbench"], [str(Path(sys.executable).parent / "benchbench")])
    runs = [subprocess.run([*prefix, "versions", str(data)], capture_output=True, text=True, check=False, cwd=REPO)
            for prefix in prefixes]
    assert runs[0].returncode == runs[1].returncode == 0
    assert runs[0].stdout == runs[1].stdout == "current as of 2026-11 (index not recorded):\n  toylib 2.0\n"


def test_the_sites_current_releases_are_data() -> None:
    """docs/conf.py types no versions; data/versions.yaml has them, dated."""
    assert "benchbench_current_versions" not in (REPO / "docs" / "conf.py").read_text()
    recorded, problems = load_versions(REPO / "data")
    assert problems == [] and recorded is not None and recorded.as_of
    assert {"torch", "tensorflow", "keras", "mxnet"} <= set(recorded.versions)
