"""Public statistics as JSON (no sign-in): the same published data as the showcase pages."""

from ninja import Router, Schema

from ecozone.core.api import ShortStr, errors
from ecozone.showcase import queries

router = Router(tags=["showcase (public)"], auth=None)


@router.get(
    "/showcase/headline",
    response=dict,
    summary="Headline figures: zones, coverage, latest batch, stars",
)
def headline(request):
    return queries.headline()


@router.get("/showcase/map", response=dict, summary="Per county: titles and stars (map layers)")
def map_data(request):
    return queries.map_data()


@router.get(
    "/showcase/cities",
    response=list[dict],
    summary="Per city: zones, coverage, stars, latest change",
)
def cities(request):
    return queries.by_city()


class CaseOut(Schema):
    id: int
    title: str
    region: str
    region_code: str
    programme: str | None
    tags: list[str]
    summary: str
    published_at: str | None


@router.get(
    "/showcase/cases",
    response={200: list[CaseOut], **errors(422)},
    summary="Published typical cases (search with q, filter by tag)",
)
def cases(request, q: ShortStr = "", tag: ShortStr = ""):
    return [
        {
            "id": c.pk,
            "title": c.title,
            "region": c.region.name,
            "region_code": c.region.code,
            "programme": c.programme.short_name if c.programme else None,
            "tags": c.tag_list,
            "summary": c.summary,
            "published_at": c.published_at.isoformat() if c.published_at else None,
        }
        for c in queries.published_cases(q=q, tag=tag)[:100]
    ]
