"""The extension's words in the site's language: its own Sphinx message catalog.

Every label the extension writes into a page (table headers, the stale note,
the environment's labels, chart titles and descriptions, "(click to
expand)") goes through :func:`_` when the page is rendered, so the site's
``language`` picks them; with ``en``, or a language without a catalog, the
English msgid itself is the text.  Messages use named ``{fields}``
(``str.format``), so a translation may reorder them; ``tests/test_i18n.py``
checks that every translation keeps its msgid's fields.  Warnings stay in
English: they go to logs and are searched for.

The catalog is ``sphinx_benchbench/locale/<language>/LC_MESSAGES/sphinx_benchbench.mo``;
``tools/update-translations.py`` extracts the ``.pot``, merges it into each
``.po`` and compiles the ``.mo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx import locale
from sphinx.locale import get_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["LOCALE_DIR", "MESSAGE_CATALOG_NAME", "_", "setup_i18n"]

#: The name of the ``.pot``, ``.po`` and ``.mo`` files (and of the catalog in Sphinx).
MESSAGE_CATALOG_NAME = "sphinx_benchbench"
#: Where the catalogs are shipped, inside the package.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_translate = get_translation(MESSAGE_CATALOG_NAME)


def _(message: str) -> str:
    """``message`` in the site's language, as a plain ``str``.

    Sphinx's function returns a lazy proxy while no application has
    registered the catalog (a renderer used outside a build); ``str()`` of it
    is the English message, so callers may always ``.format`` the result.
    """
    return str(_translate(message))


def setup_i18n(app: Sphinx) -> None:
    """Register the catalog: Sphinx loads the ``.mo`` of the configured ``language``.

    Sphinx keeps one translator per catalog for the whole process and merges
    every later registration into it, so a second application in the same
    process (a test, a server rebuilding the docs in another language) would
    keep the first one's language.  Each application starts from its own.
    """
    locale.translators.pop(("general", MESSAGE_CATALOG_NAME), None)
    app.add_message_catalog(MESSAGE_CATALOG_NAME, str(LOCALE_DIR))
