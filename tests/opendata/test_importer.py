import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from manabiba.opendata.importer import events_import
from manabiba.opendata.layouts import BASE_REGISTRY
from manabiba.programs.models import Organizer, Program, ProgramSession

from .conftest import OPENDATA_DIR, REAL_FILES

pytestmark = pytest.mark.usefixtures("reference")


def _snapshot() -> list[tuple[object, ...]]:
    return sorted(
        Program.objects.values_list("source", "source_key", "title", "updated_at", "first_starts_at", "last_ends_at")
    )


def test_every_real_file_imports_quickly_and_a_second_import_changes_nothing() -> None:
    assert len(REAL_FILES) == 5

    started = time.monotonic()
    first = events_import(paths=REAL_FILES)
    elapsed = time.monotonic() - started
    programs = _snapshot()
    sessions = sorted(ProgramSession.objects.values_list("program__source_key", "starts_at", "ends_at"))
    second = events_import(paths=REAL_FILES)

    assert first.ok, [str(error) for error in first.errors]
    assert [file.rows for file in first.files] == [68, 340, 56, 43, 63]
    assert {file.layout for file in first.files} == {"base_registry"}
    assert sum(file.created for file in first.files) == len(programs) > 150
    # Many rows are further dates of one course or regular event, so there are fewer programmes than rows.
    assert len(programs) < sum(file.rows for file in first.files)
    assert Program.objects.exclude(status=Program.Status.PUBLISHED).count() == 0
    assert {source for source, *_rest in programs} == {
        "opendata:132039",
        "opendata:132047",
        "opendata:132110",
        "opendata:132195",
        "opendata:132292",
    }
    assert second.ok
    assert second.created == second.updated == 0
    assert _snapshot() == programs
    assert sorted(ProgramSession.objects.values_list("program__source_key", "starts_at", "ends_at")) == sessions
    assert elapsed < 30  # a few seconds on a quiet machine; the bound leaves room for a busy CI runner


def test_rows_that_are_sessions_of_one_course_become_one_programme() -> None:
    events_import(paths=[OPENDATA_DIR / "events-kodaira.csv", OPENDATA_DIR / "events-nishitokyo.csv"])

    baby = Program.objects.get(title="中央公民館 子育て支援講座 知って得する ママと赤ちゃん はじめのいーっぽ")
    school = Program.objects.get(title="西東京市創業スクール(全5回)")

    assert baby.kind == Program.Kind.COURSE
    assert [s.local_date for s in baby.sessions.all()] == [
        date(2022, 1, 26),
        date(2022, 2, 2),
        date(2022, 2, 9),
        date(2022, 2, 16),
        date(2022, 3, 2),
        date(2022, 3, 9),
        date(2022, 3, 16),
    ]
    assert {
        (timezone.localtime(s.starts_at).hour, timezone.localtime(s.starts_at).minute) for s in baby.sessions.all()
    } == {(10, 0)}
    assert baby.capacity == 15
    assert baby.fee == Program.Fee.FREE
    assert school.sessions.count() == 4
    assert school.fee == Program.Fee.PAID
    assert school.fee_amount == 3000
    assert school.capacity == 20
    # 主催 「西東京市 産業振興課」 is a department of this city, linked to it.
    assert school.organizer.kind == Organizer.Kind.DEPARTMENT
    assert school.organizer.name == "産業振興課"
    assert school.organizer.department is not None


def test_capacity_written_only_in_the_remarks_is_found() -> None:
    events_import(paths=[OPENDATA_DIR / "events-nishitokyo.csv"])

    seminar = Program.objects.get(title="地球温暖化・省エネセミナー")

    assert seminar.capacity == 40
    assert seminar.facility is not None
    assert seminar.facility.name == "エコプラザ西東京"
    assert seminar.area is not None
    assert seminar.area.name == "泉町"
    assert seminar.fee == Program.Fee.FREE
    assert "定員:40人(申込み順)" in seminar.description


