import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from manabiba.core.factories import AreaFactory
from manabiba.opendata.exporter import events_export
from manabiba.opendata.importer import events_import
from manabiba.opendata.layouts import LAYOUTS
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program

from .conftest import OPENDATA_DIR

pytestmark = pytest.mark.usefixtures("reference")

STANDARD_HEADER = (
    "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,イベント名_カナ,イベント名_英語,開始日,終了日,"
    "開始時間,終了時間,開始日時特記事項,説明,料金(基本),料金(詳細),連絡先名称,連絡先電話番号,連絡先内線番号,主催者,"
    "場所名称,住所,方書,緯度,経度,アクセス方法,駐車場情報,定員,参加申込終了日,参加申込終了時間,参加申込方法,URL,備考"
)


def _catalogue() -> list[tuple[object, ...]]:
    """What a resident sees of each programme: title, venue, fee and every session."""
    return sorted(
        (
            program.title,
            program.venue_label,
            program.venue_address,
            program.fee,
            program.fee_amount,
            program.capacity,
            program.kind,
            program.organizer.name,
            tuple((s.starts_at, s.ends_at, s.note) for s in program.sessions.all()),
        )
        for program in Program.objects.select_related("organizer", "facility", "room").prefetch_related("sessions")
    )


def test_the_export_has_exactly_the_standard_header_and_one_row_per_session() -> None:
    events_import(paths=[OPENDATA_DIR / "events-kodaira.csv"])

    text = events_export(Program.objects.all())
    rows = list(csv.reader(io.StringIO(text)))

    assert text.splitlines()[0] == STANDARD_HEADER
    assert len(rows[0]) == 32
    assert len(rows) - 1 == sum(program.sessions.count() for program in Program.objects.all())
    by_title = Counter(row[4] for row in rows[1:])
    assert by_title["中央公民館 子育て支援講座 知って得する ママと赤ちゃん はじめのいーっぽ"] == 7
    assert {row[0] for row in rows[1:]} == {"132110"}
    assert {row[3] for row in rows[1:]} == {"小平市"}
    assert [row[1] for row in rows[1:4]] == ["1", "2", "3"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_export_imported_into_an_empty_database_gives_the_same_programmes(tmp_path: Path, layout: str) -> None:
    events_import(paths=[OPENDATA_DIR / "events-nishitokyo.csv", OPENDATA_DIR / "events-mitaka.csv"])
    before = _catalogue()
    path = tmp_path / "export.csv"
    path.write_text(events_export(Program.objects.all(), layout=layout), encoding="utf-8")
    Program.objects.all().delete()

    report = events_import(paths=[path])

    assert report.ok, [str(error) for error in report.errors]
    assert report.files[0].layout == layout
    assert _catalogue() == before
    assert len(before) > 50


def test_a_session_without_times_is_written_without_times(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text("イベント名,開始日,終了日\n屋敷林の公開,2030-11-01,2030-11-03\n", encoding="utf-8")
    events_import(paths=[path])

    rows = list(csv.DictReader(io.StringIO(events_export(Program.objects.all()))))

    assert [(r["開始日"], r["終了日"], r["開始時間"], r["終了時間"]) for r in rows] == [
        ("2030-11-01", "2030-11-03", "", "")
    ]
    session = Program.objects.get().sessions.get()
    assert timezone.localtime(session.starts_at).date().isoformat() == "2030-11-01"


def test_an_empty_kana_reading_is_filled_from_the_title_as_furigana_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("イベント名,イベント名_カナ,開始日\n保谷の歴史講座,,2030-01-05\n", encoding="utf-8")
    events_import(paths=[path])

    row = next(csv.DictReader(io.StringIO(events_export(Program.objects.all()))))

    # 保谷 is the local ほうや from the furigana overrides, not the dictionary's ほや.
    assert row["イベント名_カナ"] == "ホウヤノレキシコウザ"
    assert Program.objects.get().title_kana == ""


def test_a_facility_venue_is_written_with_the_facilitys_address(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "市区町村名,イベント名,開始日,場所名称\n西東京市,歴史講座,2030-01-05,田無公民館\n", encoding="utf-8"
    )
    events_import(paths=[path])
    facility = Program.objects.get().facility
    assert facility is not None
    assert facility.address

    row = next(csv.DictReader(io.StringIO(events_export(Program.objects.all()))))

    assert row["場所名称"] == facility.name
    assert row["住所"] == f"東京都西東京市{facility.address}"


def test_a_venue_without_an_address_is_written_with_the_town_it_is_in() -> None:
    ProgramFactory(published=True, venue_name="芝久保町 地区会館", venue_address="", area=AreaFactory(name="芝久保町"))

    row = next(csv.DictReader(io.StringIO(events_export(Program.objects.all()))))

    assert row["場所名称"] == "芝久保町 地区会館"
    assert row["住所"] == "東京都西東京市芝久保町"
