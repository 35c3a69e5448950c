from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core.tabular import ImportRejected, build_workbook, workbook_response
from ecozone.regions import services
from ecozone.regions.forms import ImportForm, RegionAttributesForm, RegionFilterForm
from ecozone.regions.models import Region
from ecozone.regions.queries import regions_for


def _region_in_scope(user, code: str) -> Region:
    return permissions.get_in_scope_or_404(user, Region.objects.select_related("parent"), code=code)


@login_required
def region_list(request):
    permissions.require(permissions.can_list_regions(request.user))
    form = RegionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    regions = regions_for(
        request.user,
        q=filters.get("q", ""),
        city=filters.get("city"),
        level=filters.get("level", ""),
    )
    page = Paginator(regions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "regions/list.html",
        {"form": form, "page": page, "can_edit": permissions.can_edit_regions(request.user)},
    )


@login_required
def region_detail(request, code: str):
    region = _region_in_scope(request.user, code)
    children = permissions.in_scope(request.user, region.children.all())
    designations = region.designations.select_related("programme", "batch")
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "children": children,
            "designations": designations,
            "changes": region.changes.select_related("by")[:50],
            "can_edit": permissions.can_edit_regions(request.user),
        },
    )


@login_required
def region_edit(request, code: str):
    region = _region_in_scope(request.user, code)
    permissions.require(permissions.can_edit_regions(request.user))
    initial = {
        "terrain": region.terrain,
        "coastal": region.coastal,
        "mountain_county": region.mountain_county,
    }
    form = RegionAttributesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = services.update_region_attributes(
            region,
            by=request.user,
            terrain=data["terrain"],
            coastal=data["coastal"],
            mountain_county=data["mountain_county"],
            reason=data["reason"],
        )
        if change is None:
            messages.info(request, _("Nothing was changed."))
        else:
            messages.success(
                request, _("The attributes of %(name)s were saved.") % {"name": region.name}
            )
        return redirect("regions:detail", code=region.code)
    return render(request, "regions/edit.html", {"region": region, "form": form})


@login_required
def region_import(request):
    permissions.require(permissions.can_edit_regions(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.import_regions(upload, by=request.user, source=upload.name)
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported: %(created)d regions added, %(updated)d corrected.")
                % {"created": summary.created, "updated": summary.updated},
            )
            return redirect("regions:list")
    return render(request, "regions/import.html", {"form": form, "import_errors": import_errors})


@login_required
def region_template(request):
    permissions.require(permissions.can_edit_regions(request.user))
    workbook = build_workbook(
        [
            (
                services.SHEET,
                list(services.COLUMNS.values()),
                [["110000", "北京市", "省", "", "", "否", "否"]],
            )
        ]
    )
    return workbook_response(workbook, _("region-import-template.xlsx"))
