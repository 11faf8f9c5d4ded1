"""Recording results into ``data/``: all or nothing, never an overwrite, nothing left by a killed runner.

:mod:`.publish` validates and names a recording, through files without a
name (:mod:`.unnamed`) or, where there are none, named temporary files
(:mod:`.named`); :mod:`.leftovers` removes what a runner killed while
publishing left; :mod:`.dump` writes the YAML.
"""

from .dump import dump
from .leftovers import LOGS_DIR, remove_leftovers
from .publish import RecordError, record

__all__ = ["LOGS_DIR", "RecordError", "dump", "record", "remove_leftovers"]
