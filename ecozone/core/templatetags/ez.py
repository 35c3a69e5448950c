from decimal import Decimal

from django import template
from django.utils.translation import gettext

from ecozone.indicators.rules import fmt

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ errors|get_item:code }}`: a dictionary entry by a variable key."""
    return (mapping or {}).get(key)


@register.filter
def plain(number):
    """A decimal as people write it (93.2, 100), without trailing zeros or exponent."""
    if number is None or number == "":
        return ""
    return fmt(Decimal(number))


@register.filter
def star_text(stars):
    """★★★★★ for 5, "rating revoked" (取消评星) for 0, — when not rated."""
    if stars is None or stars == "":
        return "—"
    stars = int(stars)
    return "★" * stars if stars else gettext("rating revoked")
