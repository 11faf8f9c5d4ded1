"""The page in the site's language: French labels and dates with ``language = "fr"``, English without,
and shipped message catalogs that cannot drift from the code or from each other.

Real Sphinx builds of the basic test root; the catalog checks read the files
the wheel ships (``sphinx_benchbench/locale/``).
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import io
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from sphinx_benchbench.analysis.versions import as_of_words
from sphinx_benchbench.sphinxext.i18n import LOCALE_DIR, MESSAGE_CATALOG_NAME

from .conftest import REPO, html

#: Four of the five rows stale: the status column, its markers and the note are on the page.
SOME_STALE = {"benchbench_current_versions": {"python": "3.13"}}
POT = LOCALE_DIR / f"{MESSAGE_CATALOG_NAME}.pot"
FR_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{MESSAGE_CATALOG_NAME}.po"
_FIELDS = re.compile(r"\{(\w*)\}")


def _page(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path], language: str | None,
          name: str) -> tuple[str, BeautifulSoup]:
    """The built index page of the basic root, as text and parsed."""
    conf: dict[str, object] = {**SOME_STALE, **({"language": language} if language else {})}
    app = make_app("html", srcdir=project("basic", name), confoverrides=conf)
    app.build()
    path = app.outdir / "index.html"
    return path.read_text(encoding="utf-8"), html(path)


def test_a_french_site_says_its_labels_and_dates_in_french(make_app: Callable[..., SphinxTestApp],
                                                          project: Callable[..., Path]) -> None:
    page, soup = _page(make_app, project, "fr", "fr")
    table = soup.select_one("table.bb-table")
    headers = [th.get_text(strip=True) for th in table.select("th")]
    assert headers[1] == "Implémentation"
    assert headers[3] == "Par rapport à Slow <i>one</i>"
    assert headers[-1] == "État"
    marker = table.select_one("abbr.bb-stale")
    assert marker.get_text() == "périmé" and marker["aria-label"].startswith("périmé : ")
    assert "enregistré avec Python 3.11 (maintenant 3.13, selon conf.py)" in marker["aria-label"], "its reason too"
    environment = [li.get_text(" ", strip=True) for li in soup.select("ul.bb-environment > li")]
    assert environment[0].startswith("Matériel :"), environment
    # Dates by Babel's French data, not by the machine's locale: the month's name, lower-case.
    measured = next(item for item in environment if item.startswith("Mesures :"))
    assert "1 février 2024" in measured and "mesuré par the toy team" in measured
    note = soup.select_one("div.bb-stale-note").get_text(" ")
    assert "4 résultats sur 5 sont périmés (signalés dans la colonne État)" in note
    assert "(relevé : mars 2024)" in note
    assert "(cliquer pour déplier)" in soup.select_one("details.bb-patch summary").get_text()
    assert soup.select_one("p.bb-downloads").get_text().startswith("Données : CSV")
    assert soup.select_one("svg.bb-chart desc").get_text().startswith("Diagramme en barres")
    assert "(périmé)" in str(soup.select_one("svg.bb-chart"))
    assert "enregistré avec Python 3.11 (maintenant 3.13, selon conf.py)" in note, "the note's reasons too"
    for english in ("Implementation", "Relative to", "Hardware:", "(click to expand)", "February 2024",
                    "March 2024", "results are stale", "recorded with", "(now ", "from conf.py"):
        assert english not in page, english


def test_an_english_site_stays_english_after_a_french_build_in_the_same_process(
        make_app: Callable[..., SphinxTestApp], project: Callable[..., Path]) -> None:
    """Sphinx keeps one translator per catalog per process: the second application must not inherit the
    first one's language (a server or a test building twice)."""
    assert "Implémentation" in _page(make_app, project, "fr", "fr-first")[0]
    page, soup = _page(make_app, project, None, "en-after")
    headers = [th.get_text(strip=True) for th in soup.select_one("table.bb-table").select("th")]
    assert headers[1] == "Implementation" and headers[-1] == "Status"
    assert "1 February 2024" in soup.select_one("ul.bb-environment").get_text(" ")
    assert "(click to expand)" in page and "as of March 2024" in page
    assert "périmé" not in page and "février" not in page


@pytest.mark.parametrize(("language", "month", "day"), [
    (None, "November 2026", "3 November 2026"),
    ("en", "November 2026", "3 November 2026"),
    ("fr", "novembre 2026", "3 novembre 2026"),
    ("de", "November 2026", "3 November 2026"),
    ("es", "noviembre 2026", "3 noviembre 2026"),
])
def test_dates_are_said_in_the_configured_language(language: str | None, month: str, day: str) -> None:
    assert as_of_words("2026-11", language) == month
    assert as_of_words("2026-11-03", language) == day


