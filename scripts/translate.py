"""Merge locale/zh_hans_strings.py into the zh-hans catalogue and compile it.

Run by `make messages` after makemessages has refreshed django.po. Prints every msgid that has no
translation yet, and exits non-zero then, so a missing translation cannot go unnoticed.
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH = runpy.run_path(str(ROOT / "locale" / "zh_hans_strings.py"))["ZH"]


def main() -> int:
    po = polib.pofile(str(CATALOGUE), wrapwidth=0)
    po.metadata.update(
        {
            "Language": "zh_Hans",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
    )
    missing = []
    for entry in po:
        key = (entry.msgid, entry.msgid_plural) if entry.msgid_plural else entry.msgid
        text = ZH.get(key)
        if text is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    unused = set(ZH) - {(e.msgid, e.msgid_plural) if e.msgid_plural else e.msgid for e in po}
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    for key in sorted(map(str, unused)):
        print(f"no longer used: {key}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
