"""Reads for the open-data pages."""

from django.db.models import QuerySet

from manabiba.programs.models import Program


def programs_for_export() -> QuerySet[Program]:
    """Every published programme, past sessions included: an event list is a record as well as a notice."""
    return (
        Program.objects.filter(status=Program.Status.PUBLISHED)
        .select_related("organizer", "facility__area", "room", "area")
        .prefetch_related("sessions")
        .order_by("first_starts_at", "pk")
    )