def test_places_in_other_cities_are_not_taken_for_this_citys_facilities_or_areas() -> None:
    events_import(paths=[OPENDATA_DIR / "events-komae.csv"])

    story = Program.objects.get(title="子どもおはなし会")

    # 狛江市立中央図書館 is not 西東京市's 中央図書館.
    assert story.facility is None
    assert story.area is None
    assert story.venue_name == "狛江市立中央図書館"
    assert story.venue_address == "東京都狛江市和泉本町1-1-5 市民センター1階"
    assert story.organizer.kind == Organizer.Kind.OTHER
    assert story.sessions.count() > 40


def _malformed(path: Path) -> Path:
    header = ",".join(BASE_REGISTRY.header)

    def row(title: str, start: str, start_time: str = "10:00") -> str:
        values = dict.fromkeys(BASE_REGISTRY.header, "")
        values.update({"NO": "1", "都道府県コード又は市区町村コード": "132292", "名称": title, "開始日": start})
        values.update({"終了日": start, "開始時刻": start_time, "終了時刻": "12:00", "説明": '"改行を\n含む説明"'})
        return ",".join(values[column] for column in BASE_REGISTRY.header)

    lines = [
        header,  # row 1
        row("正しい講座", "2030-04-01"),  # row 2
        row("日付の誤った講座", "2030-13-45"),  # row 3
        row("正しい講座その2", "2030-04-08"),  # row 4
        row("", "2030-04-15"),  # row 5
        row("時刻の誤った講座", "2030-04-22", "25時"),  # row 6
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_a_malformed_file_is_rejected_with_row_numbers_and_nothing_imported(tmp_path: Path) -> None:
    path = _malformed(tmp_path / "broken.csv")

    with override("en"):
        report = events_import(paths=[path])
        first_error = str(report.errors[0])

    assert not report.ok
    messages = [(error.row, error.message) for error in report.errors]
    assert (3, "The start date “2030-13-45” is not a date like 2025-04-01.") in messages
    assert (5, "The title is missing.") in messages
    assert (6, "The start time “25時” is not a time like 10:00.") in messages
    # Row 3's end date is the same bad date, and is reported too.
    assert sorted({row for row, _message in messages}) == [3, 5, 6]
    assert first_error.startswith("broken.csv row 3: ")
    assert report.files[0].created == 0
    assert not Program.objects.exists()
    assert not Organizer.objects.exists()


def test_a_good_file_is_kept_when_another_is_rejected(tmp_path: Path) -> None:
    report = events_import(paths=[_malformed(tmp_path / "broken.csv"), OPENDATA_DIR / "events-musashino.csv"])

    assert [file.rejected for file in report.files] == [True, False]
    assert Program.objects.filter(source="opendata:132039").count() == report.files[1].created > 0
    assert not Program.objects.filter(source="opendata:132292").exists()


def test_an_event_that_ends_before_it_starts_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "order.csv"
    path.write_text(
        "イベント名,開始日,終了日,開始時間,終了時間\n逆さまの会,2030-05-02,2030-05-01,10:00,12:00\n同日の会,2030-05-02,2030-05-02,12:00,10:00\n"
    )

    with override("en"):
        report = events_import(paths=[path])

    assert [(error.row, error.message) for error in report.errors] == [
        (2, "The event ends before it starts."),
        (3, "The event ends before it starts."),
    ]


def test_a_corrected_file_updates_the_programme_in_place(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    header = "イベント名,開始日,開始時間,終了時間,主催者,場所名称,定員,料金(基本)\n"
    path.write_text(header + "絵手紙教室,2030-05-01,10:00,12:00,ひばりが丘公民館,ひばりが丘公民館,12,500\n")
    events_import(paths=[path])
    program = Program.objects.get()

    path.write_text(
        header
        + "絵手紙教室,2030-05-01,10:00,12:00,ひばりが丘公民館,ひばりが丘公民館,16,500\n"
        + "絵手紙教室,2030-05-08,10:00,12:00,ひばりが丘公民館,ひばりが丘公民館,16,500\n"
    )
    report = events_import(paths=[path])

    program.refresh_from_db()
    assert (report.files[0].created, report.files[0].updated) == (0, 1)
    assert Program.objects.count() == 1
    assert program.capacity == 16
    assert program.sessions.count() == 2
    assert program.kind == Program.Kind.COURSE


def test_demo_shift_moves_dates_by_whole_weeks_to_a_few_months_ahead() -> None:
    today = date(2026, 11, 25)
    path = OPENDATA_DIR / "events-musashino.csv"
    events_import(paths=[path])
    original = {
        p.source_key: [(s.local_date, s.weekday) for s in p.sessions.all()]
        for p in Program.objects.prefetch_related("sessions")
    }
    Program.objects.all().delete()

    with override("en"):
        report = events_import(paths=[path], shift_to_upcoming=True, today=today)

    shift = report.files[0].shift_days
    assert shift % 7 == 0
    shifted = {
        p.source_key: [(s.local_date, s.weekday) for s in p.sessions.all()]
        for p in Program.objects.prefetch_related("sessions")
    }
    # Rows whose text names a year are left out (the moved dates would contradict it), the rest kept.
    skipped = report.files[0].skipped
    assert skipped
    assert all("names the year" in str(note) for note in skipped)
    assert shifted.keys() < original.keys()
    for key, sessions in shifted.items():
        assert [(day - timedelta(days=shift), weekday) for day, weekday in sessions] == original[key]
    latest = max(timezone.localtime(s.ends_at or s.starts_at).date() for s in ProgramSession.objects.all())
    assert today + timedelta(days=60) < latest <= today + timedelta(days=97)


def test_a_demo_shift_leaves_out_rows_whose_text_names_a_year(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "イベント名,開始日,説明\n"
        "令和3年度 古文書講座,2022-01-29,\n"
        "歴史講座,2022-01-30,2022年の春に始まった講座です。\n"
        "ヨガ教室,2022-01-31,初心者向けです。\n",
        encoding="utf-8",
    )

    report = events_import(paths=[path], shift_to_upcoming=True, today=date(2030, 6, 1))

    assert list(Program.objects.values_list("title", flat=True)) == ["ヨガ教室"]
    assert [(note.row, "令和3年" in str(note)) for note in report.files[0].skipped] == [(2, True), (3, False)]
    # Without the shift the dates are the file's own, and every row is imported.
    Program.objects.all().delete()
    events_import(paths=[path])
    assert Program.objects.count() == 3


def test_full_width_brackets_in_the_organiser_are_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("イベント名,開始日,主催者\n歴史講座,2030-01-05,（公財）西東京市文化振興会\n", encoding="utf-8")

    events_import(paths=[path])

    assert Program.objects.get().organizer.name == "（公財）西東京市文化振興会"


def test_a_demo_shift_moves_the_dates_in_the_date_note_with_the_session(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "イベント名,開始日,開始日時特記事項\n"
        '歴史講座,2019-01-14,"9:30受付、申込は1月7日から\n開始日: 2019/1/14"\n'
        "古文書講座,2022-01-29,[1]令和4年1月29日(土曜)午前10時30分から\n",
        encoding="utf-8",
    )

    report = events_import(paths=[path], shift_to_upcoming=True, today=date(2030, 6, 1))

    delta = timedelta(days=report.files[0].shift_days)
    history = Program.objects.get(title="歴史講座").sessions.get()
    day = date(2019, 1, 14) + delta
    applications = date(2019, 1, 7) + delta
    assert history.note == (
        f"9:30受付、申込は{applications.month}月{applications.day}日から\n開始日: {day.year}/{day.month}/{day.day}"
    )
    assert timezone.localtime(history.starts_at).date() == day
    documents = Program.objects.get(title="古文書講座").sessions.get()
    moved = date(2022, 1, 29) + delta
    assert documents.note == f"[1]令和{moved.year - 2018}年{moved.month}月{moved.day}日(土曜)午前10時30分から"
    assert moved.weekday() == 5
