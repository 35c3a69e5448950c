from ninja import Router, Schema

from ecozone.accounts import permissions
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


@router.get("/regions", response=list[RegionOut], summary="Regions within your scope")
def list_regions(request, level: str = "", q: str = ""):
    permissions.require(permissions.can_list_regions(request.auth))
    return list(regions_for(request.auth, level=level, q=q))


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def get_region(request, code: str):
    return permissions.get_in_scope_or_404(
        request.auth, Region.objects.select_related("parent"), code=code
    )
