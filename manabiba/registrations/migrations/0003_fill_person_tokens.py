"""Person tokens for the registrations that existed before them (the backfill).

Each registration of a programme with a first session gets the token of its person under its fiscal
year's salt (made here for the years that need one). Figures already kept by the purge carry no
person and stay without a token: the count of different people of those years is unknown.
Reversed: the tokens are emptied and the salts deleted.

Either way the participants' kept report sections (``core.FigureSnapshot`` of ``registrations``)
are dropped: they were counted by the code before (without the unique participants, or with them)
and nothing in their rows changed to retire them; the next view or ``figures_refresh`` counts them.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from manabiba.registrations.people import new_salt, person_key, person_token, token_fiscal_year

BATCH = 2000


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    registration_model = apps.get_model("registrations", "Registration")
    salt_model = apps.get_model("registrations", "FiscalYearSalt")
    salts = dict(salt_model.objects.values_list("fiscal_year", "salt"))
    changed = []
    rows = registration_model.objects.filter(person_token="", program__first_starts_at__isnull=False).select_related(
        "program"
    )
    for registration in rows.iterator(chunk_size=BATCH):
        year = token_fiscal_year(registration.program.first_starts_at)
        if year is None:
            continue
        if year not in salts:
            salts[year] = salt_model.objects.create(fiscal_year=year, salt=new_salt()).salt
        key = person_key(
            user_id=registration.user_id,
            email=registration.email,
            phone=registration.phone,
            registration_id=registration.pk,
        )
        registration.person_token = person_token(salts[year], key) if salts[year] else ""
        registration.person_token_year = year
        changed.append(registration)
    registration_model.objects.bulk_update(changed, ["person_token", "person_token_year"], batch_size=BATCH)
    retire_kept_sections(apps, schema_editor)


def retire_kept_sections(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("core", "FigureSnapshot").objects.filter(source="registrations").delete()


def empty(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("registrations", "Registration").objects.update(person_token="", person_token_year=None)
    apps.get_model("registrations", "ParticipationFigure").objects.update(person_token="")
    apps.get_model("registrations", "FiscalYearSalt").objects.all().delete()
    retire_kept_sections(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registrations", "0002_person_tokens"), ("core", "0005_figure_snapshots")]

    operations = [migrations.RunPython(fill, empty)]
