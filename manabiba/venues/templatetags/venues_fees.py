"""The amount due after an exemption, for the booking page's list of exemptions."""

from django import template

from manabiba.facilities.models import FeeExemption

register = template.Library()


@register.filter
def venues_due(exemption: FeeExemption, fee: int) -> int:
    return exemption.amount_due(fee)
