from pathlib import Path

import pytest

from manabiba.opendata.importer import events_import
from manabiba.opendata.layouts import BASE_REGISTRY, JICHITAI_STANDARD, SUISHO_V1, header_key, layout_detect
from manabiba.programs.models import Program

from .conftest import REAL_FILES


def test_the_real_files_are_in_the_base_registry_layout() -> None:
    for path in REAL_FILES:
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        assert layout_detect(header) is BASE_REGISTRY, path.name
    assert len(BASE_REGISTRY.header) == 50


def test_the_recommended_layout_has_its_32_columns_without_required_markers() -> None:
    assert len(SUISHO_V1.header) == 32
    assert SUISHO_V1.header[:5] == ("都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名")
    assert not any("必須" in column for column in SUISHO_V1.header)
    assert layout_detect(SUISHO_V1.header) is SUISHO_V1


def test_the_newer_standard_layout_is_told_apart_by_its_identifying_columns() -> None:
    header = ["全国地方公共団体コード", "ID", "地方公共団体名", "イベント名", "開始日", "所在地_連結表記", "場所名称"]

    assert layout_detect(header) is JICHITAI_STANDARD
    assert layout_detect(JICHITAI_STANDARD.header) is JICHITAI_STANDARD


def test_full_width_parentheses_spaces_and_required_markers_do_not_matter() -> None:
    header = [column.replace("(", "（").replace(")", "）") for column in BASE_REGISTRY.header]
    header[2] = " 名称 "
    marked = [f"{column}（必須）" if column in {"イベント名", "開始日"} else column for column in SUISHO_V1.header]

    assert header_key("料金（基本）") == header_key("料金(基本)") == "料金(基本)"
    assert layout_detect(header) is BASE_REGISTRY
    assert layout_detect(marked) is SUISHO_V1


def test_a_header_without_title_or_start_date_matches_no_layout() -> None:
    assert layout_detect(["NO", "都道府県名", "住所"]) is None
    assert layout_detect([]) is None


def _write(path: Path, lines: list[str], *, bom: bool) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


@pytest.mark.parametrize("bom", [True, False])
def test_small_files_in_each_layout_import_with_or_without_bom(tmp_path: Path, reference: None, bom: bool) -> None:
    suisho = _write(
        tmp_path / "suisho.csv",
        [
            ",".join(f"{c}（必須）" if c == "イベント名" else c for c in SUISHO_V1.header),
            "132292,1,東京都,西東京市,おはなし会,オハナシカイ,,2030-05-11,2030-05-11,10:30,11:00,,絵本の読み聞かせ,0,無料,"
            "中央図書館,042-465-0823,,中央図書館,中央図書館,東京都西東京市南町五丁目,,,,,,20,,,不要,,",
        ],
        bom=bom,
    )
    newer = _write(
        tmp_path / "newer.csv",
        [
            "全国地方公共団体コード,ID,地方公共団体名,イベント名,開始日,開始時間,終了時間,場所名称,所在地_連結表記,料金（基本）",
            "132292,A-1,西東京市,古文書を読む会,2030-06-01,14:00,16:00,郷土資料室,東京都西東京市西原町四丁目5番6号,500",
        ],
        bom=bom,
    )

    report = events_import(paths=[suisho, newer])

    assert [file.layout for file in report.files] == ["suisho_v1", "jichitai_standard"]
    assert report.ok, report.errors
    story = Program.objects.get(title="おはなし会")
    assert story.facility is not None
    assert story.facility.name == "中央図書館"
    assert story.area is not None
    assert story.area.name == "南町"
    assert story.capacity == 20
    assert story.fee == Program.Fee.FREE
    assert story.status == Program.Status.PUBLISHED
    reading = Program.objects.get(title="古文書を読む会")
    assert reading.fee == Program.Fee.PAID
    assert reading.fee_amount == 500
    assert reading.facility is not None
    assert reading.facility.name == "郷土資料室"
