"""Text from the data that LaTeX cannot print, made printable before it stops the PDF build.

With ``latex_engine = "pdflatex"`` (Sphinx's default) a character outside
the fonts Sphinx's preamble loads (T1 and TS1; Greek where ``fontenc``
declares LGR, Cyrillic where it declares T2A or X2 or the language needs it;
and the few characters Sphinx declares or escapes itself) is a fatal ``Unicode character ... not set up
for use with LaTeX``: one emoji or zero-width space in an implementation's
name, from a pull request, and nobody's PDF builds.  So for that engine the
text of a benchmark table (its cells, headings, notes and chart labels) is
first composed (NFC: ``e`` and a combining accent become ``é``, which T1
has), invisible format characters (zero-width spaces and joiners) are
dropped, and what is still left is printed as ``[U+1F680]``, with one
warning per table that names the characters and says which engines would
print them.  XeLaTeX and LuaLaTeX print everything their fonts have, so
nothing is changed for them.

With any engine, a table cell's text is cut at :data:`CELL_LIMIT`
characters and a chart label at :data:`LABEL_LIMIT` (with a warning):
tabulary measures a cell on one line, TikZ sets a label on one, and a name
of a few thousand characters overflows TeX's largest dimension.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import tex_replacements, unicode_tex_replacements

from .charts import chart
from .report import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["CELL_LIMIT", "LABEL_LIMIT", "pdflatex_text", "setup_latex"]

#: Ranges T1 and TS1 (and textcomp's symbols) cover, as code points, ends included.
_TYPESET = [(0x20, 0x7E), (0xA0, 0x137), (0x139, 0x148), (0x14A, 0x17E), (0x2013, 0x2014), (0x2018, 0x201A),
            (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2030), (0x2039, 0x203A),
            (0x20AC, 0x20AC), (0x2122, 0x2122), (0x2190, 0x2193), (0x2212, 0x2212)]
#: Greek, where ``fontenc`` declares LGR (Sphinx then loads textalpha).
_GREEK = [(0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3CE)]
#: Cyrillic, where ``fontenc`` declares T2A or X2, or babel loads it for the language (Sphinx's
#: ExtBabel.uses_cyrillic).
_CYRILLIC = [(0x400, 0x45F)]
#: What Sphinx itself turns into commands (sphinx.util.texescape) or declares (its utf8extra).
_SPHINX = {ord(c) for c, _ in (*tex_replacements, *unicode_tex_replacements)} | {
    0x2500, 0x2502, 0x2514, 0x251C, 0x2572}


_CYRILLIC_LANGUAGES = ("bg", "kk", "mn", "ru", "uk")


def _allowed(fontenc: str, language: str) -> frozenset[int]:
    """The characters pdflatex can typeset with Sphinx's preamble for this ``fontenc`` and ``language``."""
    cyrillic = "T2A" in fontenc or "X2" in fontenc or language.split("_")[0] in _CYRILLIC_LANGUAGES
    ranges = _TYPESET + (_GREEK if "LGR" in fontenc else []) + (_CYRILLIC if cyrillic else [])
    return frozenset({c for lo, hi in ranges for c in range(lo, hi + 1)} | _SPHINX | {0x09, 0x0A})


def pdflatex_text(text: str, allowed: frozenset[int], missing: set[str]) -> str:
    """``text`` with what pdflatex cannot typeset composed, dropped or spelled out; those characters go to
    ``missing``."""
    if all(ord(c) in allowed for c in text):
        return text
    out = []
    for c in unicodedata.normalize("NFC", text):
        if ord(c) in allowed:
            out.append(c)
        elif unicodedata.category(c) in ("Cf", "Mn", "Me", "Cc"):  # invisible: format, combining, control
            missing.add(c)
        else:
            missing.add(c)
            out.append(f"[U+{ord(c):04X}]")
    return "".join(out)


def _strings(value: Any, change: Any) -> Any:
    """Every string in a chart's JSON spec passed through ``change``."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _strings(v, change) for k, v in value.items()}
    return value


#: The longest text of a table cell the PDF prints (longer is cut, with a warning): tabulary sets each cell
#: on one line to measure its columns, and about 3000 characters overflow TeX's largest dimension.
CELL_LIMIT = 300
#: The same for a chart's labels, which TikZ sets on one line.
LABEL_LIMIT = 60


def _cut(text: str, limit: int, cut: list[int]) -> str:
    if len(text) <= limit:
        return text
    cut.append(len(text))
    return text[:limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


class LatexText(SphinxPostTransform):
    """The benchmark tables' text made printable by LaTeX (see the module's docstring)."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        pdflatex = self.config.latex_engine == "pdflatex"
        allowed = _allowed(str(self.config.latex_elements.get("fontenc", "")), self.config.language or "en")
        for table in self.document.findall(nodes.container):
            if "bb-benchmark" not in table["classes"]:
                continue
            missing: set[str] = set()
            cut: list[int] = []

            def fix(text: str, limit: int | None, missing: set[str] = missing, cut: list[int] = cut) -> str:
                text = pdflatex_text(text, allowed, missing) if pdflatex else text
                return _cut(text, limit, cut) if limit else text

            for text in list(table.findall(nodes.Text)):
                in_cell = any(isinstance(a, nodes.entry) for a in _ancestors(text))
                changed = fix(str(text), CELL_LIMIT if in_cell else None)
                if changed != str(text):
                    text.parent.replace(text, nodes.Text(changed))
            for node in table.findall(chart):
                spec = json.loads(node["spec"])
                node["spec"] = json.dumps(_strings(spec, lambda s: fix(s, LABEL_LIMIT)))
            if missing:
                shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in sorted(missing)[:5])
                more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                warn(f"pdflatex cannot typeset {len(missing)} character(s) of this table ({shown}{more}): "
                     "invisible ones are left out, the others printed as [U+XXXX]; latex_engine = 'xelatex' or "
                     "'lualatex' prints them", table, Subtype.latex)
            if cut:
                warn(f"{len(cut)} text(s) of this table are too long for LaTeX's table cells and chart labels "
                     f"(up to {max(cut)} characters); the PDF prints the first {CELL_LIMIT} of a cell and "
                     f"{LABEL_LIMIT} of a label", table, Subtype.latex)


def _ancestors(node: nodes.Node) -> Any:
    while node.parent is not None:
        node = node.parent
        yield node


def setup_latex(app: Sphinx) -> None:
    app.add_post_transform(LatexText)
