"""Ed25519 signatures for checkpoints and receipts.

The private key is a PEM (PKCS8) file named by the setting ECOZONE_SIGNING_KEY. In development
and tests a missing file is created on first use; in production its absence is an error raised
when something is signed, not at start-up, so that the rest of the platform keeps running.
Every key that has signed is recorded (`SigningKey`) with its public key, so that signatures made
before a rotation still verify.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core.models import SigningKey


class SigningKeyMissing(ValidationError):
    """No usable signing key: nothing can be signed until one is configured. A refusal (the
    service's transaction rolls back and the user reads why), not a server error; `manage.py
    check --deploy` warns about it beforehand (ecozone.W001)."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(
            _(
                "The platform cannot sign right now, so nothing was changed: its signing key "
                "is not configured (%(detail)s). Tell the system administrator."
            )
            % {"detail": detail}
        )


def deploy_problem() -> str | None:
    """Why signing would fail in this installation (for the deploy check), or None."""
    path = settings.ECOZONE_SIGNING_KEY
    if not path:
        return "ECOZONE_SIGNING_KEY is not set"
    if not Path(path).is_file():
        return f"{path} does not exist"
    return None


@dataclass(frozen=True)
class Signature:
    key_id: str
    public_key: str  # base64 of the 32 raw bytes
    signature: str  # base64 of the 64 raw bytes


def key_path() -> Path | None:
    path = getattr(settings, "ECOZONE_SIGNING_KEY", "")
    return Path(path) if path else None


def create_key(path: Path) -> bool:
    """Write a new private key to `path` (mode 0600) unless a file is there; True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: two processes creating the key at once cannot overwrite each other's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True


_loaded: dict[tuple[str, int], Ed25519PrivateKey] = {}


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if path is None:
        raise SigningKeyMissing(
            "ECOZONE_SIGNING_KEY is not set: set it to the path of the Ed25519 signing key "
            "(create one with `manage.py signing_key --create`)."
        )
    if not path.exists() and (settings.DEBUG or getattr(settings, "TESTING", False)):
        create_key(path)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise SigningKeyMissing(
            f"The signing key {path} (ECOZONE_SIGNING_KEY) does not exist: create it with "
            "`manage.py signing_key --create`."
        ) from None
    if stamp not in _loaded:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyMissing(f"The signing key {path} is not an Ed25519 key.")
        _loaded.clear()
        _loaded[stamp] = key
    return _loaded[stamp]


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(raw: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(raw).hexdigest()[:16]


def describe_key(path: Path) -> tuple[str, str]:
    """(key id, base64 public key) of the private key file at `path`."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 key.")
    raw = raw_public_key(key.public_key())
    return key_id_of(raw), base64.b64encode(raw).decode()


def current_public_key() -> tuple[str, str]:
    """(key id, base64 public key) of the configured key."""
    raw = raw_public_key(private_key().public_key())
    return key_id_of(raw), base64.b64encode(raw).decode()


def sign(message: bytes, *, key_id: str | None = None) -> Signature:
    """Sign with the configured key, recording it on its first signature; when `key_id` is given
    (it is part of the signed text) it must be the configured key's."""
    key = private_key()
    raw = raw_public_key(key.public_key())
    found = key_id_of(raw)
    if key_id is not None and key_id != found:
        raise SigningKeyMissing(f"The signing key changed while signing ({key_id} → {found}).")
    public = base64.b64encode(raw).decode()
    record(found, public)
    return Signature(found, public, base64.b64encode(key.sign(message)).decode())


def record(key_id: str, public_key: str) -> SigningKey:
    """Keep the public key of every key that signs; a new key retires the ones before it."""
    known = SigningKey.objects.filter(key_id=key_id).first()
    if known is not None:
        return known
    now = timezone.now()
    known, created = SigningKey.objects.get_or_create(
        key_id=key_id, defaults={"public_key": public_key, "first_used_at": now}
    )
    if created:
        SigningKey.objects.filter(retired_at__isnull=True).exclude(pk=known.pk).update(
            retired_at=now
        )
    return known


def public_key_of(key_id: str) -> str | None:
    return SigningKey.objects.filter(key_id=key_id).values_list("public_key", flat=True).first()


def verify(public_key: str, signature: str, message: bytes) -> bool:
    """Whether `signature` (base64) over `message` verifies with `public_key` (base64, raw)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
