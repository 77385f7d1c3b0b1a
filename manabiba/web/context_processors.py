from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    english = (get_language() or "ja").startswith("en")
    return {
        "city_name": settings.CITY_NAME_EN if english else settings.CITY_NAME,
        "text_size": request.COOKIES.get("text_size", "normal"),
    }
