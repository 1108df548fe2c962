"""The case page's explanations ("Varför") in the reader's language.

``core.explanations`` gives each deadline's explanation as parts (codes and values) with the Swedish text;
here the same parts are rendered through the translation catalogue, whose msgids are core's Swedish texts.
"""

from __future__ import annotations

from django.utils.translation import gettext

from stabil.core.explanations import render


def explain(why: str) -> str:
    """Return a deadline's explanation in the active language (the text as it is when it has no parts)."""
    parts = getattr(why, "parts", None)
    return render(parts, gettext) if parts else str(why)
