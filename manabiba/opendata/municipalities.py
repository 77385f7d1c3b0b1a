"""The municipalities whose event files the project knows, and which one this site serves."""

from django.conf import settings

PREFECTURE = "東京都"

# 全国地方公共団体コード (six digits, with the check digit) of the cities whose files we hold.
MUNICIPALITIES: dict[str, str] = {
    "132039": "武蔵野市",
    "132047": "三鷹市",
    "132110": "小平市",
    "132195": "狛江市",
    "132292": "西東京市",
}


def city_name() -> str:
    return str(settings.CITY_NAME)


def city_code() -> str:
    """The code of the city this site serves; a deployment may set CITY_CODE for a city not listed here."""
    configured = settings.CITY_CODE
    if configured:
        return str(configured)
    return next((code for code, name in MUNICIPALITIES.items() if name == city_name()), "")


def municipality_name(code: str) -> str:
    return MUNICIPALITIES.get(code.strip(), "")
