"""The honorarium scale a city starts from; staff change it in the admin."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SCALE = [
    ("一般講師", "General lecturer", 3000, "市民講師・地域の経験者", 1),
    ("有資格・専門講師", "Qualified or specialist lecturer", 5000, "資格や専門的な経験のある方", 2),
    ("大学教員・専門家", "University teacher or expert", 10000, "大学教員、士業等の専門家", 3),
]


def add_scale(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rate = apps.get_model("talents", "HonorariumRate")
    for name, name_en, amount, note, order in SCALE:
        rate.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "max_per_hour": amount, "note": note, "sort_order": order}
        )


def remove_scale(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("talents", "HonorariumRate").objects.filter(name__in=[row[0] for row in SCALE]).delete()


class Migration(migrations.Migration):
    dependencies = [("talents", "0001_initial")]

    operations = [migrations.RunPython(add_scale, remove_scale)]
