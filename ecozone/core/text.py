"""Text hygiene: the one place that decides which characters user text may hold.

Forms, API schemas and importers refuse text holding control characters other than tab, newline
and carriage return, NUL, or lone surrogates (they break Excel exports, PostgreSQL and JSON), with
a message naming the field. `printable` is the second defence for exports of text already stored.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# C0 controls except \t \n \r, DEL, C1 controls, and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as user text (a Chinese message), or None when it can."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return _("contains an invalid character (a lone surrogate)")
    return _("contains a control character (U+%(code)04X); remove it and try again") % {
        "code": ord(char)
    }


def printable(value: str) -> str:
    """`value` with every forbidden character removed (for writing stored text out)."""
    return _FORBIDDEN.sub("", value)
