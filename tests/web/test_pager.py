"""The one pager of every listing keeps the listing's filters when it moves a page."""

from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

PAGER = Template('{% include "core/_pager.html" with number=number total=total %}')


def _render(query: str, number: int, total: int) -> str:
    request = RequestFactory().get(f"/groups/?{query}")
    with translation.override("ja"):
        return PAGER.render(RequestContext(request, {"number": number, "total": total}))


def test_previous_and_next_keep_every_filter() -> None:
    html = _render("area=3&category=sports&page=2", 2, 3)

    assert 'href="?area=3&amp;category=sports&amp;page=1"' in html
    assert 'href="?area=3&amp;category=sports&amp;page=3"' in html
    assert "3ページ中 2ページ目" in html


def test_first_and_last_pages_offer_only_the_way_that_exists() -> None:
    first, last = _render("q=ヨガ", 1, 2), _render("q=ヨガ&page=2", 2, 2)

    assert "前のページ" not in first
    assert "次のページ" in first
    assert "前のページ" in last
    assert "次のページ" not in last


def test_a_single_page_has_no_pager() -> None:
    assert _render("q=ヨガ", 1, 1).strip() == ""
