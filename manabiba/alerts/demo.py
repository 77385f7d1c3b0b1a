"""Demo saved searches: the demo resident hears of new programmes in the field and the town that have the
most of them, so `manabiba alerts_send` has something to mail at once (they last looked a week ago).

A second run finds each saved search by its conditions and changes nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.services import saved_search_create
from manabiba.programs.models import Program

DEMO_DOMAIN = "demo.manabiba.jp"
RESIDENT_EMAIL = f"resident@{DEMO_DOMAIN}"


@transaction.atomic
def demo_alerts_seed() -> list[str]:
    resident = User.objects.filter(email=RESIDENT_EMAIL).first()
    if resident is None:
        return []
    published = Program.objects.filter(status=Program.Status.PUBLISHED)
    field = (
        Program.categories.through.objects.filter(program__in=published)
        .values("category_id")
        .annotate(n=Count("program_id"))
        .order_by("-n", "category_id")
        .first()
    )
    area = published.exclude(area=None).values("area_id").annotate(n=Count("pk")).order_by("-n", "area_id").first()
    queries = []
    if field is not None:
        queries.append(f"category={field['category_id']}")
    if area is not None:
        queries.append(f"area={area['area_id']}&free=1")
    created = 0
    now = timezone.now()
    for query in queries:
        saved_search, made = saved_search_create(user=resident, query=query, language=resident.language or "ja")
        if made:
            # Saved a month ago and last looked at a week ago: the week's new programmes are news.
            SavedSearch.objects.filter(pk=saved_search.pk).update(
                created_at=now - timedelta(days=30), last_checked_at=now - timedelta(days=7)
            )
            created += 1
    return [f"saved searches (new-programme mail): {created} created"]
