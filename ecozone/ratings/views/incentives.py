"""The incentive entitlements that published results grant (SPEC §7.2): the province's list with
its counts and its Excel export; a city or county sees its own zones' in the same page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core.tabular import workbook_response
from ecozone.ratings import entitlement_queries as queries
from ecozone.ratings.excel import city_of, export_entitlements
from ecozone.ratings.forms_consequences import IncentiveFilterForm


def _filtered(request):
    # Everyone with a region scope reads (the province, departments, cities, counties);
    # experts have no region scope.
    permissions.require(permissions.can_list_regions(request.user))
    form = IncentiveFilterForm(request.GET, user=request.user)
    return form, queries.entitlements_for(request.user, **form.filters())


@login_required
def incentive_list(request):
    form, rows = _filtered(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for entitlement in page:
        entitlement.city_name = city_of(entitlement)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ratings/incentives.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "counts": queries.measure_counts(rows),
            "classes": queries.ENTITLED_CLASSES,
            "query": query.urlencode(),
        },
    )


@login_required
def incentive_export(request):
    _form, rows = _filtered(request)
    return workbook_response(export_entitlements(rows), _("incentives.xlsx"))
