"""Reads of saved searches: a resident's list, their names in words, and what is new for one of them."""

from dataclasses import replace
from datetime import datetime

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.alerts.models import SavedSearch
from manabiba.core.dates import format_day
from manabiba.core.models import Area, english_or
from manabiba.core.unsubscribe import UnsubscribeData
from manabiba.programs.forms import WEEKDAYS, ProgramFilterForm, filters_from_query, filters_query
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.selectors import ProgramFilters, ProgramPage, Sort, When, program_search

# A mail lists this many programmes at most, then links to the listing for the rest.
MAIL_LIMIT = 20
NAME_LENGTH = 200


def saved_searches_of(user: User) -> list[SavedSearch]:
    """A resident's saved searches, oldest first (My page)."""
    return list(SavedSearch.objects.filter(user=user).order_by("created_at", "pk"))


def saved_searches_export(user: User) -> list[dict[str, object]]:
    """The person's saved conditions and their weekly mail, for their download."""
    fields = ("name", "query", "language", "created_at", "last_sent_at", "mails_sent")
    return personal_rows(SavedSearch.objects.filter(user=user).order_by("pk"), fields)


def saved_search_filters(saved_search: SavedSearch) -> ProgramFilters:
    return filters_from_query(saved_search.query)


def filters_in_words(filters: ProgramFilters) -> list[str]:
    """Each filter in force as the listing labels it, in the active language, in the form's order."""
    words: list[str] = [filters.q] if filters.q else []
    # A sub-field by its own name (ヨガ, not 健康・スポーツ / ヨガ): the name stays short.
    categories = Category.objects.filter(pk__in=filters.categories).order_by("sort_order", "pk")
    words += [english_or(c.name_en, c.minor or c.major) for c in categories]
    words += [a.label for a in Audience.objects.filter(pk__in=filters.audiences).order_by("sort_order", "pk")]
    words += [a.label for a in Area.objects.filter(pk__in=filters.areas)]
    words += [str(label) for value, label in Organizer.Kind.choices if value in filters.organizer_kinds]
    words += [str(label) for value, label in Program.Kind.choices if value in filters.kinds]
    words += [str(label) for value, label in WEEKDAYS if value in filters.weekdays]
    words += [str(label) for value, label in When.choices if value in filters.when]
    if filters.date_from is not None:
        words.append(_("From %(day)s") % {"day": format_day(filters.date_from)})
    if filters.date_to is not None:
        words.append(_("Until %(day)s") % {"day": format_day(filters.date_to)})
    if filters.free is not None:
        words.append(_("free") if filters.free else _("fee or materials"))
    fields = ProgramFilterForm.base_fields
    for name, on in (
        ("open", filters.open_now),
        ("wheelchair", filters.wheelchair),
        ("childcare", filters.childcare),
        ("sign_language", filters.sign_language),
        ("past", filters.include_past),
    ):
        if on:
            words.append(str(fields[name].label))
    return [str(capfirst(word)) for word in words]


def saved_search_name_for(filters: ProgramFilters, language: str) -> str:
    """The name a saved search is shown by: its filters in words (「ヨガ・田無町・土日祝」) in ``language``."""
    with translation.override(language):
        words = filters_in_words(filters)
        if not words:
            return str(_("Every new programme"))
        name = pgettext("saved search name separator", " · ").join(words)
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1] + "…"


def saved_search_name(saved_search: SavedSearch, language: str) -> str:
    """The saved search's name in ``language``: as saved, or put in words again in the other language."""
    if language == saved_search.language:
        return saved_search.name
    return saved_search_name_for(saved_search_filters(saved_search), language)


def saved_search_described(data: UnsubscribeData) -> str:
    """The name the unsubscribe page shows for its link, in the reader's language ("" when it is gone)."""
    saved_search = SavedSearch.objects.filter(pk=int(data["search"]), user_id=int(data["user"])).first()
    if saved_search is None:
        return ""
    return saved_search_name(saved_search, translation.get_language() or saved_search.language)


def saved_search_new_programs(saved_search: SavedSearch, *, since: datetime, until: datetime) -> ProgramPage:
    """The programmes published in (since, until] that the saved search matches, by date, the first
    ``MAIL_LIMIT`` of them (``count`` says how many in all): the catalogue's own selector, run again."""
    filters = replace(saved_search_filters(saved_search), published_after=since, published_until=until, sort=Sort.DATE)
    return program_search(filters, limit=MAIL_LIMIT, now=until)


def saved_search_preview(query: str, language: str) -> tuple[str, str]:
    """What saving the listing's ``query`` would keep: the query in its normal form and its name."""
    filters = filters_from_query(query)
    return filters_query(filters), saved_search_name_for(filters, language)
