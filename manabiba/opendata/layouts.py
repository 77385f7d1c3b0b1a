"""The column layouts of event lists that cities publish, as data.

Each layout maps its column names to the same set of logical fields, so the importer reads
every layout with one piece of code and the exporter writes any of them. Header names are
compared after :func:`header_key`, because publishers mix full- and half-width parentheses,
add spaces, and sometimes keep the specification's 「(必須)」 marker in the header.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Logical fields. The importer only ever sees these names.
CODE = "code"
NUMBER = "number"
PREFECTURE = "prefecture"
MUNICIPALITY = "municipality"
TITLE = "title"
TITLE_KANA = "title_kana"
TITLE_EN = "title_en"
TITLE_COMMON = "title_common"
SUBTITLE = "subtitle"
SUMMARY = "summary"
DESCRIPTION = "description"
SUB_EVENT = "sub_event"
CATEGORY = "category"
URL = "url"
IMAGE_URL = "image_url"
STATE = "state"
INDUSTRY = "industry"
STAGE = "stage"
START_DATE = "start_date"
END_DATE = "end_date"
START_TIME = "start_time"
END_TIME = "end_time"
DATE_NOTE = "date_note"
VENUE_NAME = "venue_name"
MEETING_PLACE = "meeting_place"
POSTAL_CODE = "postal_code"
ADDRESS = "address"
ADDRESS_PREFECTURE = "address_prefecture"
ADDRESS_CITY = "address_city"
ADDRESS_TOWN = "address_town"
ADDRESS_STREET = "address_street"
ADDRESS_BUILDING = "address_building"
LATITUDE = "latitude"
LONGITUDE = "longitude"
ORGANIZER = "organizer"
CO_ORGANIZERS = "co_organizers"
OTHER_PARTIES = "other_parties"
AUDIENCE = "audience"
CAPACITY = "capacity"
FEE_BASE = "fee_base"
FEE_DETAIL = "fee_detail"
LANGUAGES = "languages"
APPLY_END_DATE = "apply_end_date"
APPLY_END_TIME = "apply_end_time"
APPLY_METHOD = "apply_method"
ACCESS = "access"
PARKING = "parking"
BICYCLE_PARKING = "bicycle_parking"
CONTACT_NAME = "contact_name"
CONTACT_PHONE = "contact_phone"
CONTACT_EXTENSION = "contact_extension"
CONTACT_EMAIL = "contact_email"
REMARKS = "remarks"


def header_key(name: str) -> str:
    """A column name as compared: NFKC (so （） becomes ()), no spaces, no BOM, no 「(必須)」."""
    text = unicodedata.normalize("NFKC", name).replace("\ufeff", "")
    text = "".join(text.split())
    return text.replace("(必須)", "")


@dataclass(frozen=True)
class Layout:
    """One published layout: its name, its header in order, and which logical field each column holds."""

    name: str
    label: str
    header: tuple[str, ...]
    fields: dict[str, str]  # column name as in ``header`` -> logical field
    # The 推奨データセット requires 開始日. The ベース・レジストリ layout does not, and its real
    # files have rows with only 終了日 (a one-day event) or no date at all (a notice, not an event).
    start_date_required: bool = True

    def columns_of(self, header: Iterable[str]) -> dict[str, str]:
        """A file's columns that this layout knows -> their logical fields (the first column wins)."""
        by_key = {header_key(column): name for column, name in self.fields.items()}
        found: dict[str, str] = {}
        for column in header:
            name = by_key.get(header_key(column))
            if name is not None and name not in found.values():
                found[column] = name
        return found

    def matches(self, columns: Iterable[str]) -> int:
        """How many of this layout's columns a file has; 0 if it lacks the title or the start date."""
        keys = {header_key(column) for column in columns}
        present = {name for column, name in self.fields.items() if header_key(column) in keys}
        if TITLE not in present or START_DATE not in present:
            return 0
        return len(present)


def _layout(name: str, label: str, columns: list[tuple[str, str]], *, start_date_required: bool = True) -> Layout:
    return Layout(
        name=name,
        label=label,
        header=tuple(c for c, _f in columns),
        fields=dict(columns),
        start_date_required=start_date_required,
    )


# The columns the v1.0 and the newer layout share, in the same order.
_EVENT_COLUMNS = [
    ("イベント名", TITLE),
    ("イベント名_カナ", TITLE_KANA),
    ("イベント名_英語", TITLE_EN),
    ("開始日", START_DATE),
    ("終了日", END_DATE),
    ("開始時間", START_TIME),
    ("終了時間", END_TIME),
    ("開始日時特記事項", DATE_NOTE),
    ("説明", DESCRIPTION),
    ("料金(基本)", FEE_BASE),
    ("料金(詳細)", FEE_DETAIL),
    ("連絡先名称", CONTACT_NAME),
    ("連絡先電話番号", CONTACT_PHONE),
    ("連絡先内線番号", CONTACT_EXTENSION),
]


