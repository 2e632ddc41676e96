"""Fonts for the PDFs the product prints (papers, statements): Adobe's STSong-Light CID font,
built into reportlab and part of the Adobe-GB1 collection PDF readers provide, sets both English
and Simplified Chinese; nothing is fetched and no font file is shipped."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
