"""Staleness: each source of "current", each policy, version edge cases, builders, the check CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.version import Version
from sphinx.testing.util import SphinxTestApp

from sphinx_benchbench.analysis.staleness import Policy, current_versions, find_stale, merge_policy, newer
from sphinx_benchbench.data.identity import identity
from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.data.model import StalenessPolicy

from .conftest import REPO, ROOTS, html

TOY = ROOTS / "test-basic" / "data"


def nothing_installed(package: str) -> str | None:
    return None


@pytest.mark.parametrize(("current", "recorded", "part", "expected"), [
    ("1.10", "1.9", "minor", True),          # numbers, not strings
    ("1.9", "1.10", "minor", False),
    ("1.5.1", "1.5.0", "minor", False),
    ("1.5.1", "1.5.0", "patch", True),
    ("2.0", "1.99", "major", True),
    ("1.99", "1.5", "major", False),
    ("1.15.0", "1.15.0rc2", "minor", False),
    ("1.15.0", "1.15.0rc2", "patch", True),  # a final release is newer than its pre-release
    ("2.11.0", "2.11.0+cu130", "patch", False),  # local labels never count
    ("2.12.0+cu130", "2.11.0", "minor", True),
    ("1.6.0", "1.6.0b20190820", "minor", False),
])
def test_version_comparison(current: str, recorded: str, part: str, expected: bool) -> None:
    assert newer(Version(current), Version(recorded), part) is expected


def test_sources_of_current_in_order_of_precedence() -> None:
    bench, _ = load_benchmark(TOY, "toy")
    policy = Policy()
    installed = {"toylib": "5.0", "python": "3.11.9"}.get
    lookup = current_versions(bench, {"toylib": "9.0"}, policy, installed)
    assert lookup("toylib").version == "9.0" and lookup("toylib").source == "from conf.py"
    lookup = current_versions(bench, {}, policy, installed)
    assert lookup("toylib").version == "5.0" and "installed" in lookup("toylib").source
    lookup = current_versions(bench, {}, policy, nothing_installed)
    assert lookup("toylib").version == "1.1" and "newest recorded" in lookup("toylib").source
    assert lookup("python").version == "3.12"
    assert lookup("unknown") is None


def stale_of(policy: Policy, conf: dict[str, str] | None = None, today: dt.date | None = None,
             installed: Callable[[str], str | None] = nothing_installed) -> dict[str, str]:
    bench, _ = load_benchmark(TOY, "toy")
    found = find_stale(bench, bench.results, policy, conf or {}, today=today or dt.date(2024, 3, 1),
                       installed=installed)
    return {f"{s.result.implementation}@{s.result.recorded}": s.reason for s in found}


def test_newest_recorded_marks_older_rows() -> None:
    found = stale_of(Policy())
    # toylib 1.0 (January) is older than 1.1 (February); python 3.11 older than 3.12 (Tie A).
    assert "toylib 1.0 (now 1.1, the newest recorded for toy)" in found["alpha@2024-01-01"]
    assert "Python 3.11 (now 3.12" in found["tie-b@2024-02-01"]
    assert "tie-a@2024-02-01" not in found


def test_policy_parts_track_ignore_aliases_and_age() -> None:
    assert "alpha@2024-01-01" not in stale_of(Policy(parts={"toylib": "major"}, ignore=("python",)))
    assert stale_of(Policy(track=("nothing",))) == {}
    assert stale_of(Policy(ignore=("python", "toylib"))) == {}
    aliased = stale_of(Policy(ignore=("python",), aliases={"tl": "toylib"}), conf={"tl": "2.0"})
    assert "toylib 1.1 (now 2.0, from conf.py)" in aliased["alpha@2024-02-01"]
    old = stale_of(Policy(ignore=("python", "toylib"), max_age_days=40), today=dt.date(2024, 3, 1))
    assert old == {"alpha@2024-01-01": "recorded 60 days ago, more than 40"}


def test_merge_policy_data_over_site() -> None:
    site = Policy(part="major", ignore=("python",), max_age_days=100)
    merged = merge_policy(site, StalenessPolicy(part="patch", ignore=["cuda"], aliases={"PyTorch": "torch"}))
    assert merged.part == "patch" and merged.ignore == ("python", "cuda") and merged.max_age_days == 100
    assert merged.name("pytorch") == "torch"


def test_unparseable_versions_are_reported_not_compared(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TOY, data)
    results = data / "toy/results/2024-02-01.yaml"
    results.write_text(results.read_text().replace('toylib: "1.1"', 'toylib: "latest-ish"'))
    bench, _ = load_benchmark(data, "toy")
    found = find_stale(bench, bench.results, Policy(ignore=("python",)), {}, installed=nothing_installed)
    assert any("toylib version 'latest-ish' cannot be compared" in u for s in found for u in s.unparseable)


def _stale_in(data: Path, policy: Policy, name: str = "toy") -> dict[str, str]:
    """Stale results of benchmark ``name`` in ``data`` (an edited copy), by implementation@date."""
    bench, problems = load_benchmark(data, name)
    assert bench is not None and problems == [], problems
    found = find_stale(bench, bench.results, policy, {}, today=dt.date(2024, 3, 1), installed=nothing_installed)
    return {f"{s.result.implementation}@{s.result.recorded}": s.reason for s in found}


def test_an_edited_entry_makes_its_results_stale(tmp_path: Path) -> None:
    """A result measured at the commit its entry pins is current; once the entry names another commit, it is
    stale, with both commits named.  Both checks read the same edited copy, so the first one can fail."""
    data = tmp_path / "data"
    shutil.copytree(TOY, data)
    results = data / "toy/results/2024-02-01.yaml"
    results.write_text(results.read_text().replace("  - implementation: slow\n    value: 6.0\n",
                                                   "  - implementation: slow\n    value: 6.0\n    commit: abc1234\n"))
    bench_yaml = data / "toy/benchmark.yaml"
    text = bench_yaml.read_text()
    policy = Policy(ignore=("python", "toylib"))
    for pinned in ("abc1234", "ABC1234", "abc1234deadbeef"):  # the same commit, spelled shorter, longer, upper case
        bench_yaml.write_text(text.replace("ref: abc1234}", f"ref: {pinned}}}"))
        assert _stale_in(data, policy) == {}, f"a result measured at the pinned commit ({pinned}) is current"
    bench_yaml.write_text(text.replace("ref: abc1234}", "ref: def5678}"))
    assert _stale_in(data, policy) == {"slow@2024-02-01": "measured at commit abc1234, the entry now names def5678"}


IDENTITY_ROOT = """\
title: Identity
metric: {label: Time, unit: s, direction: lower}
measurement: {description: Wall time.}
implementations:
  - id: one
    name: One
    commands: [one --fast]
    env: {MODE: quick}
    run: {wall: {}}
