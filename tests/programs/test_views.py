"""The public catalogue pages as a resident meets them: the listing, a programme, the calendar, the home page."""

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import Area
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.programs import selectors
from manabiba.programs.cards import forget_cards, program_cards
from manabiba.programs.models import Category, Organizer, Program
from manabiba.programs.services import SessionTimes, program_cancel, program_create, program_publish, program_update

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)  # a Wednesday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(client: Client) -> Client:
    """A visitor who chose English, so that assertions on wording survive the Japanese catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def organizer() -> Organizer:
    return Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")


Make = Callable[..., Program]


@pytest.fixture
def make(organizer: Organizer) -> Make:
    def make(title: str, *starts: datetime, publish: bool = True, hours: int = 2, **fields: object) -> Program:
        program = program_create(
            actor=None,
            title=title,
            organizer=fields.pop("organizer", organizer),
            sessions=[SessionTimes(s, s + timedelta(hours=hours)) for s in starts],
            **fields,
        )
        return program_publish(program=program, actor=None) if publish else program

    return make


def titles(html: str) -> list[str]:
    """The programme titles of a listing, in order."""
    return re.findall(r'class="program-card__title"(?: lang="ja")?><a href="/programs/\d+/">([^<]+)</a>', html)


def listing(client: Client, query: str = "") -> str:
    response = client.get(f"/programs/{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- The listing --------------------------------------------------------------------------------


def test_listing_shows_published_upcoming_programmes_by_date(client: Client, make: Make) -> None:
    make("後の講座", at(date(2026, 12, 10), 10))
    make("先の講座", at(date(2026, 12, 1), 10))
    make("下書きの講座", at(date(2026, 12, 2), 10), publish=False)
    make("終わった講座", at(date(2026, 11, 1), 10))

    html = listing(client)

    assert titles(html) == ["先の講座", "後の講座"]
    assert 'role="status"' in html
    assert "2026年12月1日（火）10:00〜12:00" in html
    assert titles(listing(client, "?past=on")) == ["終わった講座", "先の講座", "後の講座"]


def test_weekend_and_free_combine(client: Client, make: Make) -> None:
    make("土曜の無料講座", at(date(2026, 11, 28), 10))
    make("土曜の有料講座", at(date(2026, 11, 28), 13), fee=Program.Fee.PAID, fee_amount=500)
    make("水曜の無料講座", at(date(2026, 12, 2), 10))

    html = listing(client, "?when=weekend&free=1")

    assert titles(html) == ["土曜の無料講座"]
    # Each facet counts with the other filters kept: two weekend programmes, one of them free.
    assert 'id="count-free-1">（1）' in html
    assert 'id="count-free-0">（1）' in html
    assert 'id="count-when-weekend">（1）' in html
    assert 'name="when" value="weekend" id="f-when-weekend" checked' in html


def test_weekday_evening_leaves_out_weekends_and_daytime(client: Client, make: Make) -> None:
    make("水曜の夜", at(date(2026, 12, 2), 19))
    make("土曜の夜", at(date(2026, 12, 5), 19))
    make("水曜の昼", at(date(2026, 12, 2), 13))

    assert titles(listing(client, "?when=weekday_evening")) == ["水曜の夜"]


def test_date_range_and_day_of_week(client: Client, make: Make) -> None:
    make("十二月の月曜", at(date(2026, 12, 7), 10))
    make("十二月の金曜", at(date(2026, 12, 11), 10))
    make("一月の月曜", at(date(2027, 1, 11), 10))

    assert titles(listing(client, "?date_from=2026-12-01&date_to=2026-12-31")) == ["十二月の月曜", "十二月の金曜"]
    assert titles(listing(client, "?date_from=2026-12-01&date_to=2026-12-31&weekday=0")) == ["十二月の月曜"]
    # Dates given the wrong way round are understood, not refused.
    assert titles(listing(client, "?date_from=2026-12-31&date_to=2026-12-01")) == ["十二月の月曜", "十二月の金曜"]


def test_field_area_organiser_and_support_filters_combine(client: Client, make: Make) -> None:
    pottery = Category.objects.create(major="芸術・文化", minor="陶芸", sort_order=1)
    history = Category.objects.create(major="人文・社会科学", minor="歴史", sort_order=2)
    tanashi = Area.objects.create(name="田無町", sort_order=1)
    group = Organizer.objects.create(kind=Organizer.Kind.GROUP, name="陶芸の会")
    make("陶芸教室", at(date(2026, 12, 3), 10), categories=[pottery], area=tanashi, organizer=group)
    make("保育つき陶芸", at(date(2026, 12, 4), 10), categories=[pottery], area=tanashi, childcare_available=True)
    make("郷土の歴史", at(date(2026, 12, 5), 10), categories=[history], area=tanashi, childcare_available=True)

    assert titles(listing(client, f"?category={pottery.pk}")) == ["陶芸教室", "保育つき陶芸"]
    assert titles(listing(client, f"?category={pottery.pk}&childcare=on")) == ["保育つき陶芸"]
    assert titles(listing(client, f"?category={pottery.pk}&organizer=group&area={tanashi.pk}")) == ["陶芸教室"]
    html = listing(client, f"?category={pottery.pk}&category={history.pk}&childcare=on")
    assert titles(html) == ["保育つき陶芸", "郷土の歴史"]
    assert f'id="count-category-{history.pk}">（1）' in html


def test_nothing_found_offers_to_clear_the_filters(english: Client, make: Make) -> None:
    make("水曜の昼", at(date(2026, 12, 2), 13))

    html = listing(english, "?when=weekend")

    assert titles(html) == []
    assert "No programme matches all of these conditions" in html
    assert '<a href="/programs/">Clear filters</a>' in html


def test_a_stale_link_with_unknown_values_still_applies_the_rest(client: Client, make: Make) -> None:
    make("土曜の講座", at(date(2026, 11, 28), 10))
    make("水曜の講座", at(date(2026, 12, 2), 10))

    html = listing(client, "?when=weekend&when=midnight&category=abc&weekday=9&date_from=2026-13-45&page=x")

    assert titles(html) == ["土曜の講座"]


def test_pages_of_twenty_with_links_that_keep_the_filters(english: Client, make: Make) -> None:
    for n in range(25):
        make(f"講座{n:02d}", at(date(2026, 12, 1) + timedelta(days=n), 10))

    first = listing(english, "?free=1")
    second = listing(english, "?free=1&page=2")

    assert titles(first) == [f"講座{n:02d}" for n in range(20)]
    assert titles(second) == [f"講座{n:02d}" for n in range(20, 25)]
    assert "25 programmes found. Page 1 of 2." in first
    assert 'href="?free=1&amp;page=2" rel="next"' in first
    assert 'href="?free=1" rel="prev"' in second
    assert 'href="?free=1&amp;page=2" aria-current="page"' in second


def test_sort_by_deadline_and_by_newness(client: Client, make: Make) -> None:
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        make(
            "古い・締切遅い",
            at(date(2026, 12, 1), 10),
            application=Program.Application.PHONE,
            applications_close_at=at(date(2026, 11, 30), 17),
        )
    make(
        "新しい・締切早い",
        at(date(2026, 12, 10), 10),
        application=Program.Application.PHONE,
        applications_close_at=at(date(2026, 11, 27), 17),
    )

    assert titles(listing(client, "?sort=date")) == ["古い・締切遅い", "新しい・締切早い"]
    assert titles(listing(client, "?sort=deadline")) == ["新しい・締切早い", "古い・締切遅い"]
    assert titles(listing(client, "?sort=new")) == ["新しい・締切早い", "古い・締切遅い"]


def test_keyword_search_highlights_the_words_found(client: Client, make: Make) -> None:
    make("スマホ入門", at(date(2026, 12, 2), 10), summary="スマートフォンの基本操作を学びます。")
    make("陶芸教室", at(date(2026, 12, 3), 10), summary="土に触れる時間です。")

    html = listing(client, "?q=スマホ")

    assert titles(html) == ["スマホ入門"]
    assert "<mark>" in html
    assert '<option value="relevance" selected>' in html


def test_keyword_search_escapes_what_the_programme_says(client: Client, make: Make) -> None:
    make("危ない講座", at(date(2026, 12, 2), 10), summary="<script>alert(1)</script> 防災の講座")

    html = listing(client, "?q=防災")

    assert titles(html) == ["危ない講座"]
    assert "<script>alert(1)" not in html


def test_htmx_gets_only_the_results_and_the_counts_out_of_band(client: Client, make: Make) -> None:
    make("土曜の講座", at(date(2026, 11, 28), 10))
    make("水曜の講座", at(date(2026, 12, 2), 10))

    response = client.get("/programs/?when=weekend", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert titles(html) == ["土曜の講座"]
    assert '<p id="result-count" hx-swap-oob="innerHTML">' in html
    assert 'id="count-when-weekend" hx-swap-oob="true">（1）' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client: Client, make: Make) -> None:
    make("土曜の講座", at(date(2026, 11, 28), 10))

    response = client.get(
        "/programs/?when=weekend", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_the_filter_form_works_without_and_with_javascript(client: Client) -> None:
    html = listing(client)

    form = re.search(r'<form method="get" action="/programs/" id="catalogue-filter"[^>]*>', html)
    assert form is not None
    assert 'hx-get="/programs/"' in form.group()
    assert 'hx-target="#results"' in form.group()
    assert 'hx-push-url="true"' in form.group()
    assert '<button type="submit"' in html
    assert "<legend>" in html


# --- A programme's page -------------------------------------------------------------------------


def test_detail_page_tells_a_resident_everything(english: Client, make: Make) -> None:
    facility = FacilityFactory(name="田無公民館")
    co = Organizer.objects.create(kind=Organizer.Kind.GROUP, name="田無の歴史を学ぶ会")
    program = make(
        "郷土の歴史講座",
        at(date(2026, 12, 5), 13, 30),
        at(date(2026, 12, 12), 13, 30),
        hours=1,
        co_organizers=[co],
        facility=facility,
        fee=Program.Fee.PAID,
        fee_amount=500,
        capacity=30,
        application=Program.Application.PHONE,
        applications_open_at=at(date(2026, 11, 1), 9),
        applications_close_at=at(date(2026, 11, 30), 17),
        contact_name="社会教育課",
        contact_phone="042-000-0000",
        childcare_available=True,
        description="**昔の田無**を歩きます。\n\n<script>alert(1)</script>",
    )

    response = english.get(f"/programs/{program.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "郷土の歴史講座</h1>" in html
    assert "Sat 5 December 2026 13:30–14:30" in html
    assert "Sat 12 December 2026 13:30–14:30" in html
    assert f'<a href="/facilities/{facility.pk}/" lang="ja">田無公民館</a>' in html
    assert "田無の歴史を学ぶ会" in html
    assert "500 yen" in html
    assert "30 people" in html
    assert "Applications are open now." in html
    assert 'href="tel:042-000-0000"' in html
    assert "Childcare available" in html
    assert "<strong>昔の田無</strong>" in html
    assert "<script>alert(1)" not in html


def test_session_times_are_written_the_japanese_way(client: Client, make: Make) -> None:
    program = make("土曜の講座", at(date(2026, 12, 5), 13, 30), hours=1)

    html = client.get(f"/programs/{program.pk}/").content.decode()

    assert "2026年12月5日（土）13:30〜14:30" in html


def test_drafts_are_not_found_by_the_public_but_their_editor_sees_them(
    client: Client, make: Make, make_persona: Callable[..., User]
) -> None:
    draft = make("準備中の講座", at(date(2026, 12, 5), 10), publish=False)

    assert client.get(f"/programs/{draft.pk}/").status_code == 404
    assert client.get("/programs/999999/").status_code == 404

    client.force_login(make_persona(Role.COORDINATOR))
    response = client.get(f"/programs/{draft.pk}/")
    assert response.status_code == 200
    assert "準備中の講座" in response.content.decode()


def test_a_cancelled_programme_says_so_with_the_reason(english: Client, make: Make) -> None:
    program = make("雨天の講座", at(date(2026, 12, 5), 10))
    program_cancel(program=program, actor=None, reason="講師の急病のため")

    html = english.get(f"/programs/{program.pk}/").content.decode()

    assert "This programme has been cancelled." in html
    assert "講師の急病のため" in html
    assert titles(listing(english)) == []


def test_a_programme_that_has_ended_says_so(english: Client, make: Make) -> None:
    program = make("先月の講座", at(date(2026, 10, 5), 10))

    html = english.get(f"/programs/{program.pk}/").content.decode()

    assert "This programme has finished." in html
    assert "Applications are open now." not in html


def test_application_not_open_yet(english: Client, make: Make) -> None:
    program = make(
        "来月申込の講座",
        at(date(2027, 1, 20), 10),
        application=Program.Application.SITE,
        applications_open_at=at(date(2026, 12, 1), 9),
    )

    html = english.get(f"/programs/{program.pk}/").content.decode()

    assert "Applications open on Tue 1 December 2026 09:00." in html


def test_detail_page_leaves_a_block_for_structured_data(client: Client, make: Make) -> None:
    program = make("講座", at(date(2026, 12, 5), 10))

    response = client.get(f"/programs/{program.pk}/")

    assert "programs/_jsonld.html" in [t.name for t in response.templates]


# --- Calendar and day list ---------------------------------------------------------------------


def test_month_calendar_counts_programmes_per_day_and_marks_holidays(english: Client, make: Make) -> None:
    make("二十三日の講座", at(date(2026, 11, 23), 10))
    make("二十八日の午前", at(date(2026, 11, 28), 10))
    make("二十八日の午後", at(date(2026, 11, 28), 14))

    html = english.get("/programs/calendar/2026/11/").content.decode()

    assert "<caption>" in html
    assert '<th scope="col"' in html
    assert 'href="/programs/day/2026-11-28/">2 programmes' in html
    assert 'href="/programs/day/2026-11-23/">1 programme' in html
    assert "Labour Thanksgiving Day" in html  # 勤労感謝の日, named in the reader's language
    assert 'href="/programs/calendar/2026/10/"' in html
    assert 'href="/programs/calendar/2026/12/"' in html


def test_calendar_of_this_month_and_impossible_months(client: Client) -> None:
    response = client.get("/programs/calendar/")
    assert response.status_code == 302
    assert response["Location"] == "/programs/calendar/2026/11/"
    assert client.get("/programs/calendar/2026/13/").status_code == 404
    assert client.get("/programs/day/2026-02-30/").status_code == 404


def test_day_list_shows_the_times_of_that_day(client: Client, make: Make) -> None:
    make("連続講座", at(date(2026, 12, 5), 13, 30), at(date(2026, 12, 12), 10), hours=1)
    make("別の日の講座", at(date(2026, 12, 6), 10))

    html = client.get("/programs/day/2026-12-05/").content.decode()

    assert "2026年12月5日（土）" in html
    assert "連続講座" in html
    assert "13:30〜14:30" in html
    assert "10:00〜11:00" not in html
    assert "別の日の講座" not in html


# --- Home page ----------------------------------------------------------------------------------


def test_home_shows_starting_soon_closing_soon_new_and_fields(client: Client, make: Make) -> None:
    pottery = Category.objects.create(major="芸術・文化", minor="陶芸", sort_order=1)
    make("すぐ始まる講座", at(date(2026, 11, 27), 10), categories=[pottery])
    make(
        "締切間近の講座",
        at(date(2026, 12, 20), 10),
        application=Program.Application.PHONE,
        applications_close_at=at(date(2026, 11, 28), 17),
    )

    html = client.get("/").content.decode()

    assert 'action="/programs/"' in html
    assert 'name="q"' in html
    soon = html[html.index('id="soon-heading"') : html.index('id="closing-heading"')]
    closing = html[html.index('id="closing-heading"') : html.index('id="new-heading"')]
    assert soon.index("すぐ始まる講座") < soon.index("締切間近の講座")
    assert "締切間近の講座" in closing
    assert "すぐ始まる講座" not in closing
    # The count in the brackets of the page's language (（1） in Japanese).
    assert f'href="/programs/?category={pottery.pk}">陶芸</a>（1）' in html


@pytest.mark.parametrize(
    "path", ["/programs/", "/programs/?when=weekend&free=1&category={category}&sort=deadline", "/"]
)
def test_list_pages_use_a_fixed_number_of_queries(
    client: Client,
    make: Make,
    django_assert_num_queries: DjangoAssertNumQueries,
    path: str,
) -> None:
    pottery = Category.objects.create(major="芸術・文化", minor="陶芸", sort_order=1)
    # Ids differ between databases (PostgreSQL does not reuse them between tests).
    path = path.format(category=pottery.pk)
    saturday = date(2026, 11, 28)

    def add(count: int) -> None:
        for n in range(count):
            make(
                f"講座{n}",
                at(saturday + timedelta(days=n), 10),
                at(saturday + timedelta(days=n + 7), 10),
                categories=[pottery],
                application=Program.Application.SITE,
                applications_close_at=at(saturday + timedelta(days=n), 9),
            )

    add(3)
    client.get(path)  # warm caches that are not per request (sites, content types)
    # Measured cold, as the first visitor after a change sees it (listings are cached for a minute).
    # After a change every process reads the catalogue's bitsets once (six queries: five of the
    # programmes and one of their search entries, programs/catalogue_index.py); counts, facet
    # counts and a keyword's ranking then come from them.
    # Listing: the bitsets, ids, the cards' programmes and their sessions (a card names no field nor
    # audience; one round trip on PostgreSQL), and the facets' three label lists (read again with a
    # new catalogue version).
    # Home: the bitsets, three short lists (ids, the page and prefetches each; the count of those
    # the bitsets cannot answer), the field counts, the fields and the facility counts. The footer's
    # desk status (weekly hours and special days) adds two, and its contact details one.
    expected = 29 if path == "/" else 15 if connection.vendor == "sqlite" else 14
    cache.clear()
    with django_assert_num_queries(expected):
        client.get(path)
    add(27)
    cache.clear()
    with django_assert_num_queries(expected):
        client.get(path)
    # The next anonymous visitor gets the cached page: no query at all.
    with django_assert_num_queries(0):
        client.get(path)


def test_facet_labels_are_read_once_a_minute_not_for_every_page(
    client: Client, make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fields, audiences and areas change only when load_reference runs: a page does not read them.
    pottery = Category.objects.create(major="芸術・文化", minor="陶芸", sort_order=1)
    make("陶芸講座", at(date(2026, 11, 28), 10), categories=[pottery])
    assert "芸術・文化 / 陶芸" in listing(client, "?q=陶芸")
    Category.objects.filter(pk=pottery.pk).update(minor="焼き物")  # renamed by a reference load
    with CaptureQueriesContext(connection) as queries:
        second = listing(client, "?q=陶芸&when=morning")  # another URL: not the page cache
    assert not any("programs_category" in query["sql"] for query in queries.captured_queries)
    assert "焼き物" not in second
    # A minute on (here: no minute at all), the next page reads them again.
    monkeypatch.setattr(selectors, "FACET_CHOICES_MAX_AGE", 0.0)
    assert "芸術・文化 / 焼き物" in listing(client, "?q=陶芸&free=1")


def test_a_card_escapes_what_people_wrote_and_says_everything_a_card_says(english: Client, make: Make) -> None:
    # Cards are written as plain strings (programs/cards.py): every outside value must come out escaped.
    club = Organizer.objects.create(kind=Organizer.Kind.CITIZEN, name="A&B <会>")
    saturday = date(2026, 11, 28)
    make(
        "<b>陶芸</b> & 教室",
        at(saturday, 10),
        at(saturday + timedelta(days=7), 10),
        at(saturday + timedelta(days=14), 10),
        organizer=club,
        venue_name="公民館 <2階>",
        fee=Program.Fee.MATERIALS,
        fee_amount=1500,
        fee_note="粘土<持参>",
        application=Program.Application.SITE,
        applications_close_at=at(saturday - timedelta(days=1), 17),
        wheelchair_accessible=True,
        sign_language=True,
    )
    html = listing(english)
    card = re.search(r'<li class="program-card">.*?</li>\n', html, re.S)
    assert card is not None
    text = card.group()
    assert "&lt;b&gt;陶芸&lt;/b&gt; &amp; 教室" in text
    assert "<b>" not in text
    assert '<dd lang="ja">A&amp;B &lt;会&gt;</dd>' in text
    assert '<dd lang="ja">公民館 &lt;2階&gt;</dd>' in text
    assert "1,500 yen (materials)" in text
    assert '<span lang="ja">粘土&lt;持参&gt;</span>' in text
    assert " and 2 more sessions" in text
    assert "Apply by" in text
    assert '<li class="tag">Wheelchair access</li><li class="tag">Sign language</li>' in text


# --- Kept cards ------------------------------------------------------------------------------------


def test_a_japanese_card_says_everything_in_japanese(client: Client, make: Make) -> None:
    # The card's words are gettext calls in Python: one that makemessages missed would show in English.
    make(
        "陶芸教室",
        at(date(2026, 11, 28), 10),
        at(date(2026, 12, 5), 10),
        venue_name="田無公民館",
        application=Program.Application.SITE,
        applications_close_at=at(date(2026, 11, 27), 17),
        easy_summary="やさしい説明",
        wheelchair_accessible=True,
    )
    card = re.search(r'<li class="program-card">.*?</li>\n', listing(client), re.S)
    assert card is not None
    labels = ("開催日", "会場", "主催者", "参加費", "無料", "申込締切", 'aria-label="支援"')
    words = (*labels, "やさしい日本語", "車いす対応")
    for word in words:
        assert word in card.group(), word
    assert "（ほか1回）" in card.group()
    assert re.search(r">[A-Za-z][a-z]+( [a-z]+)*<", card.group()) is None  # no English word between tags


def test_a_card_is_read_in_two_queries_whatever_it_shows(make: Make) -> None:
    # The cards' read takes two statements whatever the cards show (one round trip on PostgreSQL):
    # nothing is read again, one query per card, when a card is written.
    room = RoomFactory(facility=FacilityFactory(name="田無公民館"), name="講座室1")
    make(
        "郷土の歴史講座",
        at(date(2026, 12, 5), 13, 30),
        at(date(2026, 12, 12), 13, 30),
        facility=room.facility,
        room=room,
        summary="田無の昔を歩きます。",
        easy_summary="むかしの たなしを あるきます。",
        fee=Program.Fee.PAID,
        fee_amount=500,
        fee_note="資料代",
        application=Program.Application.PHONE,
        applications_close_at=at(date(2026, 11, 30), 17),
        childcare_available=True,
        wheelchair_accessible=True,
        sign_language=True,
    )
    make("オンライン講座", at(date(2026, 12, 6), 10), is_online=True)
    make("川辺の観察会", at(date(2026, 12, 7), 10), venue_name="東伏見の川辺", description="川の生き物を見ます。")
    ids = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    forget_cards()
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        cards = program_cards(ids, query="生き物")  # a snippet of the description, where there is no summary
    assert len(queries.captured_queries) == (2 if connection.vendor == "sqlite" else 1)
    assert "田無公民館 講座室1" in cards[0]
    assert "Easy Japanese" in cards[0]
    assert "online" in cards[1]
    assert "東伏見の川辺" in cards[2]
    assert "川の<mark>生き物</mark>を見ます。" in cards[2]


def test_cards_are_the_same_read_together_or_one_by_one(make: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    # On PostgreSQL the cards' two statements go in one round trip, unless the connection binds
    # values on the server (then one by one): the cards must not depend on it.
    make("陶芸講座", at(date(2026, 11, 28), 10), at(date(2026, 12, 5), 10), fee=Program.Fee.PAID, fee_note="材料費")
    make("川辺の観察会", at(date(2026, 12, 7), 10), venue_name="東伏見の川辺")
    ids = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    forget_cards()
    together = program_cards(ids)
    forget_cards()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", True)
    assert program_cards(ids) == together
    # A fee without an amount says its kind, as the programme's page does.
    assert "有料" in together[0]
    assert "材料費" in together[0]
    assert "2026年11月28日（土）10:00〜12:00（ほか1回）" in together[0]


def test_a_card_shown_once_is_not_read_again_for_another_listing(client: Client, make: Make) -> None:
    for n in range(3):
        make(f"陶芸講座{n}", at(date(2026, 11, 28 + n), 10))
    first = listing(client, "?q=陶芸")
    with CaptureQueriesContext(connection) as queries:
        second = listing(client, "?q=陶芸&when=morning")  # another URL: not the page cache
    assert titles(second) == titles(first) == ["陶芸講座0", "陶芸講座1", "陶芸講座2"]
    cards = re.findall(r'<li class="program-card">.*?</li>\n', first, re.S)
    assert len(cards) == 3
    assert all(card in second for card in cards)
    # The programmes and their sessions were read for the first listing only.
    assert not [q["sql"] for q in queries.captured_queries if "programs_programsession" in q["sql"]]


def test_a_kept_card_follows_the_programmes_change_and_its_next_session(client: Client, make: Make) -> None:
    program = make("陶芸講座", at(date(2026, 11, 28), 10), at(date(2026, 12, 5), 10))
    assert "2026年11月28日（土）" in listing(client, "?q=陶芸")
    program_update(program=program, actor=None, title="陶芸講座（秋）")
    html = listing(client, "?q=陶芸&page=1")
    assert titles(html) == ["陶芸講座（秋）"]
    with time_machine.travel(at(date(2026, 11, 28), 13), tick=False):  # the first session is over
        html = listing(client, "?q=陶芸&sort=relevance")
    assert "2026年12月5日（土）" in html
    assert "2026年11月28日（土）" not in html


def test_the_card_marks_each_querys_words_in_its_summary(client: Client, make: Make) -> None:
    make("親子で陶芸", at(date(2026, 11, 28), 10), summary="ろくろを回して湯のみを作ります。")
    assert "<mark>ろくろ</mark>" in listing(client, "?q=ろくろ")
    html = listing(client, "?q=湯のみ")
    assert "<mark>湯のみ</mark>" in html
    assert "<mark>ろくろ</mark>" not in html
    assert '<p class="program-card__summary">ろくろを回して湯のみを作ります。</p>' in listing(client, "?category=")


def test_a_card_counts_the_further_sessions_in_each_language(english: Client, make: Make) -> None:
    make("陶芸講座", at(date(2026, 11, 28), 10), at(date(2026, 12, 5), 10), at(date(2026, 12, 12), 10))
    assert "2026年11月28日（土）10:00〜12:00（ほか2回）" in listing(Client(), "?q=陶芸")
    assert "10:00–12:00 and 2 more sessions" in english.get("/programs/?q=陶芸").content.decode()


def test_a_fee_is_written_with_a_thousands_separator(english: Client, make: Make) -> None:
    make("陶芸講座", at(date(2026, 11, 28), 10), fee=Program.Fee.PAID, fee_amount=25000)
    assert "25,000円" in listing(Client(), "?q=陶芸")
    assert "25,000 yen" in english.get("/programs/?q=陶芸").content.decode()


# --- Furigana ------------------------------------------------------------------------------------


def test_furigana_switch_is_remembered_and_puts_ruby_over_titles(client: Client, make: Make) -> None:
    program = make("郷土の歴史", at(date(2026, 12, 5), 10))

    response = client.post("/furigana/", {"furigana": "on", "next": f"/programs/{program.pk}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/"
    assert response.cookies["furigana"].value == "on"
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert "<rt>" in html
    assert 'value="off" aria-pressed="true"' in html

    client.post("/furigana/", {"furigana": "off", "next": "/"})
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert "<rt>" not in html
    assert 'value="on" aria-pressed="false"' in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_furigana_switch_never_sends_people_off_the_site(client: Client, target: str) -> None:
    response = client.post("/furigana/", {"furigana": "on", "next": target})

    assert response["Location"] == "/"


def test_furigana_switch_ignores_unknown_values_and_gets(client: Client) -> None:
    assert "furigana" not in client.post("/furigana/", {"furigana": "maybe"}).cookies
    assert client.get("/furigana/?furigana=on").status_code == 405


def test_a_running_course_is_listed_by_its_next_meeting_not_its_first(client: Client, make: Make) -> None:
    now = timezone.localtime()
    first = (now - timedelta(days=14)).replace(hour=10, minute=0, second=0, microsecond=0)
    make("続いている講座", first, first + timedelta(days=21), first + timedelta(days=28))
    html = client.get("/programs/").content.decode()
    card = html[html.index("続いている講座") :]
    next_meeting = first + timedelta(days=21)
    assert f"{next_meeting.month}月{next_meeting.day}日" in card
    assert f"{first.month}月{first.day}日（" not in card[: card.index("</dd>")]
