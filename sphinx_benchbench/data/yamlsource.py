"""Safe YAML loading that remembers where every value came from.

Every problem in a data file must be reported at its file and line, and the
validator runs long after PyYAML has thrown its marks away.  So instead of
``yaml.safe_load`` we let PyYAML *compose* the node graph (which keeps marks and
never executes tags) and build plain Python values ourselves: mappings become
:class:`LMap` and sequences :class:`LList`, which carry the line of each key and
item.  Building it ourselves also lets us refuse what ``safe_load`` would
quietly accept or choke on: duplicate keys, non-standard tags such as
``!!python/object``, recursive anchors and alias bombs.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml

from .paths import NotRegularFile, read_regular

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "DataError", "LList", "LMap", "Unreadable", "load_yaml", "not_text",
           "read_text"]

#: Upper bound on values built from one file, aliases expanded.  Real data files
#: hold a few hundred; a "billion laughs" document is stopped here, cheaply.
MAX_NODES = 100_000
#: Largest data file read, in bytes.  A results file of a thousand runs is tens of
#: kilobytes; parsing hundreds of megabytes would stall a docs build for minutes.
MAX_BYTES = 8 * 1024 * 1024
#: Deepest nesting of lists and mappings.  The format needs five levels; PyYAML's
#: composer recurses once per level and would hit Python's recursion limit.
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
#: Numbers that Python's ``float`` and ``int`` read as YAML 1.1 (and PyYAML) does: decimal, with a
#: dot for a float, no underscores, no leading zero for an integer (that is octal) and at most 18
#: digits (Python's limit on digits is then out of reach).
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?\Z")
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")
_SCALAR_TAGS = {
    _STR,
    _INT,
    _FLOAT,
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    # Dates stay text (YYYY-MM-DD); the model parses them with their precision.
    _TIMESTAMP,
}
#: Tags of plain scalars already resolved, by text (see :class:`_Loader`), and the bounds that keep
#: it to the short texts that repeat (keys, ids, enums, dates, versions).
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_MAX = 20_000
_PLAIN_TEXT_MAX = 40


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """LibYAML's parser when PyYAML was built with it (about 10x faster): it gives the same nodes
    and marks, and composing never constructs or runs anything.

    The tag of a plain scalar is remembered by its text.  PyYAML's resolver is Python, called for
    every node (350,000 times for 10,000 results), and tries its regular expressions each time; for
    a plain scalar its answer depends on the text alone (``SafeLoader`` has no path resolvers), so
    the memo is exact.  It took a quarter of composing.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return _SEQ if kind is yaml.SequenceNode else _MAP  # no path resolvers: the defaults
        if not implicit[0]:
            return _STR  # quoted, or a block scalar: text
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(value) <= _PLAIN_TEXT_MAX and len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
                _PLAIN_TAGS[value] = tag
        return tag

