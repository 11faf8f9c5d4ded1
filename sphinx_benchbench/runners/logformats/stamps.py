"""The time a log line was written, from the logger's own prefix.

A line's logged time is the same thing the runner's arrival stamp is: the
wall clock when the line was written.  Where a format's printed timing cannot
time a window (an excerpt that does not say where a cumulative mean starts,
say), these stamps still can, to their resolution.  The prefixes are those of
the loggers the formats use:

* ``2019-05-31 07:57:47,793`` -- Python's ``logging`` default (maskrcnn-benchmark,
  mmcv's mmdet logger), milliseconds;
* ``[03/15 07:48:04 d2.utils.events]`` -- detectron2's ``%m/%d %H:%M:%S``;
  mmengine's ``07/04 08:12:50 - mmengine``;
* ``[0807 19:53:34 @base.py:275]`` -- tensorpack's ``%m%d %H:%M:%S``;
* ``06-11 19:35:28`` -- SimpleDet's ``%m-%d %H:%M:%S``;
* ``[12:01:02.123456]`` -- MAE's time of day with microseconds.

Yearless stamps are placed in one year; a stamp earlier than the one before
(midnight, New Year, a clock change) ends their use.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["logged_time"]

_FULL = re.compile(r"^\[?(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[,.](\d{1,6}))?(?=[\s\]])")
_SLASH = re.compile(r"^\[?(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(?=[\s\]])")
_COMPACT = re.compile(r"^\[(\d\d)(\d\d) (\d\d):(\d\d):(\d\d) @")
_DASH = re.compile(r"^(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\s")
_CLOCK = re.compile(r"^\[(\d\d):(\d\d):(\d\d)\.(\d{1,6})\]")
_EPOCH = dt.datetime(2000, 1, 1)


def logged_time(text: str) -> tuple[float, float] | None:
    """Seconds (on an arbitrary but consistent origin) and their resolution, or ``None``."""
    try:
        m = _FULL.match(text)
        if m is not None:
            y, mo, d, h, mi, s, frac = m.groups()
            when = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
            return _seconds(when) + (int(frac) / 10 ** len(frac) if frac else 0.0), 10.0 ** -len(frac or "")
        for pattern in (_SLASH, _COMPACT, _DASH):
            m = pattern.match(text)
            if m is not None:
                mo, d, h, mi, s = (int(v) for v in m.groups())
                return _seconds(dt.datetime(2000, mo, d, h, mi, s)), 1.0
        m = _CLOCK.match(text)
        if m is not None:
            h, mi, s, frac = m.groups()
            return int(h) * 3600 + int(mi) * 60 + int(s) + int(frac) / 10 ** len(frac), 10.0 ** -len(frac)
    except ValueError:  # 02/30 and the like: not a time
        return None
    return None


def _seconds(when: dt.datetime) -> float:
    return (when - _EPOCH).total_seconds()
