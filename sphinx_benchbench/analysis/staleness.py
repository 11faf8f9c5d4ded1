"""Which results are stale, and why: older software, an edited entry, old age.

A result is compared with the *current* version of each package it recorded,
taken, in this order, from: ``benchbench_current_versions`` in conf.py; the
releases recorded in ``data/versions.yaml`` (:mod:`.versions`, dated); the
environment building the docs (``importlib.metadata``, and Python itself), but
only when a site opts in, since it makes the page depend on the machine that
builds it; the newest version of that package recorded by any result of the
same benchmark (a table mixing PyTorch 1.5 and 2.5 rows is no fair
comparison).  Versions are compared with :mod:`packaging`, never as strings.
An implementation released as a package (its ``source`` a release whose name
its ``run.packages`` lists) is compared the same way: detectron2 at v0.1.2 is
stale once a newer detectron2 is current.  A result is also stale when its
implementation's entry changed after it was measured (identity hash, or the
commit it names), or when it is older than ``max_age_days``.
"""

from __future__ import annotations

import datetime as dt
import functools
import platform
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from ..data.convert import Converter
from ..data.identity import identity
from ..data.model import Benchmark, Implementation, Result, StalenessPolicy, software_name
from .versions import RecordedVersions, as_of_words

__all__ = ["Current", "Installed", "Policy", "Reason", "Stale", "find_stale", "installed_version", "merge_policy",
           "origin_words", "other_words", "reason_words", "site_policy"]

#: Names people use for packages, mapped to the keys results record.
DEFAULT_ALIASES = {"pytorch": "torch", "tf": "tensorflow", "jaxlib": "jax", "mx": "mxnet", "yaml": "pyyaml"}


@dataclass(frozen=True)
class Policy:
    """A complete policy: the site's merged with a benchmark's own."""

    part: str = "minor"
    parts: Mapping[str, str] = field(default_factory=dict)
    track: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ALIASES))
    max_age_days: int | None = None

    def name(self, package: str) -> str:
        return self.aliases.get(package.lower(), package.lower())

    def tracks(self, package: str) -> bool:
        key = self.name(package)
        ignored = {self.name(p) for p in self.ignore}
        return key not in ignored and (self.track is None or key in {self.name(p) for p in self.track})


def site_policy(staleness: Mapping[str, object] | None, max_age_days: int | None,
                source: str) -> tuple[Policy, list[str]]:
    """The site's policy from conf.py's ``benchbench_staleness`` and ``benchbench_max_age_days``.

    ``max_age_days`` fills in the dict's own only when it has none.  Returns the
    policy and the problems found in the values (the defaults stand in for them).
    """
    raw = dict(staleness or {})
    if max_age_days is not None:
        raw.setdefault("max_age_days", max_age_days)
    conv = Converter(source, ".", {})
    own = conv.convert(StalenessPolicy, raw) if raw else None
    return merge_policy(Policy(), own), [p.message for p in conv.problems]


def merge_policy(base: Policy, own: StalenessPolicy | None) -> Policy:
    """``own`` (a benchmark's ``staleness``) over ``base``, key by key."""
    if own is None:
        return base
    return Policy(
        part=own.part or base.part,
        parts={**base.parts, **own.parts},
        track=tuple(own.track) if own.track is not None else base.track,
        ignore=(*base.ignore, *own.ignore),
        aliases={**base.aliases, **{k.lower(): v.lower() for k, v in own.aliases.items()}},
        max_age_days=own.max_age_days or base.max_age_days,
    )


@dataclass(frozen=True)
class Current:
    """The current version of a package and where it came from."""

    version: str
    #: ``conf``, ``index`` (the recorded releases), ``installed`` or ``newest`` (see :func:`origin_words`).
    origin: str
    #: What the origin's words name: the month the releases were recorded (``2026-11``), the benchmark.
    detail: str = ""

    @property
    def source(self) -> str:
        """Where it came from, in English (:func:`origin_words`)."""
        return origin_words(self)


@dataclass(frozen=True)
class Reason:
    """A reason other than older software, kept as its kind and facts so a page can say it in its language
    (:func:`other_words`)."""

    #: ``entry``, ``commit``, ``age`` or ``age-before``.
    code: str
    facts: tuple[tuple[str, str], ...] = ()


def _english(message: str) -> str:
    return message


