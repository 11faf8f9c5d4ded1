"""Asking a package index for a package's latest release (PyPI's JSON API, or a mirror of it).

``GET {index}/{name}/json`` answers ``{"info": {"version": ...}, "releases":
{version: [file, ...]}}``.  ``info.version`` is what the index calls the
latest; the releases are read too, so that a yanked release (every file
``"yanked": true``) or a pre-release never becomes "current".  What comes back
is data from the network: a version must be a short PEP 440 version of plain
text, or it is refused, and nothing else from the answer is kept.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from packaging.version import InvalidVersion, Version

from ..analysis.versions import valid_name
from ..data.yamlsource import not_text

__all__ = ["PYPI", "IndexProblem", "latest_release"]

#: PyPI's JSON API.
PYPI = "https://pypi.org/pypi"
#: Largest answer read: torch's JSON is a few MiB; more than this is not an index answering.
MAX_ANSWER = 64 * 1024 * 1024
#: Longest version accepted (PEP 440 allows any length; no real release is near this).
MAX_VERSION = 60


class IndexProblem(Exception):
    """The index could not say: unreachable, an error status, or an answer that is not its JSON."""


def _version(text: object) -> Version | None:
    if not isinstance(text, str) or len(text) > MAX_VERSION or not_text(text):
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _yanked(files: object) -> bool:
    """A release whose every file is yanked (a release with no files is not installable either)."""
    return not isinstance(files, list) or not files or all(isinstance(f, dict) and f.get("yanked") for f in files)


def newest(answer: dict[str, Any]) -> str | None:
    """The latest final, unyanked release in an index's answer, as the index spells it."""
    releases = answer.get("releases")
    found: list[tuple[Version, str]] = []
    if isinstance(releases, dict):
        for text, files in releases.items():
            version = _version(text)
            if version is not None and not version.is_prerelease and not _yanked(files):
                found.append((version, text))
    if found:
        return max(found)[1]
    info = answer.get("info")
    stated = info.get("version") if isinstance(info, dict) else None
    return stated if _version(stated) is not None else None


def latest_release(index: str, name: str, timeout: float = 30.0) -> str | None:
    """The latest release of ``name`` on ``index``; ``None`` when the index has no such package.

    :raises IndexProblem: when the index cannot be asked or does not answer with its JSON.
    """
    if not valid_name(name):
        raise IndexProblem(f"{name!r} is not a package name")
    url = f"{index.rstrip('/')}/{urllib.parse.quote(name)}/json"
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "sphinx-benchbench versions"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise IndexProblem(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise IndexProblem(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if len(body) > MAX_ANSWER:
        raise IndexProblem(f"{url}: answer larger than {MAX_ANSWER // (1024 * 1024)} MiB")
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise IndexProblem(f"{url}: the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise IndexProblem(f"{url}: the answer is not a JSON object")
    version = newest(answer)
    if version is None:
        raise IndexProblem(f"{url}: the answer names no usable release")
    return version
