from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from manabiba.programs.models import Program

from .conftest import OPENDATA_DIR

pytestmark = pytest.mark.usefixtures("reference")


def test_import_events_prints_a_summary_per_file() -> None:
    out = StringIO()
    with override("en"):
        call_command("import_events", str(OPENDATA_DIR / "events-musashino.csv"), stdout=out)
        again = StringIO()
        call_command("import_events", str(OPENDATA_DIR / "events-musashino.csv"), stdout=again)

    created = Program.objects.count()
    assert f"events-musashino.csv (base_registry): 43 rows, {created} created, 0 updated, 0 unchanged" in out.getvalue()
    assert f"0 created, 0 updated, {created} unchanged" in again.getvalue()


def test_import_events_fails_and_lists_the_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("イベント名,開始日\n正しい会,2030-01-05\n,2030-01-06\n誤った会,2030-02-30\n", encoding="utf-8")
    out = StringIO()

    with override("en"), pytest.raises(CommandError, match=r"bad\.csv"):
        call_command("import_events", str(bad), stdout=out)

    assert "bad.csv row 3: The title is missing." in out.getvalue()
    assert "bad.csv row 4: The start date “2030-02-30” is not a date like 2025-04-01." in out.getvalue()
    assert not Program.objects.exists()


def test_export_events_writes_the_published_programmes(tmp_path: Path) -> None:
    call_command("import_events", str(OPENDATA_DIR / "events-mitaka.csv"), stdout=StringIO())
    target = tmp_path / "events.csv"

    call_command("export_events", "--output", str(target), stdout=StringIO())

    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("都道府県コード又は市区町村コード,NO,")
    assert "土俵でフィットネス!(1月~3月)" in text


def test_export_events_check_counts_the_rows_that_leave_a_required_column_empty(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "市区町村名,イベント名,イベント名_カナ,開始日,開始時間,終了時間,説明,場所名称\n"
        "西東京市,歴史講座,,2030-01-05,10:00,12:00,市の歴史,田無公民館\n"
        "西東京市,屋敷林の公開,,2030-01-06,,,,\n",
        encoding="utf-8",
    )
    call_command("import_events", str(path), stdout=StringIO())
    out = StringIO()

    call_command("export_events", "--check", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "2 rows"
    assert "イベント名: 0 rows empty" in lines
    # Derived from the title and from the facility, not left empty:
    assert "イベント名_カナ: 0 rows empty" in lines
    assert "住所: 1 rows empty" in lines
    # Truly unknown: the time of an all-day event, a description nobody wrote, a venue nobody named.
    assert "開始時間: 1 rows empty" in lines
    assert "終了時間: 1 rows empty" in lines
    assert "説明: 1 rows empty" in lines
    assert "場所名称: 1 rows empty" in lines