"""


def test_a_result_with_an_identity_is_stale_once_its_entry_changes(tmp_path: Path) -> None:
    """A measured result carries the identity hash of the entry it ran (commands, environment, set-up, patches,
    log reading); an edit to any of them makes it stale, and an edit elsewhere (its name) does not."""
    data = tmp_path / "data"
    (data / "ident/results").mkdir(parents=True)
    bench_yaml = data / "ident/benchmark.yaml"
    bench_yaml.write_text(IDENTITY_ROOT)
    bench, problems = load_benchmark(data, "ident")
    assert bench is not None and problems == [], problems
    impl = bench.implementation("one")
    assert impl is not None
    digest = identity(bench, impl, None, None)
    (data / "ident/results/r.yaml").write_text(
        "results:\n  - implementation: one\n    value: 1.0\n    recorded: 2024-02-01\n    status: measured\n"
        f"    provenance: {{by: test}}\n    identity: {digest}\n")
    reason = ("its implementation's entry (commands, environment, set-up, patches or log reading) changed after "
              "it was measured")
    assert _stale_in(data, Policy(), "ident") == {}, "the entry it was measured with"
    bench_yaml.write_text(IDENTITY_ROOT.replace("name: One", "name: One renamed"))
    assert _stale_in(data, Policy(), "ident") == {}, "the display name is not part of what ran"
    for old, new in (("one --fast", "one --slow"), ("MODE: quick", "MODE: thorough")):
        bench_yaml.write_text(IDENTITY_ROOT.replace(old, new))
        assert _stale_in(data, Policy(), "ident") == {"one@2024-02-01": reason}, new



@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_stale_rows_are_marked_and_warned(make_app: Callable[..., SphinxTestApp],
                                          project: Callable[..., Path], builder: str) -> None:
    src = project("basic", f"basic-{builder}")
    app = make_app(builder, srcdir=src, confoverrides={"benchbench_current_versions": {"python": "3.13"}})
    app.build()
    warnings = app.warning.getvalue()
    results = src / "data/toy/results/2024-02-01.yaml"
    assert f"{results}:2: WARNING: stale result of alpha: recorded with Python 3.11 (now 3.13, from conf.py)" \
        in warnings
    assert "refresh with: python -m runners.run toy alpha [benchbench.stale]" in warnings
    assert warnings.count("[benchbench.stale]") == 4, "one per stale row shown, once although two pages show them"
    if builder == "html":
        page = html(app.outdir / "index.html")
        markers = page.select("table.bb-table abbr.bb-stale")
        assert len(markers) == 4
        assert markers[0]["tabindex"] == "0" and "Python 3.11 (now 3.13" in markers[0]["title"]
        assert "4 of 5 results are stale" in page.select_one("div.bb-stale-note").get_text(" ")
    elif builder == "text":
        text = (app.outdir / "index.txt").read_text(encoding="utf-8")
        assert "* **Tie B**: recorded with Python 3.11 (now 3.13, from conf.py)." in text, "every reason printed"
        assert "4 of 5 results are stale" in text
    else:
        tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
        assert "stale" in tex and "now 3.13, from conf.py" in tex


def test_stale_warnings_are_suppressible_alone(make_app: Callable[..., SphinxTestApp],
                                              project: Callable[..., Path]) -> None:
    src = project("basic")
    (src / "data/logos.yaml").write_text((src / "data/logos.yaml").read_text().replace("alpha.svg", "gone.svg"))
    app = make_app("html", srcdir=src, confoverrides={"benchbench_current_versions": {"python": "3.13"},
                                                      "suppress_warnings": ["benchbench.stale"]})
    app.build()
    warnings = app.warning.getvalue()
    assert "[benchbench.stale]" not in warnings
    assert "[benchbench.data]" in warnings, "other warnings stay"


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinx_benchbench", "check", *args],
                          capture_output=True, text=True, cwd=REPO, check=False)


def test_check_cli_exit_codes_and_json(tmp_path: Path) -> None:
    clean = check(str(TOY), "--current", "python=3.12", "--current", "toylib=1.1")
    assert clean.returncode == 1, "alpha's January result is history, but tie-b's python 3.11 is older than 3.12"
    conf = tmp_path / "conf.py"
    conf.write_text('benchbench_staleness = {"ignore": ["python", "toylib"]}\n')
    ok = check(str(TOY), "--conf", str(conf))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no invalid or stale results" in ok.stdout
    out = check(str(TOY), "--json", "--current", "python=3.13")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["invalid"] == []
    assert {s["implementation"] for s in report["stale"]} == {"alpha", "tie-b", "tie-a", "slow"}
    assert all(s["refresh"].startswith("python -m runners.run toy ") for s in report["stale"])
    data = tmp_path / "data"
    shutil.copytree(TOY, data)
    (data / "toy/results/2024-02-01.yaml").write_text("results: [\n")
    broken = check(str(data), "--conf", str(conf))
    assert broken.returncode == 3 and "invalid: YAML syntax error" in broken.stdout
    assert check(str(tmp_path / "none")).returncode == 2
    assert check(str(TOY), "--current", "nonsense").returncode == 2


def test_check_cli_reports_a_conf_py_that_raises(tmp_path: Path) -> None:
    """A conf.py that raises is reported as unreadable, by name, with its error (status 2, no traceback)."""
    conf = tmp_path / "conf.py"
    conf.write_text('raise RuntimeError("broken conf")\n')
    broken = check(str(TOY), "--conf", str(conf))
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr == f"error: {conf}: cannot read: broken conf\n"
