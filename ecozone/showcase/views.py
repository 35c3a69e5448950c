"""The public showcase: no sign-in, only published data (see queries.py)."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ecozone.casebook.models import CaseStatus, TypicalCase
from ecozone.core.flags import showcase_version
from ecozone.designations.models import Batch, Designation, Programme
from ecozone.designations.states import DesignationStatus
from ecozone.regions.models import Level, Region
from ecozone.showcase import queries
from ecozone.taskbooks.queries import latest_public_ranking

SORTS = {
    "coverage": lambda r: -float(r["coverage_provincial"]),
    "national": lambda r: -float(r["coverage_national"]),
    "zones": lambda r: -(r["provincial"] + r["national"]),
    "stars": lambda r: -float(r["average_stars"] or 0),
    "five": lambda r: -r["five_star"],
}


def home(request):
    labels = {
        "national": _("national zone"),
        "provincial": _("provincial zone"),
        "lianshan": _("两山 base"),
        "none": _("not yet named"),
        "revoked": _("rating revoked"),
        "unrated": _("not yet rated"),
    }
    # Statistics are passed as callables: the template calls them only when the cached body
    # (per data version and language) has to be rendered again.
    context = {
        "headline": queries.headline,
        "cities": queries.by_city,
        "labels": labels,
        "version": showcase_version(),
    }
    return render(request, "showcase/home.html", context)


def compare(request):
    sort = request.GET.get("sort", "coverage")
    rows = sorted(queries.by_city(), key=SORTS.get(sort, SORTS["coverage"]))
    year, ranking = latest_public_ranking()
    return render(
        request,
        "showcase/compare.html",
        {"rows": rows, "sort": sort, "assessment_year": year, "ranking": ranking},
    )


def zones(request):
    programme = (
        Programme.objects.filter(code=request.GET.get("programme", "provincial")).first()
        or Programme.objects.first()
    )
    batches = (
        Batch.objects.filter(programme=programme)
        .order_by("-year", "-number")
        .prefetch_related("designations__region__parent")
    )
    groups = [
        (b, [d for d in b.designations.all() if d.status != DesignationStatus.DELISTED])
        for b in batches
    ]
    return render(
        request,
        "showcase/zones.html",
        {
            "programme": programme,
            "programmes": Programme.objects.all(),
            "groups": [g for g in groups if g[1]],
        },
    )


def delisted(request):
    rows = Designation.objects.filter(status=DesignationStatus.DELISTED).select_related(
        "region", "programme", "batch"
    )
    return render(request, "showcase/delisted.html", {"rows": rows})


def zone(request, code: str):
    region = get_object_or_404(
        Region.objects.select_related("parent"), code=code, level__in=[Level.CITY, Level.COUNTY]
    )
    return render(request, "showcase/zone.html", {"region": region, **queries.zone(region)})


def cases(request):
    q, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "").strip()
    page = Paginator(queries.published_cases(q=q, tag=tag), 12).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/cases.html",
        {"page": page, "q": q, "tag": tag, "tags": queries.all_tags()},
    )


def case(request, pk: int):
    item = get_object_or_404(
        TypicalCase.objects.select_related("region", "programme"),
        pk=pk,
        status=CaseStatus.PUBLISHED,
    )
    return render(request, "showcase/case.html", {"case": item})


def case_image(request, pk: int):
    item = get_object_or_404(TypicalCase, pk=pk, status=CaseStatus.PUBLISHED)
    if not item.image:
        raise Http404
    response = FileResponse(
        item.image.open("rb"),
        content_type="image/png" if item.image.name.endswith(".png") else "image/jpeg",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
