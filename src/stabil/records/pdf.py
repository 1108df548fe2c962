"""PDF from HTML with WeasyPrint, as the board paper is made (``governance/board_report.py``)."""

from __future__ import annotations

import logging


def html_to_pdf(html: str) -> bytes:
    """Return PDF bytes for an HTML document (WeasyPrint's CSS notices kept off standard error)."""
    # Imported here: WeasyPrint loads Pango and its fonts, about a second; only PDF downloads need it.
    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return HTML(string=html, base_url=".").write_pdf()
