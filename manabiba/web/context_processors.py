from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from manabiba.core.preferences import CONTRAST_COOKIE, EASY_COOKIE, FURIGANA_COOKIE, TEXT_SIZE_COOKIE, furigana_on

TEXT_SIZES = {"normal", "large", "xlarge"}
__all__ = ["CONTRAST_COOKIE", "EASY_COOKIE", "FURIGANA_COOKIE", "TEXT_SIZES", "TEXT_SIZE_COOKIE", "site"]


def site(request: HttpRequest) -> dict[str, Any]:
    english = (get_language() or "ja").startswith("en")
    size = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    return {
        "city_name": settings.CITY_NAME_EN if english else settings.CITY_NAME,
        # The cookie is set by us but comes back from the browser; never echo an unknown value.
        "text_size": size if size in TEXT_SIZES else "normal",
        "furigana_on": furigana_on(request),
        "contrast_high": request.COOKIES.get(CONTRAST_COOKIE) == "high",
        "easy_on": request.COOKIES.get(EASY_COOKIE) == "on",
    }
