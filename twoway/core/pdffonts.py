"""The font for the PDFs the product prints (papers, statements), English and Simplified Chinese
in one face.

A TrueType CJK font is embedded (subset) when one is installed, so every reader shows the Chinese,
also on a machine without Chinese fonts: WenQuanYi Micro Hei, which `scripts/ensure-cjk-font.sh`
installs from Debian (`fonts-wqy-microhei`, Apache 2.0 / GPLv3) for `make demo` and `make test`,
or the file named by the ``TWOWAY_PDF_FONT`` environment variable. Without one, Adobe's
STSong-Light CID font built into reportlab is used: nothing is embedded and the reader must supply
an Adobe-GB1 font (Acrobat does; a bare PDF viewer may show blanks)."""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

EMBEDDED = "TwowayCJK"
FALLBACK = "STSong-Light"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def _register() -> str:
    if EMBEDDED in pdfmetrics.getRegisteredFontNames():
        return EMBEDDED
    paths = [os.environ.get("TWOWAY_PDF_FONT", ""), *CANDIDATES]
    for path in paths:
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=0))
            except TTFError:
                continue  # e.g. an OpenType/CFF file reportlab cannot embed: try the next
            return EMBEDDED
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


FONT = _register()
#: True when the Chinese glyphs travel inside the PDF (readable everywhere).
FONT_EMBEDDED = FONT == EMBEDDED
