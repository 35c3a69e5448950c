"""Checking uploaded files: type by extension and by content, size, a safe name."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
# extension → (content type, magic bytes at the start of the file)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}


def check_upload(upload) -> tuple[str, str]:
    """(safe file name, content type) of an acceptable upload, else ValidationError in Chinese."""
    name = PurePath(upload.name or "").name[:200]
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only PDF, PNG, JPG, XLSX and DOCX files are accepted.")
            % {"name": name or "—"}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if upload.size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 20 MB.") % {"name": name})
    content_type, magics = ALLOWED[extension]
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension}
        )
    return name, content_type


IMAGES = (".png", ".jpg", ".jpeg")


def check_image(upload) -> tuple[str, str]:
    name, content_type = check_upload(upload)
    if PurePath(name).suffix.lower() not in IMAGES:
        raise ValidationError(_("%(name)s: only PNG and JPG images are accepted.") % {"name": name})
    return name, content_type
