from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ecozone.accounts import permissions
from ecozone.core.api import Id, ShortStr, errors
from ecozone.designations import queries
from ecozone.designations.models import Batch, Programme
from ecozone.regions.models import Level, Region

router = Router(tags=["designations"])


class DesignationOut(Schema):
    id: int
    region_code: str
    region_name: str
    city_code: str | None
    programme: str
    programme_name: str
    batch: str
    batch_year: int
    batch_number: int
    named_on: date
    document_number: str
    status: str
    stars: int | None
    demo: bool

    @staticmethod
    def from_model(d) -> "DesignationOut":
        region = d.region
        city = region if region.level == Level.CITY else region.parent
        return DesignationOut(
            id=d.pk,
            region_code=region.code,
            region_name=region.name,
            city_code=city.code if city else None,
            programme=d.programme.code,
            programme_name=d.programme.name,
            batch=d.batch.name,
            batch_year=d.batch.year,
            batch_number=d.batch.number,
            named_on=d.named_on,
            document_number=d.document_number,
            status=d.status,
            stars=d.stars,
            demo=d.batch.is_demo,
        )


@router.get(
    "/designations",
    response={200: list[DesignationOut], **errors(401, 403, 404, 422)},
    summary="Designations within your scope",
)
def list_designations(
    request,
    programme: ShortStr = "",
    city: ShortStr = "",
    status: ShortStr = "",
    batch: Id | None = None,
    q: ShortStr = "",
):
    permissions.require(permissions.can_view_designations(request.auth))
    filters = {
        "programme": get_object_or_404(Programme, code=programme) if programme else None,
        "city": get_object_or_404(Region, code=city, level=Level.CITY) if city else None,
        "batch": get_object_or_404(Batch, pk=batch) if batch else None,
        "status": status,
        "q": q,
    }
    return [DesignationOut.from_model(d) for d in queries.filtered_roster(request.auth, **filters)]


@router.get(
    "/designations/{pk}",
    response={200: DesignationOut, **errors(401, 403, 404, 422)},
    summary="One designation",
)
def get_designation(request, pk: Id):
    permissions.require(permissions.can_view_designations(request.auth))
    designation = permissions.get_in_scope_or_404(
        request.auth, queries.roster(), field="region", pk=pk
    )
    return DesignationOut.from_model(designation)


class CoverageRowOut(Schema):
    code: str
    name: str
    designated: int
    units: int
    percent: Decimal


class CoverageOut(Schema):
    programme: str
    programme_name: str
    province: CoverageRowOut
    cities: list[CoverageRowOut]


def _row(row) -> CoverageRowOut:
    return CoverageRowOut(
        code=row.region.code,
        name=row.region.name,
        designated=row.designated,
        units=row.units,
        percent=row.percent,
    )


@router.get(
    "/coverage",
    response={200: CoverageOut, **errors(404, 422)},
    auth=None,
    summary="Coverage of a programme: regions holding the title ÷ cities and counties (public)",
)
def get_coverage(request, programme: ShortStr = "national"):
    programme_obj = get_object_or_404(Programme, code=programme)
    coverage = queries.coverage(programme_obj)
    return CoverageOut(
        programme=programme_obj.code,
        programme_name=programme_obj.name,
        province=_row(coverage.province),
        cities=[_row(r) for r in coverage.cities],
    )
