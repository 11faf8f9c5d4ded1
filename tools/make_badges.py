#!/usr/bin/env python3
"""Generate the local project badges and framework icons in ``data/logos/``.

Why generate them?  The benchmark pages used to hot-link project logos and
framework icons from third-party sites; those links broke, they do not work in
offline builds, and LaTeX/PDF output cannot embed remote images at all.  So we
ship small local files instead.  We may not copy third-party artwork, so
(except for detectron2's wordmark, which we were given and which is copied
verbatim to ``data/logos/detectron2.svg``) every image here is our own simple
design, generated from the tables below:

* project badges: a single-segment rounded rectangle with the project's name
  (shields.io-like), 20 px high, its width computed from the text so the text
  never overflows;
* framework icons: a 64x64 geometric shape in the framework's brand colour
  with a short monogram ("PT", "TF", ...), not a copy of any trademark.

The SVGs are written with plain string templates (text is XML-escaped), so
this step needs nothing but Python.  Each SVG is then rasterised to a PNG next
to it (the PNG is what the LaTeX builder uses): badges at 3x (60 px high) for
crisp PDF output, icons at 64x64 px, and detectron2.svg (if present) at 60 px
high.  Rasterising needs ``rsvg-convert`` (Debian/Ubuntu: ``apt-get install
librsvg2-bin``; macOS: ``brew install librsvg``), which is called without a
shell.  It is only needed when (re)generating the files, not to build the docs.

Usage (from the repository root)::

    python tools/make_badges.py            # write SVGs and PNGs to data/logos/
    python tools/make_badges.py --svg-only # skip rasterising
    python tools/make_badges.py --out DIR  # write somewhere else
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

FONT_FAMILY = "DejaVu Sans,Verdana,Geneva,sans-serif"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "logos"


class Badge(NamedTuple):
    slug: str  # file name stem, matches the key in data/logos.yaml
    text: str  # label shown on the badge (also the <title>)
    color: str  # background colour; text is white


class Icon(NamedTuple):
    slug: str
    title: str  # framework name, used as <title>
    monogram: str  # short original label drawn on the icon
    color: str  # brand-like colour of the shape
    shape: str  # "circle", "square" or "hexagon"


BADGES: tuple[Badge, ...] = (
    Badge("mmdetection", "mmdetection", "#3b5b92"),
    Badge("maskrcnn-benchmark", "maskrcnn-benchmark", "#4a4f8c"),
    Badge("tensorpack", "tensorpack", "#2f6f5e"),
    Badge("simpledet", "SimpleDet", "#6b4f8c"),
    Badge("detectron", "Detectron", "#3f4652"),
    Badge("matterport-mask-rcnn", "matterport/Mask_RCNN", "#7a4a3a"),
)

ICONS: tuple[Icon, ...] = (
    Icon("pytorch", "PyTorch", "PT", "#EE4C2C", "circle"),
    Icon("tensorflow", "TensorFlow", "TF", "#FF6F00", "hexagon"),
    Icon("mxnet", "MXNet", "MX", "#0B72B5", "square"),
    Icon("caffe2", "Caffe2", "C2", "#1E63C9", "circle"),
)

# Badge geometry (SVG user units = CSS px).
BADGE_HEIGHT = 20
BADGE_FONT_SIZE = 11
BADGE_PADDING = 7  # left/right padding around the text
BADGE_RADIUS = 3
PNG_SCALE = 3  # badge PNGs at 3x for PDF output
ICON_SIZE = 64
DETECTRON2_PNG_HEIGHT = 60

# Approximate advance widths (in em) of DejaVu Sans Bold / Verdana Bold, which
# are very similar.  Erring on the wide side: a badge a few px too wide looks
# fine, text that overflows does not.
_NARROW = dict.fromkeys("ijlI!|.,:;'", 0.38)
_SEMI = dict.fromkeys("frt-/()[] J", 0.52)
_WIDE = dict.fromkeys("mwMW", 1.05)
_CAPS = dict.fromkeys("ABCDEFGHKLNOPQRSTUVXYZ", 0.82)
_CHAR_WIDTH = {**_CAPS, **_SEMI, **_NARROW, **_WIDE}
_DEFAULT_WIDTH = 0.72  # lower-case letters, digits, "_", anything else


def text_width(text: str, font_size: float) -> float:
    """Generous estimate of the rendered width of bold ``text``, in px."""
    return sum(_CHAR_WIDTH.get(ch, _DEFAULT_WIDTH) for ch in text) * font_size


def attr(value: str) -> str:
    """Escape ``value`` for use inside a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