def origin_words(current: Current, _: Callable[[str], str] = _english, language: str | None = None) -> str:
    """Where the current version came from, through ``_`` (the page's catalog; English by default)."""
    if current.origin == "conf":
        return _("from conf.py")
    if current.origin == "index":
        return _("the latest release as of {date}").format(date=as_of_words(current.detail, language))
    if current.origin == "installed":
        return _("installed where the docs are built")
    return _("the newest recorded for {benchmark}").format(benchmark=current.detail)


def other_words(reason: Reason, _: Callable[[str], str] = _english, language: str | None = None) -> str:
    """A reason other than older software, through ``_``."""
    facts = dict(reason.facts)
    if reason.code == "entry":
        return _("its implementation's entry (commands, environment, set-up, patches or log reading) changed "
                 "after it was measured")
    if reason.code == "commit":
        return _("measured at commit {commit}, the entry now names {pinned}").format(**facts)
    if reason.code == "age":
        return _("recorded {age} days ago, more than {limit}").format(**facts)
    return _("recorded {age} days before {date}, more than {limit}").format(
        age=facts["age"], limit=facts["limit"], date=as_of_words(facts["date"], language))


def reason_words(stale: Stale, _: Callable[[str], str] = _english, language: str | None = None) -> list[str]:
    """Every reason of a stale result, each a sentence: the older software in one, then the others.

    The one wording of them: warnings, the CLI and the downloads say it in English, a page through
    its catalog (``tools/update-translations.py`` extracts these messages too).
    """
    older = [_("{package} {version} (now {current}, {source})").format(
        package=software_name(pkg), version=version, current=current.version,
        source=origin_words(current, _, language)) for pkg, version, current in stale.older]
    reasons = [_("recorded with {software}").format(software=", ".join(older))] if older else []
    return reasons + [other_words(reason, _, language) for reason in stale.other]


@dataclass
class Stale:
    """A stale result, or a result whose versions could not be compared."""

    result: Result
    #: Packages whose versions could not be parsed (a data problem, not staleness).
    unparseable: list[str] = field(default_factory=list)
    #: The older software as ``(package, recorded version, current)``, so a page can group rows by cause.
    older: list[tuple[str, str, Current]] = field(default_factory=list)
    #: The reasons other than older software (an edited entry, old age), each a sentence of its own.
    other: list[Reason] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Every reason in English (:func:`reason_words`)."""
        return reason_words(self)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@functools.cache
def installed_version(package: str) -> str | None:
    """The version installed where the docs are built; what is installed does not change mid-build."""
    if package == "python":
        return platform.python_version()
    import importlib.metadata

    try:
        return importlib.metadata.version(package)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def _shortened(text: str, limit: int = 60) -> str:
    """A value as a message quotes it: a 5000-digit version is not repeated in full."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _parse(text: str) -> Version | None:
    try:
        return Version(text)
    except (InvalidVersion, ValueError):  # ValueError: a version of over 4300 digits
        return None


def _key(version: Version, part: str) -> tuple[int, ...]:
    release = (*version.release, 0, 0)
    return release[: {"major": 1, "minor": 2, "patch": 3}[part]]


def newer(current: Version, recorded: Version, part: str) -> bool:
    """Whether ``current`` is newer than ``recorded`` in the part that counts.

    Local labels (``+cu130``) never count; at ``patch`` level a final release
    is newer than its own pre-releases (1.15.0rc2 -> 1.15.0).
    """
    a, b = _key(current, part), _key(recorded, part)
    if a != b:
        return a > b
    return part == "patch" and Version(current.public) > Version(recorded.public)


#: Where the docs are built: a package's installed version, or ``None``.
Installed = Callable[[str], str | None]


