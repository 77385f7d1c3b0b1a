"""Every public page in English: no Japanese text left in the interface.

The first test signs nobody in, starts at the home page and follows the site's own links (one page per
kind of address), in English; the second does the same signed in as a demo resident and as a demo group's
organiser (My page, applications, the group's pages, bookings, proposals, support requests). Japanese
text is allowed only where people wrote it (a programme's title, a group's name, a facility's name, a
message): those elements carry ``lang="ja"`` (the ``lang_ja`` filter, or ``ja_span`` inside a sentence;
WCAG 3.1.2). Any other Japanese text is interface left untranslated, and fails the test.
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

from manabiba.accounts.models import User
from manabiba.core.japanese import has_japanese
from manabiba.programs.models import Program

pytestmark = pytest.mark.django_db

# Not pages: files, feeds, the API, the admin and the forms that change something.
SKIP = re.compile(
    r"^/(api|admin|staff|static|media)/|\.(ics|csv|pdf|xlsx|xml|atom|json|png|jpg|svg)$|/(logout|feed|atom|ical)/"
    r"|/profile/(export|delete)/"
)
MAX_PAGES = 160
# A textarea holds what the person typed (like an input's value), not interface text.
TEXT_SKIP = {"script", "style", "title", "rt", "rp", "textarea"}


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


def _walk(client: Client, starts: list[str]) -> tuple[int, dict[str, list[str]]]:
    """Follow the site's links from ``starts``, one page per kind of address; the untranslated text per page."""
    queue, shapes, found = deque(starts), {_shape(start) for start in starts}, {}
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
    return visited, found


def _starts(*extra: str) -> list[str]:
    """The home page, the pages of apps the home page does not link to, and each exchange meeting's pages
    (one programme page per kind of address would otherwise leave them out)."""
    exchanges = Program.objects.filter(kind=Program.Kind.EXCHANGE).values_list("pk", flat=True)
    meetings = [f"/{part}/{pk}/" for pk in exchanges for part in ("programs", "exchanges")]
    return ["/", *extra, "/venues/", "/venues/projects/", "/proposals/", "/support/cases/", *meetings]


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {texts}" for path, texts in found.items())


def test_every_public_page_in_english_has_no_untranslated_interface_text(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    visited, found = _walk(client, _starts())

    assert visited > 40
    assert found == {}, _report(found)


# A resident with registrations and a consultation; the organiser of groups with room bookings, a lottery
# entry, a support request and citizen proposals. Their pages (My page, applications, the group's pages)
# are the site's interface too.
SIGNED_IN = [
    pytest.param("resident@demo.manabiba.jp", id="resident"),
    pytest.param("group-organiser@demo.manabiba.jp", id="group-organiser"),
]


@pytest.mark.parametrize("email", SIGNED_IN)
def test_every_page_a_signed_in_person_sees_in_english_has_no_untranslated_interface_text(
    settings: SettingsWrapper, email: str
) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(email=email))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    visited, found = _walk(client, _starts("/accounts/profile/"))

    assert visited > 40
    assert found == {}, _report(found)
