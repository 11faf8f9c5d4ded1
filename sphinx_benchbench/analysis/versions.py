"""The current releases, as recorded data: ``data/versions.yaml``.

"Current" must not mean "whatever the machine building the docs has":
the same commit would then give different pages (and warnings) on Python 3.11
and 3.13.  So the latest releases are asked of the package index by
``python -m sphinx_benchbench versions --update`` and written here with the
date they were asked, reviewed in a pull request like any other data, and
read by every build and every ``check`` the same way, offline.

The file::

    schema: 1
    as_of: 2026-11-20           # when the index was asked (YYYY-MM-DD, or YYYY-MM)
    index: https://pypi.org/pypi
    versions:
      torch: "2.15.0"
      tensorflow: "2.21.0"

A problem in it is reported at its line and leaves the file out; staleness
then falls back to what conf.py says and to the newest recorded versions.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from ..data.convert import Converter
from ..data.model.fields import _f, _req
from ..data.model.kinds import DateText, Url
from ..data.model.values import moment
from ..data.paths import OUTSIDE, inside
from ..data.yamlsource import DataError, LMap, load_yaml

__all__ = ["VERSIONS_FILE", "RecordedVersions", "VersionsFile", "as_of_words", "date_words", "load_versions",
           "valid_name"]

#: The file's name in the data folder.
VERSIONS_FILE = "versions.yaml"

#: A distribution name as PEP 508 allows it.  A name is part of the index's URL, so
#: nothing else (``../``, ``?``, ``%``) may reach it.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?")


def valid_name(name: str) -> bool:
    """Whether ``name`` is a distribution name (and so safe in the index's URL)."""
    return _NAME.fullmatch(name) is not None


@dataclass(frozen=True)
class VersionsFile:
    """``data/versions.yaml``: the latest release of each tracked package, and when that was true."""

    as_of: DateText = _req("When the package index was asked (YYYY-MM-DD, or YYYY-MM).")
    versions: dict[str, str] = _req("The latest release of each package, by its distribution name.")
    index: Url | None = _f("The package index asked (PyPI's JSON API, or a mirror of it).")
    schema: int = _f("Version of this file's format.", 1)


@dataclass(frozen=True)
class RecordedVersions:
    """The current releases read from the data folder, with where each one is written."""

    as_of: str
    versions: dict[str, str]
    path: str
    index: str | None = None
    #: Line of each package's entry, for warnings about it.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def date(self) -> dt.date:
        """The day they were current (the first of the month when only the month is known)."""
        return moment(self.as_of).date()


#: What Babel's data says for ``en`` (``format_date(..., "%B", language="en")``); a test compares them.
_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December")


def date_words(date: dt.date, with_day: bool, language: str | None = None) -> str:
    """``November 2026`` or ``20 November 2026``, as the page says dates, in ``language``.

    The month's name comes from Babel's data for the site's ``language`` (conf.py),
    never from the process locale: the same data gives the same page on every
    machine.  ``None`` is English, whose names are written here: loading Babel's data
    for them cost more than the rest of a page's environment.
    """
    if language in (None, "en"):
        month = _ENGLISH_MONTHS[date.month - 1]
        return f"{date.day} {month} {date.year}" if with_day else f"{month} {date.year}"
    from sphinx.util.i18n import format_date  # imports Babel's date data: only when a date is said

    return format_date("%-d %B %Y" if with_day else "%B %Y", date=date,  # type: ignore[arg-type]
                       language=language or "en")


def as_of_words(as_of: str, language: str | None = None) -> str:
    """``November 2026`` or ``20 November 2026`` (a ``YYYY-MM`` date says no day), in ``language``."""
    return date_words(moment(as_of).date(), len(as_of) != 7, language)


def load_versions(data_dir: str | os.PathLike[str]) -> tuple[RecordedVersions | None, list[DataError]]:
    """``versions.yaml`` of ``data_dir``: ``(None, [])`` when there is none, ``(None, problems)`` when it is bad.

    A bad entry (a name that is not a distribution's) is reported and left out;
    the rest of the file still counts.
    """
    path = os.path.join(os.fspath(data_dir), VERSIONS_FILE)
    if not os.path.lexists(path):
        return None, []
    if not inside(os.fspath(data_dir), path):
        return None, [DataError(path, None, OUTSIDE)]
    try:
        raw = load_yaml(path)
    except DataError as exc:
        return None, [exc]
    conv = Converter(path, os.fspath(data_dir), {})
    loaded = conv.convert(VersionsFile, raw)
    problems = list(conv.problems)
    if loaded is None:
        return None, problems
    if loaded.schema != 1:
        return None, [*problems, DataError(path, _line(raw, "schema"), f"schema {loaded.schema} is not known "
                                                                        "(this version reads schema 1)")]
    entries = raw.get("versions") if isinstance(raw, LMap) else None
    lines = {k: entries.line_of(k) for k in loaded.versions} if isinstance(entries, LMap) else {}
    versions = {}
    for name, version in loaded.versions.items():
        if valid_name(name):
            versions[name.lower()] = version
        else:
            problems.append(DataError(path, lines.get(name), f"versions: {name!r} is not a package name"))
    return RecordedVersions(loaded.as_of, versions, path, loaded.index,
                            {k.lower(): v for k, v in lines.items()}), problems


def _line(raw: object, key: str) -> int | None:
    return raw.line_of(key) if isinstance(raw, LMap) else None
