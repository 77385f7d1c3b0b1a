"""The next session's start, for sorting "starting soon" (filled here for existing programmes)."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


def fill_next_starts(apps, schema_editor):  # type: ignore[no-untyped-def]
    program_model = apps.get_model("programs", "Program")
    session_model = apps.get_model("programs", "ProgramSession")
    now = timezone.now()
    sessions = session_model.objects.filter(program=OuterRef("pk"))
    coming = sessions.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
    program_model.objects.update(
        next_starts_at=Coalesce(
            Subquery(coming.order_by("starts_at").values("starts_at")[:1]),
            Subquery(sessions.order_by("-starts_at").values("starts_at")[:1]),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_organizer_editors"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="next_starts_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next session"),
        ),
        migrations.AddIndex(
            model_name="program",
            index=models.Index(fields=["status", "next_starts_at"], name="programs_status_next_starts"),
        ),
        migrations.RunPython(fill_next_starts, migrations.RunPython.noop),
    ]
