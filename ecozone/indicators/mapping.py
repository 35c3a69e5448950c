"""How the indicators of one catalogue edition become those of the next (pure: no models).

A mapping is a list of rows (old code, new code, kind). Only `same` and `renumbered` rows carry a
value across editions (last year's value, year-on-year checks, a zone's history): a split or merged
indicator measures something else, so its first year on the new edition has no comparable
previous value (decision 0010).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.translation import gettext as _

SAME, RENUMBERED, SPLIT, MERGED, NEW, DROPPED = (
    "same",
    "renumbered",
    "split",
    "merged",
    "new",
    "dropped",
)
KINDS = (SAME, RENUMBERED, SPLIT, MERGED, NEW, DROPPED)
CARRIED = frozenset({SAME, RENUMBERED})


class MappingLine(NamedTuple):
    old: str  # "" for a new indicator
    new: str  # "" for a dropped indicator
    kind: str


def problems(lines: Iterable[MappingLine], *, old_codes: set[str], new_codes: set[str]) -> list:
    """Every reason the mapping is not a valid account of `old_codes` → `new_codes`, as
    (line number from 1, message); an empty list when it is valid."""
    lines = list(lines)
    found: list[tuple[int, str]] = []
    olds = Counter(line.old for line in lines if line.old)
    news = Counter(line.new for line in lines if line.new)
    pairs: set[tuple[str, str]] = set()
    for number, line in enumerate(lines, start=1):
        for message in _line_problems(line, old_codes, new_codes, olds, news):
            found.append((number, message))
        if (line.old, line.new) in pairs:
            found.append((number, _("this pair of codes appears twice")))
        pairs.add((line.old, line.new))
    for code in sorted(old_codes - set(olds)):
        found.append((0, _("old indicator %(code)s is not accounted for") % {"code": code}))
    for code in sorted(new_codes - set(news)):
        found.append((0, _("new indicator %(code)s is not accounted for") % {"code": code}))
    return found


def _line_problems(line: MappingLine, old_codes, new_codes, olds: Counter, news: Counter):
    old, new, kind = line
    if kind not in KINDS:
        yield _("unknown kind “%(kind)s”") % {"kind": kind}
        return
    if kind == NEW:
        if old:
            yield _("a new indicator has no old code")
    elif not old:
        yield _("the old code is required")
    elif old not in old_codes:
        yield _("%(code)s is not an indicator of the old edition") % {"code": old}
    if kind == DROPPED:
        if new:
            yield _("a dropped indicator has no new code")
    elif not new:
        yield _("the new code is required")
    elif new not in new_codes:
        yield _("%(code)s is not an indicator of the new edition") % {"code": new}
    if kind == SAME and old and new and old != new:
        yield _("“same” needs the same code on both sides; use “renumbered”")
    if kind == RENUMBERED and old and old == new:
        yield _("the code did not change; use “same”")
    # One-to-one kinds own their codes; a split shares its old code, a merge its new code.
    if kind in (SAME, RENUMBERED, DROPPED) and old and olds[old] > 1:
        yield _("%(code)s appears in other rows too") % {"code": old}
    if kind in (SAME, RENUMBERED, NEW) and new and news[new] > 1:
        yield _("%(code)s appears in other rows too") % {"code": new}
    if kind == SPLIT and old and olds[old] < 2:
        yield _("a split needs two or more new indicators for %(code)s") % {"code": old}
    if kind == MERGED and new and news[new] < 2:
        yield _("a merge needs two or more old indicators for %(code)s") % {"code": new}


def propose(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[MappingLine]:
    """A first draft from (code, name) lists: equal codes are `same`, an equal name under
    another code is `renumbered`, the rest `dropped` and `new`. The province reviews it."""
    old_codes = {code for code, _name in old}
    new_codes = {code for code, _name in new}
    by_name = {name: code for code, name in old if code not in new_codes}
    lines, taken = [], set()
    for code, name in new:
        if code in old_codes:
            lines.append(MappingLine(code, code, SAME))
            taken.add(code)
        elif name in by_name and by_name[name] not in taken:
            lines.append(MappingLine(by_name[name], code, RENUMBERED))
            taken.add(by_name[name])
        else:
            lines.append(MappingLine("", code, NEW))
    lines += [MappingLine(code, "", DROPPED) for code, _name in old if code not in taken]
    return lines


def carried(lines: Iterable[MappingLine]) -> dict[str, str]:
    """New code → old code, for the rows whose value carries over."""
    return {line.new: line.old for line in lines if line.kind in CARRIED}
