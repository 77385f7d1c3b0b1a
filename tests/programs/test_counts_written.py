"""Counts of a thousand or more are written with a thousands separator, in both languages, and the
facet options escape whatever they are given."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import override

from manabiba.core.templatetags.listing import facet_options


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False


def test_the_result_count_has_a_thousands_separator() -> None:
    with override("ja"):
        assert "3,469件見つかりました。" in render_to_string("programs/_count.html", {"count": 3469, "last_page": 1})
        assert "1件見つかりました。" in render_to_string("programs/_count.html", {"count": 1, "last_page": 1})
    with override("en"):
        assert "3,469 programmes found." in render_to_string("programs/_count.html", {"count": 3469, "last_page": 1})
        assert "1 programme found." in render_to_string("programs/_count.html", {"count": 1, "last_page": 1})


def test_facet_counts_have_a_thousands_separator_in_the_pages_brackets() -> None:
    with override("ja"):
        html = facet_options("area", [Option("3", "田無町", 12345, selected=True)])
        assert '<label for="f-area-3">田無町<span class="facet__count" id="count-area-3">（12,345）</span>' in html
        assert 'id="f-area-3" checked>' in html
    with override("en"):
        html = facet_options("area", [Option("3", "tanashi", 7)])
        assert '<label for="f-area-3">Tanashi<span class="facet__count" id="count-area-3"> (7)</span>' in html


def test_facet_options_escape_their_values_and_labels() -> None:
    html = facet_options("area", [Option('"><script>', "<b>町</b>", 1)], "radio")
    assert "<script>" not in html
    assert "<b>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert "&lt;b&gt;町&lt;/b&gt;" in html
    assert 'type="radio"' in html
