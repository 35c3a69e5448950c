from ninja import Router, Schema

from ecozone.accounts import permissions
from ecozone.core.api import ShortStr, errors
from ecozone.regions.models import Region
from ecozone.regions.queries import regions_for

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    terrain: str
    coastal: bool
    mountain_county: bool

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent.code if obj.parent_id else None


@router.get(
    "/regions",
    response={200: list[RegionOut], **errors(401, 403, 422)},
    summary="Regions within your scope",
)
def list_regions(request, level: ShortStr = "", q: ShortStr = ""):
    permissions.require(permissions.can_list_regions(request.auth))
    return list(regions_for(request.auth, level=level, q=q))


@router.get(
    "/regions/{code}", response={200: RegionOut, **errors(401, 404, 422)}, summary="One region"
)
def get_region(request, code: ShortStr):
    return permissions.get_in_scope_or_404(
        request.auth, Region.objects.select_related("parent"), code=code
    )
