#!/usr/bin/env python3
"""Extract the extension's messages, merge them into each translation and compile it.

Why a script and not ``pybabel extract/update/compile``: the three steps must
run together, with the same options, or the shipped files drift apart (a new
label left out of the ``.pot``, a ``.po`` edited but its ``.mo`` not
recompiled).  ``tests/test_i18n.py`` checks that they have not.

The messages are the ``_("...")`` calls under ``sphinx_benchbench/sphinxext/``
(see its ``i18n.py``) and ``sphinx_benchbench/analysis/`` (the stale reasons,
which take the translator as their ``_``).  They use ``str.format`` fields, never ``%``, so the
``python-format`` flag Babel guesses from a ``%`` in the text ("95 %") is
dropped.  Files are rewritten only when more than their creation date would
change, so a run with nothing new leaves the tree clean.

Usage (from the repository root)::

    python tools/update-translations.py          # update .pot, merge into each .po, compile each .mo
    python tools/update-translations.py --check  # exit 1 if any of them is out of date

A new language: ``mkdir -p sphinx_benchbench/locale/<lang>/LC_MESSAGES`` and
run the script; it starts ``sphinx_benchbench.po`` there from the ``.pot``.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "sphinx_benchbench"
#: The modules whose words reach a page, as patterns under the package.
WORDED = ["sphinxext/**.py", "analysis/**.py"]
LOCALE = PACKAGE / "locale"
DOMAIN = "sphinx_benchbench"
POT = LOCALE / f"{DOMAIN}.pot"

#: Header fields that change at every run without anything having changed.
_VOLATILE_KEYS = ("POT-Creation-Date", "PO-Revision-Date", "Generated-By")
_VOLATILE = re.compile(rf'^"({"|".join(_VOLATILE_KEYS)}): .*\\n"$', re.MULTILINE)


def _version() -> str:
    text = (PACKAGE / "_version.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    return found.group(1) if found else "0"


def extract() -> Catalog:
    """The template: every ``_()`` message of the extension, with the files it is in."""
    catalog = Catalog(project="sphinx-benchbench", version=_version(), domain=DOMAIN, fuzzy=False,
                      copyright_holder="the sphinx-benchbench developers",
                      msgid_bugs_address="https://github.com/sphinx-benchbench/sphinx-benchbench/issues")
    found = extract_from_dir(str(PACKAGE), method_map=[(pattern, "python") for pattern in WORDED], keywords={"_": None},
                             comment_tags=("Translators:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        path = (PACKAGE / filename).relative_to(REPO).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    for message in catalog:
        message.flags.discard("python-format")
    # No year and no placeholder author: the header stays as it is from one run to the next.
    catalog.header_comment = ("# Translations template for sphinx-benchbench.\n"
                              "# Copyright (C) the sphinx-benchbench developers\n"
                              "# This file is distributed under the same license as the sphinx-benchbench project.\n#")
    return catalog


def po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No line numbers: they would change the files at every edit of the code around a message.
    write_po(out, catalog, width=100, include_lineno=False, sort_output=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _unchanged(path: Path, content: bytes) -> bool:
    """Whether ``path`` already says what ``content`` says (the headers' dates and Babel version aside)."""
    if not path.is_file():
        return False
    old = path.read_bytes()
    if old == content:
        return True
    if path.suffix == ".mo":
        def messages(data: bytes) -> tuple[object, ...]:
            catalog = read_mo(io.BytesIO(data))
            header = [(k, v) for k, v in catalog.mime_headers if k not in _VOLATILE_KEYS]
            return header, sorted((repr(m.context), repr(m.id), repr(m.string)) for m in catalog if m.id)

        return messages(old) == messages(content)
    return _VOLATILE.sub("", old.decode("utf-8")) == _VOLATILE.sub("", content.decode("utf-8"))


def plan() -> dict[Path, bytes]:
    """Every file this script writes, with the content it should have now."""
    template = extract()
    files = {POT: po_text(template)}
    for folder in sorted(p for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir()):
        po_path = folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po_path.is_file():
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=folder.name, domain=DOMAIN)
        else:
            catalog = Catalog(locale=folder.name, domain=DOMAIN, project=template.project, version=template.version)
        catalog.update(template, update_header_comment=False)
        catalog.version = template.version
        catalog.obsolete.clear()  # a message gone from the code is gone: git keeps its history
        for message in catalog:
            message.flags.discard("python-format")
        files[po_path] = po_text(catalog)
        # Compiled from what is written, so the .mo is exactly the shipped .po.
        files[po_path.with_suffix(".mo")] = mo_bytes(read_po(io.BytesIO(files[po_path]), locale=folder.name))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only say which files are out of date (exit 1 if any)")
    args = parser.parse_args(argv)
    wanted = plan()
    stale = [path for path, content in wanted.items() if not _unchanged(path, content)]
    for path in stale:
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted[path])
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(REPO)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
