"""WCAG 3.1.2 and 2.4.2 on the seeded demo: on English pages, what people wrote in Japanese is
marked lang="ja"; a filtered listing's title says its filters; a staff page's title says so."""

import re
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.translation import override
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.templatetags.japanese import lang_ja
from manabiba.core.templatetags.listing import filters_in_words
from manabiba.programs.models import Program
from manabiba.talents.models import TalentProfile
from manabiba.web.demo import demo_email

pytestmark = pytest.mark.django_db


def _client(language: str, user: User | None = None) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_lang_ja_marks_japanese_text_on_pages_in_another_language_only() -> None:
    with override("en"):
        assert lang_ja("書道教室") == ' lang="ja"'
        assert lang_ja("Yoga for beginners") == ""
    with override("ja"):
        assert lang_ja("書道教室") == ""


def test_filters_in_words_lists_the_query_and_each_chosen_value() -> None:
    class Value:
        def __init__(self, label: str, selected: bool) -> None:
            self.label, self.selected = label, selected

    facets = {"free": [Value("free", True)], "areas": [Value("田無町", True), Value("保谷町", False)]}
    with override("en"):
        assert filters_in_words("書道", facets, [("sat", "Saturday", True)]) == "“書道”, Free, 田無町, Saturday"
        assert filters_in_words("", {}) == ""
    with override("ja"):
        assert filters_in_words("書道", {"free": [Value("無料", True)]}) == "「書道」、無料"


def test_english_pages_mark_japanese_content_and_titles_say_filters_and_staff(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    program = Program.objects.filter(status=Program.Status.PUBLISHED, first_starts_at__gt=timezone.now()).first()
    group = CommunityGroup.objects.order_by("pk").first()
    talent = TalentProfile.objects.order_by("pk").first()
    assert program is not None
    assert group is not None
    assert talent is not None
    english, japanese = _client("en"), _client("ja")

    detail = english.get(f"/programs/{program.pk}/").content.decode()
    assert '<h1 id="program-title" lang="ja">' in detail
    assert '<h1 id="program-title">' in japanese.get(f"/programs/{program.pk}/").content.decode()
    listing = english.get("/programs/").content.decode()
    assert '<h3 class="program-card__title" lang="ja">' in listing
    assert '<h1 id="group-title" lang="ja">' in english.get(f"/groups/{group.pk}/").content.decode()
    assert '<h3 class="program-card__title" lang="ja">' in english.get("/groups/").content.decode()
    assert '<h1 id="talent-title" lang="ja">' in english.get(f"/talents/{talent.pk}/").content.decode()
    assert '<h3 class="program-card__title" lang="ja">' in english.get("/talents/").content.decode()

    assert _title(listing).startswith("Find a programme |")
    assert _title(english.get("/programs/?q=書道&free=1").content.decode()).startswith("Programmes: “書道”, Free")
    filtered_ja = japanese.get("/programs/?q=書道&free=1").content.decode()
    assert _title(filtered_ja).startswith("講座・イベント：「書道」、無料")
    assert _title(english.get("/groups/?q=合唱").content.decode()).startswith("Community groups: “合唱”")
    assert _title(english.get("/talents/?q=しょどう").content.decode()).startswith("Talent bank: “しょどう”")

    staff = User.objects.get(email=demo_email(Role.ADMINISTRATOR))
    for path in ("/staff/consultations/", "/staff/talents/"):
        assert " (staff) |" in _title(_client("en", staff).get(path).content.decode()), path
        assert "（職員用） |" in _title(_client("ja", staff).get(path).content.decode()), path
    # The workspace's own name says it already: not 「職員用ページ（職員用）」.
    assert _title(_client("en", staff).get("/staff/").content.decode()).startswith("Staff workspace |")
    assert _title(_client("ja", staff).get("/staff/").content.decode()).startswith("職員用ページ |")
    assert "staff" not in _title(listing)
