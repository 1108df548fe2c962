"""The English catalogue is complete (issue 13): every entry translated, none fuzzy, and ``makemessages``
finds no text that is missing from it (run on a copy of the source, so the real catalogue is not touched)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import stabil

PACKAGE = Path(stabil.__file__).parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> dict[str, tuple[list[str], bool]]:
    """Return msgid (with a plural joined by a NUL) -> (its msgstr values, fuzzy) of a .po file."""
    entries = {}
    for block in text.split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if "msgid" in fields and fields["msgid"]:
            msgid = fields["msgid"] + ("\0" + fields["msgid_plural"] if "msgid_plural" in fields else "")
            entries[msgid] = ([v for k, v in fields.items() if k.startswith("msgstr")], fuzzy)
    return entries


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = _entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 1000
    assert [msgid for msgid, (_, fuzzy) in entries.items() if fuzzy] == []
    assert [msgid for msgid, (strs, _) in entries.items() if not strs or not all(strs)] == []


def test_makemessages_finds_no_text_missing_from_the_catalogue(tmp_path):
    copy = tmp_path / "stabil"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location", "--no-obsolete",
                    "--settings=stabil.config.settings"], cwd=copy, check=True, capture_output=True)
    fresh = _entries((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    stored = _entries(PO.read_text(encoding="utf-8"))
    assert sorted(set(fresh) - set(stored)) == []  # new texts, not yet in the catalogue
    assert sorted(set(stored) - set(fresh)) == []  # texts no longer used (run makemessages --no-obsolete)
