"""Addresses by id (``core.paths``): what ``reverse()`` gives, whatever the id, prefix or URLconf."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, clear_script_prefix, path, reverse, set_script_prefix
from pytest_django.fixtures import Settings

from manabiba.core.paths import path_around_id, path_with_id


def _elsewhere(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


urlpatterns = [path("elsewhere/<int:pk>/edit", _elsewhere, name="elsewhere")]


@pytest.mark.parametrize("view_name", ["programs:detail", "communities:detail", "facilities:detail"])
@pytest.mark.parametrize("pk", [1, 7, 40213])
def test_an_address_by_id_is_the_reversed_one(view_name: str, pk: int) -> None:
    assert path_with_id(view_name, pk) == reverse(view_name, args=[pk])


def test_the_address_follows_the_script_prefix() -> None:
    plain = path_with_id("programs:detail", 5)
    set_script_prefix("/manabiba/")
    try:
        assert path_with_id("programs:detail", 5) == "/manabiba" + plain == reverse("programs:detail", args=[5])
        head, tail = path_around_id("programs:detail")
        assert f"{head}5{tail}" == "/manabiba" + plain
    finally:
        clear_script_prefix()
    assert path_with_id("programs:detail", 5) == plain


def test_the_address_follows_another_urlconf(settings: Settings) -> None:
    before = path_with_id("programs:detail", 3)
    settings.ROOT_URLCONF = __name__
    assert path_with_id("elsewhere", 3) == "/elsewhere/3/edit"
    with pytest.raises(NoReverseMatch):  # the site's names are not in this URLconf
        path_with_id("programs:detail", 3)
    settings.ROOT_URLCONF = "manabiba.config.urls"
    assert path_with_id("programs:detail", 3) == before


def _render(source: str, **context: object) -> str:
    from django.template import engines

    return engines["django"].from_string(source).render(context)


def test_url_tag_without_arguments_gives_the_reversed_address() -> None:
    assert _render("{% url 'programs:list' %}") == reverse("programs:list")
    assert _render("{% url name %}", name="programs:list") == reverse("programs:list")
    assert _render("{% url 'programs:detail' 12 %}") == reverse("programs:detail", args=[12])
    set_script_prefix("/manabiba/")
    try:
        assert _render("{% url 'programs:list' %}") == reverse("programs:list")
        assert _render("{% url 'programs:list' %}").startswith("/manabiba/")
    finally:
        clear_script_prefix()
    assert not _render("{% url 'programs:list' %}").startswith("/manabiba/")


def test_url_tag_for_a_missing_page_raises_or_gives_nothing_as_before() -> None:
    with pytest.raises(NoReverseMatch):
        _render("{% url 'nowhere:page' %}")
    assert _render("{% url 'nowhere:page' as there %}[{{ there }}]") == "[]"
    assert _render("{% url 'programs:list' as there %}[{{ there }}]") == f"[{reverse('programs:list')}]"
