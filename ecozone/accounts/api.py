from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from ecozone.accounts.services import TokenExpired, authenticate_token
from ecozone.core.api import errors


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            user = authenticate_token(token)
        except TokenExpired as exc:
            # Refused outright (no fallback to the session): the client should learn why.
            expired_on = timezone.localtime(exc.token.expires_at)
            raise HttpError(
                401,
                _("This API token expired on %(date)s; create a new one under API tokens.")
                % {"date": f"{expired_on:%Y-%m-%d %H:%M}"},
            ) from exc
        if user is not None:
            request.user = user
        return user


def docs_access(view):
    """The API documentation for everyone, or (ECOZONE_API_DOCS_PUBLIC=0) for signed-in users."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not (settings.ECOZONE_API_DOCS_PUBLIC or request.user.is_authenticated):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


# Every endpoint needs one of these unless it says auth=None (public statistics).
AUTH = [TokenAuth(), SessionAuth()]

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: str | None
    region_code: str | None


@router.get("/me", response={200: MeOut, **errors(401)}, summary="The signed-in user")
def me(request):
    user = request.auth
    organisation = user.organisation
    return MeOut(
        username=user.username,
        display_name=str(user),
        role=user.role,
        role_label=str(user.get_role_display()),
        organisation=organisation.name if organisation else None,
        region_code=organisation.region.code if organisation and organisation.region_id else None,
    )
