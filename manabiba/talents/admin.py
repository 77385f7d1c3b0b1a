from django.contrib import admin

from manabiba.talents.models import HonorariumRate


@admin.register(HonorariumRate)
class HonorariumRateAdmin(admin.ModelAdmin[HonorariumRate]):
    """The honorarium scale is the one talent-bank table staff edit directly."""

    list_display = ["name", "max_per_hour", "note", "sort_order", "active"]
    list_editable = ["max_per_hour", "sort_order", "active"]
