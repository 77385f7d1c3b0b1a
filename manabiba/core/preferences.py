"""The reader's display preferences, each remembered in a cookie (set by the web app's switches)."""

from django.http import HttpRequest

TEXT_SIZE_COOKIE = "text_size"
FURIGANA_COOKIE = "furigana"
CONTRAST_COOKIE = "contrast"
# やさしい日本語: a programme's summary in easy Japanese, with furigana, where one was written.
EASY_COOKIE = "easy"


def furigana_on(request: HttpRequest) -> bool:
    """Whether the reader switched furigana on (ruby over every kanji)."""
    return request.COOKIES.get(FURIGANA_COOKIE) == "on"
