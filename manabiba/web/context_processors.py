from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

TEXT_SIZES = {"normal", "large", "xlarge"}
TEXT_SIZE_COOKIE = "text_size"
FURIGANA_COOKIE = "furigana"
CONTRAST_COOKIE = "contrast"
# やさしい日本語: a programme's summary in easy Japanese, with furigana, where one was written.
EASY_COOKIE = "easy"


def site(request: HttpRequest) -> dict[str, Any]:
    english = (get_language() or "ja").startswith("en")
    size = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    return {
        "city_name": settings.CITY_NAME_EN if english else settings.CITY_NAME,
        # The cookie is set by us but comes back from the browser; never echo an unknown value.
        "text_size": size if size in TEXT_SIZES else "normal",
        "furigana_on": request.COOKIES.get(FURIGANA_COOKIE) == "on",
        "contrast_high": request.COOKIES.get(CONTRAST_COOKIE) == "high",
        "easy_on": request.COOKIES.get(EASY_COOKIE) == "on",
    }