BADGE_TEMPLATE = """\
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" \
role="img" aria-label="{label}">
<title>{title}</title>
<rect width="{w}" height="{h}" rx="{r}" fill="{color}"/>
<g fill="#fff" font-family="{font}" font-size="{fs}" font-weight="bold" text-anchor="middle">
<text x="{cx}" y="{sy}" fill="#000" fill-opacity=".3">{title}</text>
<text x="{cx}" y="{ty}">{title}</text>
</g>
</svg>
"""

ICON_TEMPLATE = """\
<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" viewBox="0 0 {s} {s}" \
role="img" aria-label="{label}">
<title>{title}</title>
{shape}
<text x="{cx}" y="{ty}" fill="#fff" font-family="{font}" font-size="{fs}" font-weight="bold" \
text-anchor="middle" letter-spacing="-1">{mono}</text>
</svg>
"""


def _num(x: float) -> str:
    """Format a coordinate compactly (no trailing zeros)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def badge_svg(badge: Badge) -> str:
    width = round(text_width(badge.text, BADGE_FONT_SIZE) + 2 * BADGE_PADDING)
    baseline = BADGE_HEIGHT / 2 + BADGE_FONT_SIZE * 0.36  # visually centred cap height
    return BADGE_TEMPLATE.format(
        w=width,
        h=BADGE_HEIGHT,
        r=BADGE_RADIUS,
        color=attr(badge.color),
        font=attr(FONT_FAMILY),
        fs=BADGE_FONT_SIZE,
        cx=_num(width / 2),
        sy=_num(baseline + 1),
        ty=_num(baseline),
        title=escape(badge.text),
        label=attr(badge.text),
    )


def _icon_shape(shape: str, color: str) -> str:
    s = ICON_SIZE
    fill = attr(color)
    if shape == "circle":
        return f'<circle cx="{s / 2:g}" cy="{s / 2:g}" r="{s / 2 - 1:g}" fill="{fill}"/>'
    if shape == "square":
        return f'<rect x="1" y="1" width="{s - 2}" height="{s - 2}" rx="12" fill="{fill}"/>'
    if shape == "hexagon":
        # Flat-sided hexagon touching the left/right edges, centred vertically.
        pts = ((1, 32), (17, 4), (47, 4), (63, 32), (47, 60), (17, 60))
        points = " ".join(f"{x},{y}" for x, y in pts)
        return (
            f'<polygon points="{points}" fill="{fill}" stroke="{fill}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
    raise ValueError(f"unknown icon shape {shape!r}")


def icon_svg(icon: Icon) -> str:
    font_size = 30 if len(icon.monogram) <= 2 else 22
    return ICON_TEMPLATE.format(
        s=ICON_SIZE,
        shape=_icon_shape(icon.shape, icon.color),
        cx=_num(ICON_SIZE / 2),
        ty=_num(ICON_SIZE / 2 + font_size * 0.36),
        font=attr(FONT_FAMILY),
        fs=font_size,
        mono=escape(icon.monogram),
        title=escape(icon.title),
        label=attr(icon.title),
    )


def rasterise(rsvg: str, svg: Path, *, height: int, width: int | None = None) -> Path:
    """Render ``svg`` to a PNG next to it with rsvg-convert (no shell)."""
    png = svg.with_suffix(".png")
    cmd = [rsvg, "--format", "png", "--height", str(height)]
    if width is not None:
        cmd += ["--width", str(width)]
    cmd += ["--keep-aspect-ratio", "--output", str(png), str(svg)]
    subprocess.run(cmd, check=True)
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--svg-only", action="store_true", help="write the SVGs, do not rasterise")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    written: list[tuple[Path, int, int | None]] = []  # (svg, png height, png width)
    for badge in BADGES:
        path = out / f"{badge.slug}.svg"
        path.write_text(badge_svg(badge), encoding="utf-8")
        written.append((path, BADGE_HEIGHT * PNG_SCALE, None))
    for icon in ICONS:
        path = out / f"{icon.slug}.svg"
        path.write_text(icon_svg(icon), encoding="utf-8")
        written.append((path, ICON_SIZE, ICON_SIZE))
    for path, _, _ in written:
        print(f"wrote {path}")

    if args.svg_only:
        return 0
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        print(
            "error: rsvg-convert not found, so no PNGs were written (the SVGs were).\n"
            "Install it (Debian/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg)\n"
            "and run this script again, or pass --svg-only.",
            file=sys.stderr,
        )
        return 2
    detectron2 = out / "detectron2.svg"  # given artwork, copied by hand; only rasterised here
    if detectron2.is_file():
        written.append((detectron2, DETECTRON2_PNG_HEIGHT, None))
    else:
        print(f"note: {detectron2} not found, not rasterised", file=sys.stderr)
    for svg, height, width in written:
        print(f"wrote {rasterise(rsvg, svg, height=height, width=width)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