_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class DataError(Exception):
    """A problem in a data file, located at a file and 1-based line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def __reduce__(self) -> tuple[type[DataError], tuple[str, int | None, str]]:
        # Kept in the cache of converted files (:mod:`.cache`): a frozen dataclass exception
        # would otherwise unpickle by assigning its fields, which it refuses.
        return DataError, (self.path, self.line, self.message)

    @property
    def location(self) -> str:
        """``path:line`` as Sphinx and editors understand it."""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Unreadable:
    """A scalar that could not be built; the validator reports ``message`` at its key and drops it."""

    message: str


class LMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _Builder:
    """Turns a composed node graph into located Python values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0
        self.depth = 0
        self.active: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def error(self, node: yaml.Node, message: str) -> DataError:
        return DataError(self.path, node.start_mark.line + 1, message)

    def build(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(
                node,
                f"more than {MAX_NODES} values once aliases are expanded "
                "(an alias bomb?); refusing to load this file",
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise self.error(node, "an alias refers to itself (recursive anchor)")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(node, f"lists and mappings nested more than {MAX_DEPTH} deep; refusing to load this file")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self.sequence(node)
            assert isinstance(node, yaml.MappingNode)  # the other two kinds of node are handled above
            return self.mapping(node)
        finally:
            self.active.discard(id(node))
            self.depth -= 1

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise self.error(
                node,
                f"tag {_short(tag)} is not allowed: data files are loaded "
                "safely and hold only strings, numbers, booleans, lists and mappings",
            )
        value = node.value
        if tag in (_STR, _TIMESTAMP):
            bad = not_text(value)
            if bad:
                return Unreadable(f"contains {bad}, which is not text")
            return _shared(value)
        # The numbers of a results file, without PyYAML's constructors (a fifth of building): these
        # forms mean to YAML what they mean to Python; any other (1_000, 0x1f, 017, 1:30, .inf) is
        # left to PyYAML.
        if tag == _FLOAT and _PLAIN_FLOAT.match(value):
            return float(value)
        if tag == _INT and _PLAIN_INT.match(value):
            return int(value)
        try:
            return self.constructor.construct_object(node)
        except (ValueError, KeyError, IndexError, TypeError, yaml.YAMLError):
            # PyYAML's constructors assume the resolver chose them: an explicit tag on the wrong
            # text ('!!int twelve', '!!bool maybe', '0b_') reaches them unchecked, and Python
            # refuses integers of more than 4300 digits.  The validator reports it at its key.
            digits = sum(c.isdigit() for c in value)
            if tag == _INT and digits > 1000:
                return Unreadable(f"a number of {digits} digits is too large")
            return Unreadable(f"{_short(tag)} {value[:40]!r} is not a valid {_short(tag)[2:]}")

    def sequence(self, node: yaml.SequenceNode) -> LList:
        if node.tag != _SEQ:
            raise self.error(node, f"tag {_short(node.tag)} is not allowed on a list")
        out = LList(self.build(item) for item in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [item.start_mark.line + 1 for item in node.value]
        return out

    def mapping(self, node: yaml.MappingNode) -> LMap:
        if node.tag != _MAP:
            raise self.error(node, f"tag {_short(node.tag)} is not allowed on a mapping")
        out = LMap()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        merged: list[LMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self.merge_sources(value_node))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise self.error(key_node, "mapping keys must be plain text")
            key = key_node.value
            bad = not_text(key)
            if bad:  # a key is echoed in messages ("unknown key"): it must not reach a terminal raw
                raise self.error(key_node, f"a key contains {bad}, which is not text")
            if key in out.key_lines:
                raise self.error(
                    key_node,
                    f"duplicate key {key!r} (first given on line {out.key_lines[key]})",
                )
            key = _shared(key)
            out.key_lines[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node)
        # Merge keys ("<<: *defaults") fill in what the mapping does not set itself.
        for source in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.key_lines[key] = source.key_lines[key]
        return out

    def merge_sources(self, node: yaml.Node) -> list[LMap]:
        value = self.build(node)
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, LMap) for s in sources):
            raise self.error(node, "'<<' merges only mappings or lists of mappings")
        return sources


def _shared(text: str) -> str:
    """One object for every occurrence of a short text (``sys.intern``).

    Ten thousand results repeat the same keys, ids, dates and versions: shared, they take
    memory once, and the data cache's pickles (which store a shared object once and refer to
    it after) load in a fraction of the time.  Long texts (notes, commands) are rarely
    repeated and are kept as they are.
    """
    return sys.intern(text) if len(text) <= 200 else text


def read_text(path: str) -> str:
    """The file's text, refusing what is too large or not UTF-8 (with the line of the bad byte).

    :raises DataError: located, as :func:`load_yaml` raises it.
    """
    try:
        data = read_regular(path, MAX_BYTES)
    except NotRegularFile as exc:
        raise DataError(path, None, "is a folder, not a file" if exc.folder else "is not a regular file") from None
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise DataError(path, None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB, the limit for a data file; "
                                    "refusing to read it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(path, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at column {column}") from None


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


#: Characters that are not text, which YAML's escapes ("\e", "\x08") let through: C0 and C1
#: controls but tab and line breaks (they colour terminals, clear screens and stop pdflatex),
#: and the bidirectional overrides and isolates that make text read other than it is.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def not_text(text: str) -> str | None:
    """The first character of ``text`` that is not text, named (``the control character U+001B``)."""
    bad = _NOT_TEXT.search(text)
    return f"the control character U+{ord(bad.group()):04X}" if bad else None


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def load_yaml(path: str | os.PathLike[str], text: str | None = None) -> Any:
    """Load one YAML document safely, returning :class:`LMap`/:class:`LList` trees.

    Raises :class:`DataError` (located) for unreadable files, syntax errors,
    several documents in one file, disallowed tags and alias bombs.  An empty
    file loads as ``None``.
    """
    path = os.fspath(path)
    if text is None:
        text = read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise DataError(path, line, f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character: its position is a character index
        line, column = _position(text, exc.position)
        character = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise DataError(path, line, f"control character {character!r} (column {column}) is not allowed in YAML"
                        ) from None
    except RecursionError:
        raise DataError(path, None, f"lists and mappings nested too deep (over {MAX_DEPTH} levels); refusing to "
                                    "load this file") from None
    except yaml.YAMLError as exc:
        raise DataError(path, None, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return None
    return _Builder(path).build(node)
