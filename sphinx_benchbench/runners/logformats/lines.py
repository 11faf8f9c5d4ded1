"""Turning a raw output line into the text a format reads: colours, controls, rank prefixes.

Launchers and log collectors wrap every line of a worker: Open MPI's
``--tag-output`` writes ``[1,3]<stdout>:`` (the rank second),
torch.distributed.elastic ``[rank3]:``, torchrun's ``--tee`` ``[default3]:``,
gloo-based horovodrun ``[3]<stderr>:``.  A collector then often puts its own
timestamp before that: ``kubectl logs --timestamps`` (and ``docker logs -t``)
an RFC 3339 stamp (``2020-08-19T02:29:30.23314712Z [1,0]<stdout>:...``, as in
tensorpack issue 1478), journald's short format ``Aug 19 02:29:30 host
python[123]: [rank1]: ...``.  The prefix is recognised in both places, so that
another rank's copy of a progress line is never read as rank 0's: when every
worker prints its own progress, counting them all would go back and forth, and
a search-based format would take whichever copy came first.

Also here: what a line that *looks like* progress is (for saying why a log
was not recognised) and how messages quote a line.
"""

from __future__ import annotations

import re

__all__ = ["OTHER_RANK", "clean", "clean_line", "looks_like_progress", "progress_excerpt", "quote", "rank_of"]

# CSI sequences (colours, cursor movement such as tqdm's "\x1b[A"), OSC
# sequences (terminal titles) and two-character escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Remaining C0 controls except TAB, e.g. the backspaces Keras' Progbar writes
# before redrawing ("\b" * width + "\r"), and U+FEFF, the byte-order mark a
# Windows tool puts before a file's first line (and that a concatenation
# leaves in the middle).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufeff]")
_PREFIX = (r"(?:\[(?:\d+,(?P<mpi>\d+)|(?P<plain>\d+))\]<std(?:out|err)>"
           r"|\[(?:rank(?P<rank>\d+)|default(?P<default>\d+))\]):\s?")
# A collector's timestamp before the prefix: RFC 3339 / ISO 8601 (kubectl, docker, CI runners), optionally
# bracketed, or journald's / syslog's 'Mon DD HH:MM:SS host ident[pid]:'.
_COLLECTOR = (r"(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?"
              r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?: \S+ [^\s:\[]+(?:\[\d+\])?:)?)\s+")
_RANK = re.compile(rf"^\s*(?:{_COLLECTOR})?{_PREFIX}")

#: What :func:`clean` returns for a line of another rank (distinct from ``None``, a line with no text).
OTHER_RANK = "\x00other rank"


def rank_of(line: str) -> tuple[int, int] | None:
    """The rank a launcher's prefix names, and where the worker's own text starts; ``None`` without one."""
    m = _RANK.match(line)
    if m is None:
        return None
    worker = next(int(v) for v in m.groupdict().values() if v is not None)
    return worker, m.end()


def clean(line: str, rank: int = 0) -> str | None:
    """Strip colours, control characters, blanks and a launcher's rank prefix (after a collector's stamp too).

    ``None`` for a line from another rank than ``rank``; :func:`clean_line`
    tells the two kinds of ``None`` apart for callers that report them.
    """
    text = clean_line(line, rank)
    return None if text == OTHER_RANK else text


def clean_line(line: str, rank: int = 0) -> str:
    """As :func:`clean`, but :data:`OTHER_RANK` for another rank's line and ``""`` for an empty one."""
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    line = _CONTROL.sub("", line).strip()
    found = rank_of(line)
    if found is not None:
        worker, end = found
        if worker != rank:
            return OTHER_RANK
        line = line[end:].strip()
    return line


# A count word followed by a number ('iter: 400', 'Epoch: [0', 'Epoch 16', 'Batch [20'), a bracketed
# fraction ('[ 50/7329]'), or a progress bar's 'n/total [' (Keras) or '|n/total[' (tqdm).
_PROGRESS_LIKE = re.compile(
    r"(?i)\b(?:iter(?:ation)?s?|epoch|step|batch)\b[^\w\n]{0,4}\d"
    r"|\[\s*\d+\s*/\s*\d+\s*\]"
    r"|(?:^|\|)\s*\d+/\d+\s*\["
)


def looks_like_progress(text: str) -> bool:
    """Whether a cleaned line looks like a training progress line of some logger (for refusal messages)."""
    return _PROGRESS_LIKE.search(text) is not None


def progress_excerpt(line: str, limit: int = 200) -> str:
    """A look-alike line quoted from a little before what made it look like progress (which quote() keeps)."""
    m = _PROGRESS_LIKE.search(line)
    at = max(0, m.start() - 40) if m is not None else 0
    return quote(("..." if at else "") + line[at:], limit)


def quote(line: str, limit: int = 200) -> str:
    """A line as messages quote it: its repr (escaped), shortened in the middle when long."""
    text = repr(line)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-limit // 2:]}"
