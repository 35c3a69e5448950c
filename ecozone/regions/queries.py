from django.db.models import Q

from ecozone.accounts.permissions import in_scope
from ecozone.regions.models import Region


def regions_for(user, *, q: str = "", city=None, level: str = ""):
    regions = in_scope(user, Region.objects.select_related("parent"))
    if q:
        regions = regions.filter(Q(name__contains=q) | Q(code__startswith=q))
    if city is not None:
        regions = regions.filter(Q(pk=city.pk) | Q(parent=city))
    if level:
        regions = regions.filter(level=level)
    return regions
