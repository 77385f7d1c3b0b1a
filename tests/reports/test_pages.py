"""The reports page, its exports and its API: who reaches them, and that they show the same figures."""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.figures import FigureFilter, FiscalYear, report
from tests.reports.conftest import City, build_city

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test').secret}"}


def tables_on(html: str) -> dict[str, list[list[str]]]:
    """Each figure's table on the page, as rows of cell texts (header first), keyed by the figure."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: dict[str, list[list[str]]] = {}
            self.key = ""
            self.cell: list[str] | None = None
            self.in_table = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if tag == "div" and found.get("data-figure"):
                self.key = found["data-figure"] or ""
            elif tag == "table" and self.key:
                self.in_table = True
                self.tables[self.key] = []
            elif tag == "tr" and self.in_table:
                self.tables[self.key].append([])
            elif tag in {"th", "td"} and self.in_table:
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in {"th", "td"} and self.cell is not None:
                self.tables[self.key][-1].append("".join(self.cell).strip())
                self.cell = None
            elif tag == "table":
                self.in_table = False

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(html)
    return parser.tables


def _cell(value: object) -> object:
    """A cell as the page shows it: a number as a number (a workbook keeps 20.0 as 20), no value as —."""
    if value is None or value == "—":
        return "—"
    try:
        return float(str(value))
    except ValueError:
        return str(value)


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.GROUP_ORGANISER, Role.TALENT, Role.DESK_STAFF, Role.FACILITY_STAFF]
)
def test_residents_groups_and_other_staff_never_reach_the_reports(
    client: Client, make_persona: Any, city: City, role: Role
) -> None:
    person = make_persona(role, email=f"{role.value}-x@example.jp")
    client.force_login(person)
    for url in (
        reverse("staff_reports:current"),
        reverse("staff_reports:year", args=[2026]),
        reverse("staff_reports:xlsx", args=[2026]),
        reverse("staff_reports:csv", args=[2026, "programs.by_month"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/staff/reports/2026", **bearer(person)).status_code == 403


def test_a_guest_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("staff_reports:current"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_coordinator_sees_the_whole_city_and_may_choose_a_department(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    page = client.get(reverse("staff_reports:current"), **EN).content.decode()
    tables = tables_on(page)
    assert ["Community group", "1", "0"] in tables["programs.by_organizer_kind"]
    assert "desk.by_hour_of_week" in tables  # the city-wide sections are there
    assert 'name="department"' in page
    sliced = tables_on(
        client.get(reverse("staff_reports:year", args=[2026]), {"department": city.childcare.pk}, **EN).content.decode()
    )
    assert ["City department", "2", "1"] in sliced["programs.by_organizer_kind"]
    assert "desk.by_hour_of_week" not in sliced


def test_department_staff_see_their_own_department_whatever_they_ask(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.sports_staff)
    page = client.get(reverse("staff_reports:current"), {"department": city.childcare.pk}, **EN).content.decode()
    tables = tables_on(page)
    assert 'name="department"' not in page
    assert ["スポーツ振興課", "2", "1"] in tables["consultations.by_department"]
    assert all(row[0] != "子育て支援課" for row in tables["consultations.by_department"])
    api = client.get("/api/v1/staff/reports/2026", {"department": city.childcare.pk}, **bearer(city.sports_staff))
    assert api.status_code == 200
    assert api.json()["filters"]["department"] == city.sports.pk


def test_the_year_switcher_links_to_the_previous_year_and_keeps_the_filter(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    page = client.get(reverse("staff_reports:current"), {"area": city.area.pk}, **EN).content.decode()
    previous = f'href="{reverse("staff_reports:year", args=[2025])}?area={city.area.pk}"'
    assert previous in page
    last_year = tables_on(client.get(reverse("staff_reports:year", args=[2025]), **EN).content.decode())
    assert last_year["programs.by_month"][0] == ["Item", "FY2025", "FY2024"]
    assert ["June", "2", "0"] in last_year["programs.by_month"]
    assert client.get(reverse("staff_reports:year", args=[2019])).status_code == 404


def test_charts_have_a_summary_and_the_table_beside_them(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    page = client.get(reverse("staff_reports:current"), **EN).content.decode()
    assert "<svg" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    # Months add up; the first row of a table of separate measures is its headline.
    assert "Programmes held per month: 5 in FY2026, up from 2 in FY2025; the most in May." in page
    assert "Applications: 10 in FY2026, up from 4 in FY2025." in page


def test_every_table_downloads_as_csv_with_the_pages_cells(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    tables = tables_on(client.get(reverse("staff_reports:current"), **EN).content.decode())
    for key, rows in tables.items():
        response = client.get(reverse("staff_reports:csv", args=[2026, key]), **EN)
        assert response.status_code == 200
        body = response.content.decode("utf-8")
        assert body.startswith("\ufeff")
        read = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert [[cell or "—" for cell in row] for row in read] == rows, key
    assert client.get(reverse("staff_reports:csv", args=[2026, "nothing.here"])).status_code == 404


def test_the_workbook_has_a_sheet_per_section_matching_the_page_cell_by_cell(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    page = client.get(reverse("staff_reports:current")).content.decode()  # in Japanese, as the office uses it
    tables = tables_on(page)
    response = client.get(reverse("staff_reports:xlsx", args=[2026]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    with translation.override("ja"):
        sections = report(FiscalYear(2026), FigureFilter())
        year_label = FiscalYear(2026).label
    assert book.sheetnames == [section.title for section in sections]
    for section in sections:
        sheet = book[section.title]
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert cells[0][0] == f"{section.title} — {year_label}"
        at = 1  # the empty row before each table
        for found in section.figures:
            assert cells[at][0] is None
            assert cells[at + 1][0] == found.title
            table = tables[found.key]
            for offset, expected in enumerate(table):
                got = cells[at + 2 + offset][: len(expected)]
                assert [_cell(value) for value in got] == [_cell(text) for text in expected], found.key
            first_value = found.rows[0].values[0] if found.rows else None
            if found.unit == "count" and isinstance(first_value, int) and "%" not in found.rows[0].label:
                assert sheet.cell(row=at + 4, column=2).number_format == "#,##0", found.key
            at += 2 + len(table)
        assert len(cells) == at


def test_the_api_answers_the_same_figures_as_the_page(client: Client, city: City) -> None:
    build_city(city)
    client.force_login(city.coordinator)
    tables = tables_on(client.get(reverse("staff_reports:current"), **EN).content.decode())
    answer = client.get("/api/v1/staff/reports/2026", **bearer(city.coordinator), **EN)
    assert answer.status_code == 200
    body = answer.json()
    assert body["fiscal_year"] == 2026
    assert body["starts_on"] == "2026-04-01"
    assert body["ends_on"] == "2027-03-31"
    for section in body["sections"]:
        for found in section["figures"]:
            rows = [["Item", *found["columns"]]] + [
                [row["label"], *("—" if v is None else str(v) for v in row["values"])] for row in found["rows"]
            ]
            assert rows == tables[found["key"]], found["key"]
    assert client.get("/api/v1/staff/reports/2010", **bearer(city.coordinator)).status_code == 404
    assert client.get("/api/v1/staff/reports/2026").status_code == 401
    assert client.get("/api/v1/staff/reports/this-year", **bearer(city.coordinator)).status_code == 422


def test_the_workspace_links_to_the_reports(client: Client, city: City) -> None:
    client.force_login(city.sports_staff)
    assert reverse("staff_reports:current") in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(city.desk)
    assert reverse("staff_reports:current") not in client.get(reverse("staff:dashboard")).content.decode()
