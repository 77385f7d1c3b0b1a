from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from manabiba.accounts.models import Department
from manabiba.core.models import Area, AuditEntry
from manabiba.core.reference import REFERENCE_DIR, areas_load
from manabiba.facilities.models import Facility
from manabiba.facilities.reference import area_for_address, facilities_load
from manabiba.programs.factories import AudienceFactory, CategoryFactory
from manabiba.programs.models import Audience, Category

pytestmark = pytest.mark.django_db


def load_reference() -> str:
    out = StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def test_loading_twice_creates_everything_once_and_then_changes_nothing() -> None:
    first = load_reference()
    snapshot = {
        model: sorted(model._default_manager.values_list("pk", flat=True))
        for model in (Area, Department, Category, Audience, Facility)
    }

    second = load_reference()

    assert "areas: 22 created, 0 updated" in first
    assert "facilities: 40 created, 0 updated" in first
    assert "desk hours: 0 created" not in first
    # 28 rooms, 12 exemptions and 3 default frames for each of 8 facilities; the two schools open at weekends only.
    assert "rooms: 64 created, 2 updated" in first
    # Every loader (areas … desk contact) changes nothing the second time.
    assert second.count("0 created, 0 updated") == 8
    assert Area.objects.count() == 22
    assert Department.objects.count() >= 13
    assert Category.objects.count() == 14
    assert Audience.objects.count() == 12
    assert {
        model: sorted(model._default_manager.values_list("pk", flat=True))
        for model in (Area, Department, Category, Audience, Facility)
    } == snapshot
    assert AuditEntry.objects.filter(action="core.areas.loaded").count() == 1


def test_facilities_are_linked_to_the_town_their_address_starts_with() -> None:
    load_reference()

    station = Facility.objects.get(name="保谷駅前公民館")
    assert station.area is not None
    assert station.area.name == "東町"
    assert station.kind == Facility.Kind.KOMINKAN
    assert station.coordinates is not None
    assert Facility.objects.get(name="田無第二中学校").area == Area.objects.get(name="北原町")
    assert not Facility.objects.filter(area__isnull=True).exclude(address="").exists()
    assert Facility.objects.filter(area__isnull=False).count() >= 20


def test_the_longest_town_name_wins_when_one_name_starts_another() -> None:
    areas = [Area(name="ひばりが丘"), Area(name="ひばりが丘北"), Area(name="東町")]

    assert area_for_address("ひばりが丘北一丁目1番1号", areas) is areas[1]
    assert area_for_address("ひばりが丘二丁目", areas) is areas[0]
    assert area_for_address("三鷹市下連雀", areas) is None


def test_a_corrected_csv_updates_the_row_in_place(tmp_path: Path) -> None:
    areas_load()
    town = Area.objects.get(name="向台町")
    corrected = (
        (REFERENCE_DIR / "areas.csv").read_text(encoding="utf-8").replace("向台町,,", "向台町,むかいだいちょう,")
    )
    path = tmp_path / "areas.csv"
    # Written with a BOM, as spreadsheet programs save it.
    path.write_text(corrected, encoding="utf-8-sig")

    counts = areas_load(path=path)

    assert counts == (0, 1)
    town.refresh_from_db()
    assert town.kana == "むかいだいちょう"
    assert Area.objects.count() == 22
    assert areas_load(path=path) == (0, 0)


def test_a_load_that_fails_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "facilities.csv"
    path.write_text(
        "name,kana,kind,address,lat,lon,phone,notes\n新しい公民館,,kominkan,,,,,\n謎の施設,,castle,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="castle"):
        facilities_load(path=path)

    assert not Facility.objects.exists()
    assert not AuditEntry.objects.filter(action="facilities.facilities.loaded").exists()


def test_rows_the_city_added_itself_survive_a_reload() -> None:
    local_field = CategoryFactory(major="その他", minor="郷土理解")
    local_audience = AudienceFactory(name="外国籍の方")

    load_reference()
    load_reference()

    assert Category.objects.filter(pk=local_field.pk).exists()
    assert Audience.objects.filter(pk=local_audience.pk).exists()
    assert Category.objects.filter(major="その他").count() == 2
