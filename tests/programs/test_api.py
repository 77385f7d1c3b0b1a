"""The programmes API: the catalogue's search and detail, and staff-token writes through the services."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_script_prefix

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.models import AuditEntry
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.programs.factories import AudienceFactory, CategoryFactory, OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import catalogue_changed, program_listings
from manabiba.programs.services import program_update

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test').secret}"}


def get(client: Client, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def department_staff(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.DEPARTMENT_STAFF, email="staff@example.jp", department=DepartmentFactory())


@pytest.fixture
def own_organizer(department_staff: User) -> Organizer:
    return OrganizerFactory(name="社会教育課", department=department_staff.department)


def test_the_search_answers_count_and_items_with_absolute_urls(client: Client) -> None:
    pottery = CategoryFactory(major="芸術・文化")
    elders = AudienceFactory(name="高齢者")
    program = ProgramFactory(
        published=True,
        course=True,
        title="陶芸入門",
        title_kana="とうげいにゅうもん",
        categories=[pottery],
        audiences=[elders],
        fee="paid",
        fee_amount=800,
        capacity=12,
    )
    ProgramFactory(title="下書き")

    body = get(client, "/api/v1/programs")

    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == program.pk
    assert item["title"] == "陶芸入門"
    assert item["title_kana"] == "とうげいにゅうもん"
    assert item["url"] == f"http://testserver/programs/{program.pk}/"
    assert item["organizer"]["name"] == program.organizer.name
    assert item["categories"] == [{"id": pottery.pk, "name": "芸術・文化"}]
    assert item["audiences"] == [{"id": elders.pk, "name": "高齢者"}]
    assert len(item["sessions"]) == 4
    first = program.sessions.order_by("starts_at").first()
    assert first is not None
    assert datetime.fromisoformat(item["sessions"][0]["start"]) == first.starts_at
    assert item["sessions"][0]["start"].endswith("+09:00")
    assert item["venue"]["name"] == "テスト会場"
    assert (item["fee"], item["fee_amount"], item["capacity"], item["status"]) == ("paid", 800, 12, "published")


def test_an_item_names_its_venue_area_fields_and_audiences_as_the_programme_page_does(client: Client) -> None:
    room = RoomFactory(facility=FacilityFactory(name="谷戸公民館", address="西東京市谷戸町二丁目"), name="講座室")
    later_field = CategoryFactory(major="健康・スポーツ", minor="ヨガ", sort_order=2)
    first_field = CategoryFactory(major="芸術・文化", sort_order=1)
    held = ProgramFactory(
        published=True,
        course=True,
        title="谷戸のヨガ",
        facility=room.facility,
        room=room,
        area=room.facility.area,
        venue_address="",
        categories=[later_field, first_field],
        audiences=[AudienceFactory(name="高齢者", sort_order=2), AudienceFactory(name="親子", sort_order=1)],
    )
    online = ProgramFactory(
        published=True, course=True, title="オンライン講座", venue_name="", is_online=True, area=None
    )

    items = {item["id"]: item for item in get(client, "/api/v1/programs")["items"]}

    item = items[held.pk]
    assert item["venue"] == {
        "name": "谷戸公民館 講座室",
        "address": "西東京市谷戸町二丁目",
        "facility_id": room.facility.pk,
        "online": False,
    }
    assert item["area"] == {"id": room.facility.area.pk, "name": room.facility.area.name}
    assert [c["name"] for c in item["categories"]] == ["芸術・文化", "健康・スポーツ / ヨガ"]
    assert [a["name"] for a in item["audiences"]] == ["親子", "高齢者"]
    starts = [datetime.fromisoformat(s["start"]) for s in item["sessions"]]
    assert starts == [session.starts_at for session in held.sessions.order_by("starts_at")]
    assert all(s["start"].endswith("+09:00") for s in item["sessions"])
    assert items[online.pk]["venue"]["name"] == "オンライン"
    assert items[online.pk]["area"] is None
    detail = get(client, f"/api/v1/programs/{held.pk}")
    assert {name: detail[name] for name in item} == item


def test_an_organiser_venue_or_field_added_since_the_last_search_is_named(client: Client) -> None:
    ProgramFactory(published=True, course=True, title="陶芸入門")
    later = ProgramFactory(published=True, course=True, title="茶道入門")
    assert get(client, "/api/v1/programs", q="陶芸")["count"] == 1  # the names are read, and kept
    # Rows written outside the services (as a shell or a script would): no new catalogue version.
    room = RoomFactory(facility=FacilityFactory(name="新しい公民館"), name="和室")
    Program.objects.filter(pk=later.pk).update(
        organizer=OrganizerFactory(name="新しい市民団体"), facility=room.facility, room=room
    )
    later.categories.add(CategoryFactory(major="茶道"))
    later.audiences.add(AudienceFactory(name="新しい対象"))

    item = get(client, "/api/v1/programs", q="茶道")["items"][0]

    assert item["id"] == later.pk
    assert item["organizer"]["name"] == "新しい市民団体"
    assert item["venue"]["name"] == "新しい公民館 和室"
    assert [c["name"] for c in item["categories"]] == ["茶道"]
    assert [a["name"] for a in item["audiences"]] == ["新しい対象"]


def test_a_renamed_organiser_venue_or_field_shows_at_once_in_the_list_and_the_detail(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    room = RoomFactory(facility=FacilityFactory(name="谷戸公民館"), name="講座室")
    field = CategoryFactory(major="芸術・文化")
    program = ProgramFactory(
        published=True, course=True, title="陶芸入門", facility=room.facility, room=room, categories=[field]
    )
    assert get(client, "/api/v1/programs", q="陶芸")["items"][0]["venue"]["name"] == "谷戸公民館 講座室"

    with django_capture_on_commit_callbacks(execute=True):
        organizer = program.organizer
        organizer.name = "生涯学習課"
        organizer.save()
        room.facility.name = "谷戸公民館（新館）"
        room.facility.save()
        field.major = "文化・芸術"
        field.save()

    for item in (
        get(client, "/api/v1/programs", q="陶芸", limit=5)["items"][0],
        get(client, f"/api/v1/programs/{program.pk}"),
    ):
        assert item["organizer"]["name"] == "生涯学習課"
        assert item["venue"]["name"] == "谷戸公民館（新館） 講座室"
        assert [c["name"] for c in item["categories"]] == ["文化・芸術"]


def test_an_items_address_follows_the_path_the_site_is_served_under(client: Client) -> None:
    program = ProgramFactory(published=True, title="陶芸入門")

    with override_script_prefix("/manabiba/"):
        under = get(client, "/api/v1/programs")["items"][0]["url"]
    at_root = get(client, "/api/v1/programs")["items"][0]["url"]

    assert under == f"http://testserver/manabiba/programs/{program.pk}/"
    assert at_root == f"http://testserver/programs/{program.pk}/"


def test_moments_are_written_alike_in_the_list_and_the_detail(client: Client) -> None:
    program = ProgramFactory(published=True, title="陶芸入門")
    session = program.sessions.get()
    session.starts_at = session.starts_at.replace(microsecond=123456)
    session.save()
    Program.objects.filter(pk=program.pk).update(
        applications_close_at=session.starts_at - timedelta(days=1), application=Program.Application.SITE
    )
    catalogue_changed()

    listed = client.get("/api/v1/programs").content.decode()
    detail = client.get(f"/api/v1/programs/{program.pk}").content.decode()

    start = datetime.fromisoformat(get(client, "/api/v1/programs")["items"][0]["sessions"][0]["start"])
    written = start.isoformat(timespec="milliseconds")
    assert written.endswith(".123+09:00")
    assert f'"start":"{written}"' in listed.replace(" ", "")
    assert f'"start":"{written}"' in detail.replace(" ", "")
    closes = get(client, f"/api/v1/programs/{program.pk}")["applications_close_at"]
    assert f'"applications_close_at":"{closes}"' in listed.replace(" ", "")


def test_the_search_takes_the_listings_filters_and_a_keyword(client: Client) -> None:
    ProgramFactory(published=True, weekend=True, title="週末の陶芸")
    ProgramFactory(published=True, title="平日の陶芸")
    ProgramFactory(published=True, weekend=True, title="週末の体操", fee="paid", fee_amount=500)

    weekend_free = get(client, "/api/v1/programs", when="weekend", free="true")
    pottery = get(client, "/api/v1/programs", q="陶芸")

    assert [i["title"] for i in weekend_free["items"]] == ["週末の陶芸"]
    assert sorted(i["title"] for i in pottery["items"]) == ["平日の陶芸", "週末の陶芸"]
    assert pottery["count"] == 2


def test_several_values_of_one_filter_mean_any_of_them(client: Client) -> None:
    art, sport = CategoryFactory(major="芸術"), CategoryFactory(major="スポーツ")
    ProgramFactory(published=True, title="絵画", categories=[art])
    ProgramFactory(published=True, title="卓球", categories=[sport])
    ProgramFactory(published=True, title="料理")

    body = client.get(f"/api/v1/programs?category={art.pk}&category={sport.pk}").json()

    assert sorted(i["title"] for i in body["items"]) == ["卓球", "絵画"]


def test_finished_programmes_only_with_include_past(client: Client) -> None:
    ProgramFactory(published=True, past=True, title="終わった講座")
    ProgramFactory(published=True, title="これからの講座")

    assert [i["title"] for i in get(client, "/api/v1/programs")["items"]] == ["これからの講座"]
    titles = {i["title"] for i in get(client, "/api/v1/programs", include_past="true")["items"]}
    assert titles == {"終わった講座", "これからの講座"}


def test_limit_and_offset_page_through_the_results(client: Client) -> None:
    base = datetime(2030, 1, 7, 10, tzinfo=TOKYO)
    for n in range(5):
        ProgramFactory(published=True, title=f"講座{n}", starts_at=base + timedelta(days=n))

    page = get(client, "/api/v1/programs", limit=2, offset=2)

    assert page["count"] == 5
    assert [i["title"] for i in page["items"]] == ["講座2", "講座3"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 101}, "limit"), ({"limit": 0}, "limit"), ({"when": "midnight"}, "when"), ({"offset": -1}, "offset")],
)
def test_bad_parameters_are_refused_naming_them(client: Client, params: dict[str, Any], field: str) -> None:
    response = client.get("/api/v1/programs", params)

    assert response.status_code == 422
    assert field in {path.split(".")[0] for path in response.json()["errors"]}


def test_one_programme_in_detail_and_404_for_what_is_not_public(client: Client) -> None:
    program = ProgramFactory(published=True, title="防災講座", contact_phone="042-000-0000")
    draft = ProgramFactory(title="下書き")

    body = get(client, f"/api/v1/programs/{program.pk}")
    missing = client.get(f"/api/v1/programs/{draft.pk}", HTTP_ACCEPT_LANGUAGE="en")
    missing_ja = client.get(f"/api/v1/programs/{draft.pk}", HTTP_ACCEPT_LANGUAGE="ja")

    assert body["title"] == "防災講座"
    assert body["contact_phone"] == "042-000-0000"
    assert body["url"] == f"http://testserver/programs/{program.pk}/"
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such programme.", "field": None, "errors": {}}
    assert missing_ja.status_code == 404
    assert isinstance(missing_ja.json()["detail"], str)


def new_programme(organizer: Organizer, **fields: Any) -> dict[str, Any]:
    return {
        "title": "はじめてのスマホ",
        "organizer_id": organizer.pk,
        "summary": "スマートフォンの基本を学びます。",
        "fee": "free",
        "capacity": 20,
        "sessions": [
            {"start": "2030-06-01T13:30:00+09:00", "end": "2030-06-01T15:00:00+09:00"},
            {"start": "2030-06-08T13:30:00+09:00", "end": "2030-06-08T15:00:00+09:00"},
        ],
        **fields,
    }


def test_staff_create_update_and_publish_with_a_token(
    client: Client, department_staff: User, own_organizer: Organizer
) -> None:
    auth = bearer(department_staff)
    category = CategoryFactory(major="情報")

    created = client.post(
        "/api/v1/programs",
        new_programme(own_organizer, category_ids=[category.pk]),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    program_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["categories"] == [{"id": category.pk, "name": "情報"}]

    changed = client.patch(f"/api/v1/programs/{program_id}", {"capacity": 30}, content_type="application/json", **auth)
    assert changed.status_code == 200, changed.content
    assert changed.json()["capacity"] == 30
    assert changed.json()["title"] == "はじめてのスマホ"

    published = client.post(f"/api/v1/programs/{program_id}/publish", **auth)
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"

    program = Program.objects.get(pk=program_id)
    assert program.created_by == department_staff
    assert [s.starts_at for s in program.sessions.order_by("starts_at")] == [
        datetime(2030, 6, 1, 13, 30, tzinfo=TOKYO),
        datetime(2030, 6, 8, 13, 30, tzinfo=TOKYO),
    ]
    actions = set(AuditEntry.objects.filter(actor=department_staff).values_list("action", flat=True))
    assert {"programs.program.created", "programs.program.updated", "programs.program.published"} <= actions
    # Published through the API, it is found by the public search straight away.
    assert [i["id"] for i in get(client, "/api/v1/programs", q="スマホ")["items"]] == [program_id]


def test_writes_need_a_token(client: Client, own_organizer: Organizer) -> None:
    response = client.post("/api/v1/programs", new_programme(own_organizer), content_type="application/json")

    assert response.status_code == 401
    assert not Program.objects.exists()


def test_a_resident_cannot_create_and_staff_cannot_publish_another_departments_programme(
    client: Client, resident: User, department_staff: User
) -> None:
    other = ProgramFactory(title="他課の講座")

    refused = client.post(
        "/api/v1/programs",
        new_programme(other.organizer),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(resident),
    )
    not_theirs = client.post(
        f"/api/v1/programs/{other.pk}/publish", HTTP_ACCEPT_LANGUAGE="en", **bearer(department_staff)
    )
    not_theirs_patch = client.patch(
        f"/api/v1/programs/{other.pk}",
        {"title": "乗っ取り"},
        content_type="application/json",
        **bearer(department_staff),
    )

    assert refused.status_code == 403
    assert refused.json()["detail"] == "You cannot create programmes."
    assert not_theirs.status_code == 404  # a draft of another department is not even visible
    assert not_theirs_patch.status_code == 404
    published = ProgramFactory(published=True, title="他課の公開講座")
    patch = client.patch(
        f"/api/v1/programs/{published.pk}",
        {"title": "乗っ取り"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(department_staff),
    )
    assert patch.status_code == 403
    assert patch.json()["detail"] == "You cannot change this programme."
    published.refresh_from_db()
    assert published.title == "他課の公開講座"
    assert Program.objects.count() == 2


def test_errors_are_in_the_callers_language(client: Client, department_staff: User, own_organizer: Organizer) -> None:
    def post(language: str) -> Any:
        return client.post(
            "/api/v1/programs",
            new_programme(own_organizer, application_url="not a url"),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
            **bearer(department_staff),
        )

    english, japanese = post("en"), post("ja")

    assert english.status_code == japanese.status_code == 422
    assert english.json() == {
        "detail": "Enter a valid URL.",
        "field": "application_url",
        "errors": {"application_url": ["Enter a valid URL."]},
    }
    assert japanese.json() == {
        "detail": "URLを正しく入力してください。",
        "field": "application_url",
        "errors": {"application_url": ["URLを正しく入力してください。"]},
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"organizer_id": 999999}, "organizer_id"),
        ({"category_ids": [999999]}, "category_ids"),
        ({"sessions": [{"start": "2030-06-01T15:00:00+09:00", "end": "2030-06-01T13:00:00+09:00"}]}, "sessions"),
        ({"sessions": [{"start": "2030-06-01T15:00:00"}]}, "sessions"),
        ({"application_url": "not a url"}, "application_url"),
    ],
)
def test_invalid_programmes_are_refused_with_the_field_and_nothing_is_written(
    client: Client, department_staff: User, own_organizer: Organizer, fields: dict[str, Any], field: str | None
) -> None:
    response = client.post(
        "/api/v1/programs",
        new_programme(own_organizer, **fields),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(department_staff),
    )

    assert response.status_code == 422, response.content
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["field"] == field
    assert not Program.objects.exists()


def test_a_missing_title_is_refused_naming_it(client: Client, department_staff: User, own_organizer: Organizer) -> None:
    payload = new_programme(own_organizer)
    del payload["title"]

    response = client.post("/api/v1/programs", payload, content_type="application/json", **bearer(department_staff))

    assert response.status_code == 422
    assert "title" in response.json()["errors"]
    assert not Program.objects.exists()


def test_a_failed_update_changes_nothing(client: Client, department_staff: User, own_organizer: Organizer) -> None:
    program = ProgramFactory(organizer=own_organizer, title="元の題名", capacity=10)

    response = client.patch(
        f"/api/v1/programs/{program.pk}",
        {"title": "新しい題名", "capacity": 5, "min_participants": 8, "category_ids": [999999]},
        content_type="application/json",
        **bearer(department_staff),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "category_ids"
    program.refresh_from_db()
    assert (program.title, program.capacity) == ("元の題名", 10)


def test_publishing_without_dates_is_refused(client: Client, department_staff: User, own_organizer: Organizer) -> None:
    program = ProgramFactory(organizer=own_organizer, sessions=[])

    response = client.post(
        f"/api/v1/programs/{program.pk}/publish", HTTP_ACCEPT_LANGUAGE="en", **bearer(department_staff)
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "Add at least one date before publishing."
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_the_openapi_document_lists_the_programme_endpoints(client: Client) -> None:
    paths = get(client, "/api/v1/openapi.json")["paths"]

    assert {"/api/v1/programs", "/api/v1/programs/{program_id}", "/api/v1/programs/{program_id}/publish"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/programs"])
    assert "patch" in paths["/api/v1/programs/{program_id}"]


def test_the_openapi_document_declares_the_answers_moments_as_date_times(client: Client) -> None:
    schemas = get(client, "/api/v1/openapi.json")["components"]["schemas"]

    def moment(schema: dict[str, Any]) -> dict[str, Any]:
        return next((s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"), {})

    assert moment(schemas["SessionOut"]["properties"]["start"])["format"] == "date-time"
    assert moment(schemas["SessionOut"]["properties"]["end"])["format"] == "date-time"
    assert moment(schemas["ProgramOut"]["properties"]["applications_close_at"])["format"] == "date-time"
    assert moment(schemas["ProgramDetailOut"]["properties"]["published_at"])["format"] == "date-time"


def test_the_search_reads_a_fixed_number_of_queries(client: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/programs").status_code == 200
        return len(captured)

    ProgramFactory(published=True, course=True, categories=[CategoryFactory()], audiences=[AudienceFactory()])
    few = queries()
    for _ in range(4):
        ProgramFactory(published=True, course=True, categories=[CategoryFactory()], audiences=[AudienceFactory()])

    assert queries() == few


def test_the_human_api_docs_are_served_locally_under_the_csp(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "<script>" not in html
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")


def test_the_search_keeps_each_items_programme_until_it_changes(client: Client) -> None:
    program = ProgramFactory(published=True, course=True, title="陶芸入門")
    assert [item["title"] for item in get(client, "/api/v1/programs", q="陶芸")["items"]] == ["陶芸入門"]
    with CaptureQueriesContext(connection) as captured:
        again = get(client, "/api/v1/programs", q="陶芸", limit=10)  # another query: not a cached answer
    assert [item["title"] for item in again["items"]] == ["陶芸入門"]
    assert again["items"][0]["url"] == f"http://testserver/programs/{program.pk}/"
    assert not [query["sql"] for query in captured if "programs_programsession" in query["sql"]]
    program_update(program=program, actor=None, title="陶芸入門（秋）")
    assert [item["title"] for item in get(client, "/api/v1/programs", q="陶芸", limit=10)["items"]] == [
        "陶芸入門（秋）"
    ]


def test_items_are_the_same_read_together_or_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # On PostgreSQL the three statements go in one round trip, unless the connection binds values
    # on the server (then one by one): what a caller gets must not depend on it.
    programs = [
        ProgramFactory(published=True, course=True, categories=[CategoryFactory()], audiences=[AudienceFactory()])
        for _ in range(3)
    ]
    ids = [p.pk for p in programs]
    together = program_listings(ids)
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", True)
    one_by_one = program_listings(ids)
    assert together == one_by_one
    assert all(together[pk]["sessions"] and len(together[pk]["categories"]) == 1 for pk in ids)
