import pytest
from pytest_django import DjangoAssertNumQueries

from manabiba.core.factories import AreaFactory
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.facilities.models import Facility
from manabiba.facilities.selectors import facilities_grouped_by_kind, facility_kind_counts, facility_list

pytestmark = pytest.mark.django_db


def test_facility_list_accepts_an_area_or_its_id() -> None:
    here = AreaFactory(name="北町")
    FacilityFactory(name="青嵐中学校", area=here, kind=Facility.Kind.SCHOOL_JUNIOR_HIGH)
    FacilityFactory(name="谷戸公民館", area=AreaFactory(name="谷戸町"))

    assert [f.name for f in facility_list(area=here)] == ["青嵐中学校"]
    assert [f.name for f in facility_list(area=here.pk)] == ["青嵐中学校"]
    assert len(facility_list()) == 2


def test_groups_follow_the_order_residents_look_in() -> None:
    FacilityFactory(name="田無小学校", school=True)
    FacilityFactory(name="中央図書館", library=True)
    FacilityFactory(name="柳沢公民館")

    groups = facilities_grouped_by_kind(facility_list())

    assert [group.kind for group in groups] == ["kominkan", "library", "school_elementary"]


def test_rooms_and_areas_come_loaded_in_name_order(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    facility = FacilityFactory(name="芝久保公民館")
    RoomFactory(facility=facility, name="B室")
    RoomFactory(facility=facility, name="A室")

    loaded = list(facility_list())

    with django_assert_num_queries(0):
        assert [room.name for room in loaded[0].rooms.all()] == ["A室", "B室"]
        assert loaded[0].area is not None


def test_kind_counts_leave_out_kinds_with_no_place() -> None:
    FacilityFactory(name="保谷こもれびホール", kind=Facility.Kind.HALL)
    FacilityFactory(name="コール田無", kind=Facility.Kind.HALL)

    counts = facility_kind_counts()

    assert [(row.kind, row.count) for row in counts] == [("hall", 2)]