def current_versions(bench: Benchmark, configured: Mapping[str, str], policy: Policy,
                     installed: Installed | None = None,
                     recorded: RecordedVersions | None = None) -> Callable[[str], Current | None]:
    """A lookup of each package's current version, by the documented precedence.

    ``installed`` (such as :func:`installed_version`) is consulted only when
    given: the site opted in to comparing with the machine building the docs.
    """
    conf = {policy.name(k): v for k, v in configured.items()}
    index = {policy.name(k): v for k, v in recorded.versions.items()} if recorded else {}
    newest: dict[str, tuple[Version, str]] = {}
    # Each (package, text) once, in the order first recorded: ten thousand results name a handful of
    # versions, and parsing one is the cost here.  The order keeps the first of equal versions.
    recorded_pairs = dict.fromkeys((pkg, text) for result in bench.results for pkg, text in result.software.items())
    for pkg, text in recorded_pairs:
        version = _parse(text)
        key = policy.name(pkg)
        if version is not None and (key not in newest or version > newest[key][0]):
            newest[key] = (version, text)
    cache: dict[str, Current | None] = {}

    def lookup(package: str) -> Current | None:
        key = policy.name(package)
        if key not in cache:
            if key in conf:
                cache[key] = Current(str(conf[key]), "conf")
            elif key in index:
                cache[key] = Current(index[key], "index", recorded.as_of if recorded else "")
            elif installed is not None and (found := installed(key)) is not None:
                cache[key] = Current(found, "installed")
            elif key in newest:
                cache[key] = Current(newest[key][1], "newest", bench.id)
            else:
                cache[key] = None
        return cache[key]

    return lookup


def find_stale(bench: Benchmark, results: list[Result], policy: Policy, configured: Mapping[str, str],
               today: dt.date | None = None, installed: Installed | None = None,
               recorded: RecordedVersions | None = None) -> list[Stale]:
    """The stale (or uncomparable) ones among ``results``, in order, with their reasons.

    ``today`` (for ``max_age_days``) defaults to the recorded versions' date when
    there are any, so the same data give the same page on any day; then to today.
    """
    before = ""  # the age is counted to the recorded releases' date, when there are any
    if today is None and recorded is not None:
        today, before = recorded.date, recorded.as_of
    today = today or dt.date.today()
    lookup = current_versions(bench, configured, policy, installed, recorded)
    out = []
    for result in results:
        stale = Stale(result)
        for pkg, text in _compared(bench, result, policy):
            if not policy.tracks(pkg):
                continue
            current = lookup(pkg)
            if current is None:
                continue
            then, now = _parse(text), _parse(current.version)
            if then is None or now is None:
                bad = text if then is None else current.version
                stale.unparseable.append(
                    f"{pkg} version {_shortened(bad)!r} cannot be compared (not a PEP 440 version)")
                continue
            part = policy.parts.get(policy.name(pkg), policy.part)
            if newer(now, then, part):
                stale.older.append((pkg, text, current))
        stale.other += _entry_changed(bench, result)
        if policy.max_age_days is not None:
            age = (today - result.date).days
            if age > policy.max_age_days:
                facts = (("age", str(age)), ("limit", str(policy.max_age_days)))
                stale.other.append(Reason("age-before", (*facts, ("date", before))) if before else Reason("age", facts))
        if stale.reasons or stale.unparseable:
            out.append(stale)
    return out


def _released_as(impl: Implementation | None, policy: Policy) -> tuple[str, str] | None:
    """``(package, version)`` when the implementation is a release of a package its run lists."""
    src = impl.source if impl else None
    if impl is None or src is None or src.kind != "release" or not src.ref or impl.run is None:
        return None
    names = {policy.name(p): p for p in impl.run.packages}
    package = names.get(policy.name(impl.id))
    return (package, src.ref) if package else None


def _compared(bench: Benchmark, result: Result, policy: Policy) -> list[tuple[str, str]]:
    """The recorded ``(package, version)`` pairs, with the implementation's own release when not recorded."""
    pairs = list(result.software.items())
    own = _released_as(bench.implementation(result.implementation), policy)
    if own and all(policy.name(p) != policy.name(own[0]) for p, _ in pairs):
        pairs.append(own)
    return pairs


def _entry_changed(bench: Benchmark, result: Result) -> list[Reason]:
    impl = bench.implementation(result.implementation)
    if impl is None:
        return []
    if result.identity:
        now = identity(bench, impl, result.commit, bench.hardware_of(result))
        if now != result.identity:
            return [Reason("entry")]
        return []
    pinned = impl.source.commit or impl.source.ref if impl.source else None
    if result.commit and pinned and impl.source and impl.source.kind == "commit":
        a, b = result.commit.lower(), pinned.lower()
        if not (a.startswith(b) or b.startswith(a)):
            return [Reason("commit", (("commit", result.commit), ("pinned", pinned)))]
    return []
