"""The latest signed checkpoint, public: anyone may save it and check the platform later."""

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from ecozone.core.api import errors
from ecozone.reporting import checkpoints

router = Router(tags=["audit (public)"], auth=None)


class CheckpointOut(Schema):
    values_length: int
    values_head: str
    ledger_length: int
    ledger_head: str
    signed_at: str
    signature: str
    key_id: str
    public_key: str


@router.get(
    "/audit/checkpoint",
    response={200: CheckpointOut, **errors(404)},
    summary="The latest signed checkpoint of the value chain and the ledger",
    description=(
        "The Ed25519 signature (base64) covers the canonical JSON (sorted keys, no spaces, UTF-8) "
        "of values_length, values_head, ledger_length, ledger_head, signed_at and key_id; "
        "public_key is the raw 32-byte key in base64. Save the answer and check it later with "
        "`manage.py verify_audit --checkpoint FILE`."
    ),
)
def latest_checkpoint(request):
    checkpoint = checkpoints.latest()
    if checkpoint is None:
        raise HttpError(404, _("No checkpoint has been signed yet."))
    return checkpoints.document(checkpoint)
