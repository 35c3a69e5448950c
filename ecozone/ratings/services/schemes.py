"""Scoring-scheme versions: the only code that writes them. A version starts as a draft copied
from another (or imported from a file), is edited, and once published never changes again;
campaigns pin a published version."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core import ledger
from ecozone.core.text import text_problem
from ecozone.ratings import schemes
from ecozone.ratings.engine import SchemeError
from ecozone.ratings.models import Scheme
from ecozone.ratings.services.common import settings_of
from ecozone.ratings.states import SchemeStatus

# The largest scheme file accepted (its settings are a few kilobytes).
MAX_IMPORT_BYTES = 64 * 1024
EXPORT_KEYS = ("code", "title", "note", "base", "settings")
MAX_NOTE = 5000
# Addresses under /ratings/schemes/ that are not versions.
RESERVED_CODES = frozenset({"import", "new"})


def _require_writer(by) -> None:
    """The province office writes versions (None: the platform itself, e.g. a migration)."""
    if by is not None:
        permissions.require(permissions.is_province_admin(by))


def _settings_error(exc: SchemeError) -> ValidationError:
    message = str(exc).removeprefix(f"{exc.field}: ")
    return ValidationError(
        {exc.field: [f"{schemes.label_of(exc.field)}：{message}"]}, code="scheme_setting"
    )


def _check_code(code) -> str:
    if not isinstance(code, str) or not schemes.SCHEME_CODE_RE.fullmatch(code):
        raise ValidationError(
            {
                "code": _(
                    "A version code is 1 to 30 letters, digits, “_” or “-”, starting with a "
                    "letter or digit."
                )
            }
        )
    if code in RESERVED_CODES:
        raise ValidationError({"code": _("“%(code)s” cannot be a version code.") % {"code": code}})
    if Scheme.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Version “%(code)s” exists already; choose another code.") % {"code": code}}
        )
    return code


def _check_texts(title, note) -> tuple[str, str]:
    if not isinstance(title, str) or not title.strip():
        raise ValidationError({"title": _("Give the version a title.")})
    if len(title.strip()) > 200:
        raise ValidationError({"title": _("The title is at most 200 characters.")})
    if not isinstance(note, str):
        raise ValidationError({"note": _("The note is a text.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("The note is at most %(n)d characters.") % {"n": MAX_NOTE}}
        )
    for field, value in (("title", title), ("note", note)):
        if problem := text_problem(value):
            raise ValidationError({field: problem})
    return title.strip(), note.strip()


def _check_settings(settings) -> dict:
    try:
        schemes.validate_settings(settings)
    except SchemeError as exc:
        raise _settings_error(exc) from None
    except (TypeError, AttributeError, KeyError):  # a shape no check foresaw: refuse it whole
        raise ValidationError(_("The settings are not a scoring scheme.")) from None
    return json.loads(ledger.canonical(settings))  # plain JSON, a copy of what was checked


def create_scheme_version(*, base: Scheme, code: str, title: str, note: str, by) -> Scheme:
    """A new draft holding a copy of `base`'s settings."""
    _require_writer(by)
    with transaction.atomic():
        code = _check_code(code)
        title, note = _check_texts(title, note)
        scheme = Scheme.objects.create(
            code=code,
            title=title,
            note=note,
            base=base,
            settings=json.loads(ledger.canonical(base.settings)),
            status=SchemeStatus.DRAFT,
            created_by=by,
        )
        ledger.append(
            kind="ratings.scheme.created",
            obj=scheme,
            payload={"scheme": scheme.code, "base": base.code},
            by=by,
        )
    return scheme


def update_scheme(scheme: Scheme, *, settings: dict, title: str, note: str, by) -> Scheme:
    """New settings, title and note for a draft. A setting that does not hold is refused with
    ValidationError keyed by the setting's name (as SchemeError names it); nothing is written."""
    _require_writer(by)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != SchemeStatus.DRAFT:
            raise ValidationError(
                _("A published scheme cannot change; copy it into a new version.")
            )
        title, note = _check_texts(title, note)
        settings = _check_settings(settings)
        changed = [c.key for c in schemes.diff(scheme.settings, settings)]
        scheme.settings, scheme.title, scheme.note = settings, title, note
        scheme.save(update_fields=["settings", "title", "note"])
        ledger.append(
            kind="ratings.scheme.changed",
            obj=scheme,
            payload={"scheme": scheme.code, "changed": changed, "title": title},
            by=by,
        )
    return scheme


def publish_scheme(scheme: Scheme, *, by) -> Scheme:
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != SchemeStatus.DRAFT:
            raise ValidationError(
                _("A published scheme cannot change; copy it into a new version.")
            )
        _require_writer(by)
        try:
            settings_of(scheme)  # refuses a malformed scheme
        except SchemeError as exc:
            raise _settings_error(exc) from None
        scheme.status, scheme.published_at = SchemeStatus.PUBLISHED, timezone.now()
        scheme.save()
        ledger.append(
            kind="ratings.scheme.published",
            obj=scheme,
            payload={"scheme": scheme.code, "from": SchemeStatus.DRAFT, "to": scheme.status},
            by=by,
        )
    return scheme


def export_scheme(scheme: Scheme) -> dict[str, Any]:
    """The version as a file `import_scheme` reads back."""
    return {
        "code": scheme.code,
        "title": scheme.title,
        "note": scheme.note,
        "base": scheme.base.code if scheme.base_id else None,
        "settings": scheme.settings,
    }


def import_scheme(*, data: dict, by) -> Scheme:
    """A new draft from an exported file. Everything is checked before anything is written: the
    file's size and keys, the code (unused), title and note, the version it names as its base
    (present here), and every setting."""
    _require_writer(by)
    try:
        size = len(ledger.canonical(data).encode())
    except (TypeError, ValueError, RecursionError):
        raise ValidationError(_("The file is not a scheme exported from this platform.")) from None
    if size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is too large for a scheme (at most %(n)d KB).")
            % {"n": MAX_IMPORT_BYTES // 1024}
        )
    if not isinstance(data, dict):
        raise ValidationError(_("The file is not a scheme exported from this platform."))
    unknown = sorted(str(k) for k in data if k not in EXPORT_KEYS)
    if unknown:
        raise ValidationError(
            _("The file holds what a scheme does not: %(keys)s.")
            % {"keys": "、".join(k[:40] for k in unknown[:5])}
        )
    missing = [k for k in ("code", "title", "settings") if k not in data]
    if missing:
        raise ValidationError(_("The file lacks %(keys)s.") % {"keys": "、".join(missing)})
    with transaction.atomic():
        code = _check_code(data["code"])
        title, note = _check_texts(data["title"], data.get("note") or "")
        base = None
        if data.get("base") is not None:
            base = Scheme.objects.filter(code=str(data["base"])[:30]).first()
            if base is None or not isinstance(data["base"], str):
                raise ValidationError(
                    {
                        "base": _(
                            "The version it was copied from, “%(code)s”, is not on this "
                            "platform; remove “base” from the file or import that version first."
                        )
                        % {"code": str(data["base"])[:30]}
                    }
                )
        settings = _check_settings(data["settings"])
        scheme = Scheme.objects.create(
            code=code,
            title=title,
            note=note,
            base=base,
            settings=settings,
            status=SchemeStatus.DRAFT,
            created_by=by,
        )
        ledger.append(
            kind="ratings.scheme.imported",
            obj=scheme,
            payload={"scheme": scheme.code, "base": base.code if base else None},
            by=by,
        )
    return scheme