def test_dates_do_not_follow_the_machine_locale() -> None:
    """``strftime("%B")`` said the month in the build machine's locale (sphinx-build sets it from the
    environment): the same site gave other pages elsewhere."""
    import locale

    saved = locale.setlocale(locale.LC_TIME)
    for candidate in ("fr_FR.UTF-8", "de_DE.UTF-8", "es_ES.UTF-8", "fr_FR.utf8", "de_DE.utf8"):
        try:
            locale.setlocale(locale.LC_TIME, candidate)
        except locale.Error:
            continue
        try:
            assert as_of_words("2026-03", "en") == "March 2026"
            assert as_of_words("2026-03", "fr") == "mars 2026"
        finally:
            locale.setlocale(locale.LC_TIME, saved)
        return
    pytest.skip("no French, German or Spanish locale installed on this machine")


# -- the shipped catalogs ------------------------------------------------------------------------


def _code_messages() -> dict[str, str]:
    """Every ``_("...")`` message in the extension's code, read from its syntax tree (f-strings included,
    which Babel's extractor does not see into), with where it is."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "sphinx_benchbench").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str), f"{where}: _() of something else than a literal"
                found.setdefault(node.args[0].value, where)
    return found


def _catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        catalog = read_po(f)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def test_every_message_of_the_code_is_in_the_template_and_nothing_else() -> None:
    code = _code_messages()
    assert len(code) > 50, "the scan found the extension's messages"
    template = set(_catalog(POT))
    missing = {msg: where for msg, where in code.items() if msg not in template}
    assert missing == {}, "run tools/update-translations.py: messages not in the .pot"
    assert template - set(code) == set(), "run tools/update-translations.py: the .pot has messages the code lost"


def test_the_french_translation_is_complete_and_keeps_every_field() -> None:
    template = _catalog(POT)
    french = _catalog(FR_PO)
    assert set(french) == set(template)
    untranslated = [msgid for msgid, msgstr in french.items() if not msgstr]
    assert untranslated == []
    # A translation that drops or renames a {field} would fail with KeyError in the build.
    wrong = {msgid: msgstr for msgid, msgstr in french.items()
             if sorted(_FIELDS.findall(msgid)) != sorted(_FIELDS.findall(msgstr))}
    assert wrong == {}


def test_the_shipped_mo_is_the_shipped_po_compiled() -> None:
    with FR_PO.open("rb") as f:
        po = read_po(f)
    with FR_PO.with_suffix(".mo").open("rb") as f:
        mo = read_mo(f)
    translated = {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}
    compiled = {str(m.id): str(m.string) for m in mo if m.id}
    assert compiled == translated, "run tools/update-translations.py: the .mo is not the .po compiled"
    assert str(mo.locale) == "fr"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_translations", REPO / "tools/update-translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_update_script_finds_nothing_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    """The script's own check: extraction (Babel's), merge and compilation give the shipped files."""
    assert _tool().main(["--check"]) == 0, capsys.readouterr().out


def test_the_script_compiles_what_the_po_says(tmp_path: Path) -> None:
    """The .mo the script writes is read by gettext as the .po says (the bytes Sphinx loads)."""
    import gettext

    planned = _tool().plan()
    mo = planned[FR_PO.with_suffix(".mo")]
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    assert translations.gettext("Relative to {name}") == "Par rapport à {name}"
    assert translations.gettext("(click to expand)") == "(cliquer pour déplier)"


@pytest.mark.parametrize("with_day", [False, True])
def test_english_dates_written_without_babel_match_babel(with_day: bool) -> None:
    """English is said without loading Babel's data (it cost a page more than the rest of its
    environment); what it says must be what Babel says, for every month."""
    from sphinx.util.i18n import format_date

    from sphinx_benchbench.analysis.versions import date_words

    for month in range(1, 13):
        date = dt.date(2026, month, 9 if month % 2 else 23)
        babel = format_date("%-d %B %Y" if with_day else "%B %Y", date=date, language="en")  # type: ignore[arg-type]
        assert date_words(date, with_day, None) == date_words(date, with_day, "en") == babel


def test_a_benchmark_that_cannot_be_shown_is_said_so_in_the_sites_language(
        make_app: Callable[..., SphinxTestApp], project: Callable[..., Path]) -> None:
    src = project("basic", "fr-missing")
    (src / "missing.rst").write_text("Absent\n======\n\n.. benchmark-table:: nope\n", encoding="utf-8")
    app = make_app("html", srcdir=src, confoverrides={"language": "fr"})
    app.build()
    error = html(app.outdir / "missing.html").select_one("p.bb-error")
    # Smart quotes: French apostrophes.
    assert error.get_text() == ("Le banc d\u2019essai nope n\u2019a pas pu être affiché ; voir le journal de "
                                "construction.")
    assert error.select_one("code").get_text() == "nope"
    assert "unknown benchmark 'nope'" in app.warning.getvalue(), "the warning stays English, for logs"
