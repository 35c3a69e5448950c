from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from ecozone.accounts.services import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


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


@router.get("/me", response=MeOut, summary="The signed-in user")
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
