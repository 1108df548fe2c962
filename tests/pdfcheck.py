"""Checks of a generated PDF's layout: every word inside its page, every table header in the text.

pdfminer.six gives each glyph's box in page coordinates (origin bottom left, points); a word is a run
of glyphs without a space. A word lies outside its page when any glyph of it reaches past the page's
MediaBox (with half a point of tolerance for rounding): that is text a reader of the printed paper
never sees, as when a wide table runs past the right edge.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html.parser import HTMLParser

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTPage

TOLERANCE = 0.5  # points
MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def _chars(item):
    if isinstance(item, LTChar):
        yield item
        return
    try:
        children = list(item)
    except TypeError:
        return
    for child in children:
        yield from _chars(child)


def _words(number: int, chars) -> list[Word]:
    """Group a page's glyphs, in drawing order, into words."""
    groups: list[list[LTChar]] = []
    current: list[LTChar] = []
    previous = None
    for char in chars:
        if previous is not None:
            gap = char.x0 - previous.x1
            if (abs(char.y0 - previous.y0) > 1 or char.x0 < previous.x0 or gap > char.size / 3) and current:
                groups.append(current)
                current = []
        if char.get_text().isspace():
            if current:
                groups.append(current)
                current = []
        else:
            current.append(char)
        previous = char
    if current:
        groups.append(current)
    return [Word(number, "".join(c.get_text() for c in group), min(c.x0 for c in group),
                 min(c.y0 for c in group), max(c.x1 for c in group), max(c.y1 for c in group))
            for group in groups]


def pages(data: bytes) -> list[Page]:
    """Return every page with its size and its words.

    Glyphs are read in the order the page draws them (no layout analysis, which would merge
    neighbouring table cells into one line); a word ends at a space, at a gap wider than a third of
    the type size, or where the next glyph is on another line or starts left of the one before (a
    kerned pair such as "Tr" overlaps, and is still one word).
    """
    out = []
    for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=None), start=1):
        assert isinstance(layout, LTPage)
        out.append(Page(number, layout.width, layout.height, _words(number, _chars(layout))))
    return out


def words_outside(data: bytes, *, side_margin: float = 0.0) -> list[Word]:
    """Return the words of the PDF that reach past their page's edges.

    With ``side_margin`` (points), a word also counts as outside when it reaches into the left or
    right margin: a table wider than the text column overflows there first. (Running heads and page
    numbers sit in the top and bottom margins, within the column's width.)
    """
    outside = []
    for page in pages(data):
        for word in page.words:
            if (word.x0 < side_margin - TOLERANCE or word.y0 < -TOLERANCE
                    or word.x1 > page.width - side_margin + TOLERANCE or word.y1 > page.height + TOLERANCE):
                outside.append(word)
    return outside


def words(data: bytes) -> set[str]:
    """Return the set of words of the PDF."""
    return {word.text for page in pages(data) for word in page.words}


def missing(data: bytes, phrases) -> list[str]:
    """Return the phrases (e.g. column headers) some word of which is not a word of the PDF.

    Word by word, because a header may wrap over lines and the glyphs of neighbouring cells are
    drawn in between.
    """
    found = words(data)
    return [phrase for phrase in phrases if any(word not in found for word in phrase.split())]


class _HeaderParser(HTMLParser):
    """Collects the text of every ``th`` inside a ``thead``."""

    def __init__(self):
        super().__init__()
        self.in_head = self.in_th = False
        self.headers: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self.in_head = True
        elif tag == "th" and self.in_head:
            self.in_th, self._text = True, []

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "th" and self.in_th:
            self.in_th = False
            header = " ".join("".join(self._text).split())
            if header:
                self.headers.append(header)

    def handle_data(self, data):
        if self.in_th:
            self._text.append(data)


def column_headers(html: str) -> list[str]:
    """Return the column headers (``thead th``) of every table in an HTML document, in order."""
    parser = _HeaderParser()
    parser.feed(html)
    return parser.headers
