"""Every public page in English: no Japanese text left in the interface.

The test signs nobody in, starts at the home page and follows the site's own links (one page per
kind of address), in English. Japanese text is allowed only where people wrote it (a programme's
title, a group's name, a facility's name): those elements carry ``lang="ja"`` (the ``lang_ja``
filter, WCAG 3.1.2). Any other Japanese text is interface left untranslated, and fails the test.
"""

import re
from collections import deque
from io import StringIO
from urllib.parse import urljoin, urlsplit

import html5lib
import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.core.japanese import has_japanese

pytestmark = pytest.mark.django_db

# Not pages: files, feeds, the API, the admin and the forms that change something.
SKIP = re.compile(
    r"^/(api|admin|staff|static|media)/|\.(ics|csv|pdf|xlsx|xml|atom|json|png|jpg|svg)$|/(logout|feed|atom|ical)/"
)
MAX_PAGES = 160
TEXT_SKIP = {"script", "style", "title", "rt", "rp"}


def _shape(path: str) -> str:
    """One page per kind of address: numbers, dates and query values do not make a new kind."""
    parts = urlsplit(path)
    shape = re.sub(r"\d+", "N", parts.path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return shape + ("?" + "&".join(keys) if keys else "")


def untranslated(html: str) -> list[str]:
    """Japanese text not inside an element marked ``lang="ja"``."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found: list[str] = []

    def walk(element: object, japanese: bool) -> None:
        tag = getattr(element, "tag", "")
        if not isinstance(tag, str) or tag in TEXT_SKIP:
            return
        lang = element.get("lang")  # type: ignore[attr-defined]
        if lang is not None:
            japanese = lang.startswith("ja")
        texts = [element.text] + [child.tail for child in element]  # type: ignore[attr-defined]
        if not japanese:
            found.extend(text.strip() for text in texts if text and has_japanese(text))
            for name in ("aria-label", "placeholder", "alt", "title"):
                value = element.get(name)  # type: ignore[attr-defined]
                if value and has_japanese(value):
                    found.append(f"[{name}] {value}")
        for child in element:  # type: ignore[attr-defined]
            walk(child, japanese)

    body = tree.find("body")
    assert body is not None
    walk(body, False)
    return found


def test_the_check_finds_japanese_outside_lang_ja() -> None:
    html = '<html><body><p>Fee: 無料</p><p lang="ja">朝のヨガ</p><button aria-label="閉じる">x</button></body></html>'
    assert untranslated(html) == ["Fee: 無料", "[aria-label] 閉じる"]


def test_every_public_page_in_english_has_no_untranslated_interface_text(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    queue, shapes, found = deque(["/"]), {_shape("/")}, {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if texts := untranslated(html):
            found[path] = texts
        for href in re.findall(r'<a [^>]*href="([^"#]+)"', html):
            link = urljoin(path, href.replace("&amp;", "&"))
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if _shape(local) not in shapes:
                shapes.add(_shape(local))
                queue.append(local)

    assert visited > 40
    assert found == {}, "\n".join(f"{p}: {t}" for p, t in found.items())