# 政府CIOポータル 推奨データセット「イベント一覧」v1.0: 32 columns, the header written exactly so.
SUISHO_V1 = _layout(
    "suisho_v1",
    "推奨データセット イベント一覧 v1.0",
    [
        ("都道府県コード又は市区町村コード", CODE),
        ("NO", NUMBER),
        ("都道府県名", PREFECTURE),
        ("市区町村名", MUNICIPALITY),
        *_EVENT_COLUMNS,
        ("主催者", ORGANIZER),
        ("場所名称", VENUE_NAME),
        ("住所", ADDRESS),
        ("方書", ADDRESS_BUILDING),
        ("緯度", LATITUDE),
        ("経度", LONGITUDE),
        ("アクセス方法", ACCESS),
        ("駐車場情報", PARKING),
        ("定員", CAPACITY),
        ("参加申込終了日", APPLY_END_DATE),
        ("参加申込終了時間", APPLY_END_TIME),
        ("参加申込方法", APPLY_METHOD),
        ("URL", URL),
        ("備考", REMARKS),
    ],
)

# The Digital Agency's revised 自治体標準オープンデータセット (files from about 2023). No real
# event file in this layout was found; the identifying and address columns follow the revised
# 公共施設一覧 template (see samples/README.md), the others keep the v1.0 names.
JICHITAI_STANDARD = _layout(
    "jichitai_standard",
    "自治体標準オープンデータセット イベント一覧",
    [
        ("全国地方公共団体コード", CODE),
        ("ID", NUMBER),
        ("地方公共団体名", MUNICIPALITY),
        *_EVENT_COLUMNS,
        ("連絡先メールアドレス", CONTACT_EMAIL),
        ("主催者", ORGANIZER),
        ("場所名称", VENUE_NAME),
        ("所在地_連結表記", ADDRESS),
        ("所在地_都道府県", ADDRESS_PREFECTURE),
        ("所在地_市区町村", ADDRESS_CITY),
        ("所在地_町字", ADDRESS_TOWN),
        ("所在地_番地以下", ADDRESS_STREET),
        ("建物名等(方書)", ADDRESS_BUILDING),
        ("緯度", LATITUDE),
        ("経度", LONGITUDE),
        ("アクセス方法", ACCESS),
        ("駐車場情報", PARKING),
        ("定員", CAPACITY),
        ("参加申込終了日", APPLY_END_DATE),
        ("参加申込終了時間", APPLY_END_TIME),
        ("参加申込方法", APPLY_METHOD),
        ("URL", URL),
        ("備考", REMARKS),
    ],
)

# The ベース・レジストリ catalogue's IMI-vocabulary layout: 50 columns, the layout of the real files.
BASE_REGISTRY = _layout(
    "base_registry",
    "アドレス・ベース・レジストリ(イベントデータ)",
    [
        ("NO", NUMBER),
        ("都道府県コード又は市区町村コード", CODE),
        ("名称", TITLE),
        ("名称(カナ)", TITLE_KANA),
        ("名称(英字)", TITLE_EN),
        ("名称(通称)", TITLE_COMMON),
        ("サブタイトル", SUBTITLE),
        ("概要", SUMMARY),
        ("説明", DESCRIPTION),
        ("サブイベント", SUB_EVENT),
        ("イベント種類", CATEGORY),
        ("URL", URL),
        ("画像URL", IMAGE_URL),
        ("状態", STATE),
        ("対象となる産業", INDUSTRY),
        ("ステージ", STAGE),
        ("開始日", START_DATE),
        ("終了日", END_DATE),
        ("開始時刻", START_TIME),
        ("終了時刻", END_TIME),
        ("日時備考", DATE_NOTE),
        ("場所名称", VENUE_NAME),
        ("集合場所", MEETING_PLACE),
        ("郵便番号", POSTAL_CODE),
        ("住所都道府県", ADDRESS_PREFECTURE),
        ("住所市区町村", ADDRESS_CITY),
        ("住所町名", ADDRESS_TOWN),
        ("住所丁目以下", ADDRESS_STREET),
        ("建物名等", ADDRESS_BUILDING),
        ("緯度", LATITUDE),
        ("経度", LONGITUDE),
        ("主催団体", ORGANIZER),
        ("共催団体", CO_ORGANIZERS),
        ("その他関係団体", OTHER_PARTIES),
        ("対象者", AUDIENCE),
        ("定員", CAPACITY),
        ("料金(基本)", FEE_BASE),
        ("料金(詳細)", FEE_DETAIL),
        ("外国語対応", LANGUAGES),
        ("申込期限日", APPLY_END_DATE),
        ("申込期限時刻", APPLY_END_TIME),
        ("申込方法", APPLY_METHOD),
        ("アクセス方法", ACCESS),
        ("駐車場情報", PARKING),
        ("駐輪場情報", BICYCLE_PARKING),
        ("連絡先名称", CONTACT_NAME),
        ("連絡先電話番号", CONTACT_PHONE),
        ("連絡先内線番号", CONTACT_EXTENSION),
        ("連絡先メールアドレス", CONTACT_EMAIL),
        ("備考", REMARKS),
    ],
    start_date_required=False,
)

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (SUISHO_V1, JICHITAI_STANDARD, BASE_REGISTRY)}


def layout_detect(columns: Iterable[str]) -> Layout | None:
    """The layout most of whose columns the header names, or None if none has a title and a start date."""
    columns = list(columns)
    scored = sorted(((layout.matches(columns), layout.name) for layout in LAYOUTS.values()), reverse=True)
    best_score, best_name = scored[0]
    return LAYOUTS[best_name] if best_score else None
