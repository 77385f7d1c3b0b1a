"""The catalogue's programme cards, rendered once and kept in each process.

When every visitor asks something different, no page is ever asked twice, but the same popular
programmes come back under query after query. Rendering a card (its next session, venue, fee,
organiser and tags) and reading its programme with the relations it shows were most of a search
page's cost, so a card is kept per programme, catalogue version, language and furigana switch,
and a page reads from the database only the programmes whose card it does not hold.

A card names the programme's next session, so it is kept only until that session is over. The
one part that differs by query, the snippet (the query's words marked in the summary), is cut
for each page from the text the card keeps (``core.search.search_snippet`` keeps the analysis
of that text).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from manabiba.core.japanese import QueryWord
from manabiba.core.paths import path_with_id
from manabiba.core.search import search_snippet, snippet_words
from manabiba.core.templatetags.japanese import lang_ja, ruby
from manabiba.programs.kept import KeptByProgramme
from manabiba.programs.models import Program, ProgramSession
from manabiba.programs.selectors import CardProgram, catalogue_version, program_cards_by_id
from manabiba.programs.templatetags.programme_dates import datetime_label, session_label
from manabiba.programs.templatetags.programme_fees import fee_html


@dataclass(frozen=True)
class _Card:
    head: str
    tail: str
    summary: str  # the card's text without a query: the summary paragraph, or nothing
    text: str  # what a snippet is cut from
    until: float  # Unix seconds after which the card's next session has changed (inf: never)


_cards: KeptByProgramme[_Card] = KeptByProgramme(lambda: settings.CATALOGUE_CARDS_KEPT)


def program_cards(
    ids: list[int], *, query: str = "", furigana_on: bool = False, now: datetime | None = None
) -> list[SafeString]:
    """The cards of the programmes ``ids`` for a listing, in that order (a programme no longer
    there is left out), with ``query``'s words marked in each card's text."""
    moment = (now or timezone.now()).timestamp()
    version, variant = catalogue_version(), (translation.get_language() or "", furigana_on)
    cards: dict[int, _Card] = {}
    for pk in ids:
        card = _cards.get(pk, version, variant)
        if card is not None and moment <= card.until:
            cards[pk] = card
    missing = [pk for pk in ids if pk not in cards]
    if missing:
        for pk, program in program_cards_by_id(missing).items():
            cards[pk] = _cards.put(pk, version, variant, _render(program, furigana_on))
    words = snippet_words(query) if query.strip() else []
    return [mark_safe(card.head + _text(card, query, words) + card.tail) for pk in ids if (card := cards.get(pk))]


def forget_cards() -> None:
    """Drop this process's cards (tests that change programmes behind the services' back)."""
    _cards.clear()


def _render(program: CardProgram, furigana_on: bool) -> _Card:
    session = program.next_session
    head, tail = _card_html(program, furigana_on, session)
    until = math.inf
    if session is not None and (session.ends_at or session.starts_at) >= timezone.now():
        until = (session.ends_at or session.starts_at).timestamp()
    summary = _paragraph("program-card__summary", escape(program.summary)) if program.summary else ""
    return _Card(head, tail, summary, program.summary or program.description, until)


def _card_words() -> dict[str, str]:
    """The card's own words in the page's language, escaped. Each is a literal ``gettext`` call
    outside any f-string: ``makemessages`` does not look inside f-strings, and a word it does not
    find leaves the catalogue and shows in English on a Japanese page."""
    return {
        "cancelled": escape(gettext("Cancelled")),
        "finished": escape(gettext("Finished")),
        "date": escape(gettext("Date")),
        "venue": escape(gettext("Venue")),
        "organiser": escape(gettext("Organiser")),
        "fee": escape(gettext("Fee")),
        "apply_by": escape(gettext("Apply by")),
        "support": escape(gettext("Support")),
    }


def _card_html(program: CardProgram, furigana_on: bool, session: ProgramSession | None) -> tuple[str, str]:
    """A card's HTML before and after its text: title, state, next session, venue, organiser, fee,
    closing date and support. Written as plain strings, not by a template: a distinct search page
    renders most of its twenty cards for the first time, and Django's template engine made that
    a sixth of the page's time. Every outside value is escaped."""
    url, words = path_with_id("programs:detail", program.pk), _card_words()
    head = [
        '<li class="program-card">\n',
        f'  <h3 class="program-card__title"{lang_ja(program.title)}><a href="{url}">'
        f"{ruby(program.title, furigana_on)}</a></h3>\n",
    ]
    if program.status == Program.Status.CANCELLED:
        head.append(f'  <p class="tag tag--danger">{words["cancelled"]}</p>\n')
    elif program.status == Program.Status.FINISHED:
        head.append(f'  <p class="tag">{words["finished"]}</p>\n')
    head.append('  <dl class="details">\n')
    if session is not None:
        later = program.later_sessions
        # The space is the translation's: English wants one, Japanese brackets none.
        more = (
            ngettext(" and %(counter)s more session", " and %(counter)s more sessions", later) % {"counter": later}
            if later
            else ""
        )
        label = escape(session_label(session))
        head.append(f"    <dt>{words['date']}</dt>\n    <dd>{label}{escape(more)}</dd>\n")
    venue = program.venue_label
    if venue:
        head.append(f"    <dt>{words['venue']}</dt><dd{lang_ja(venue)}>{escape(venue)}</dd>\n")
    organizer = program.organizer_name
    head.append(f"    <dt>{words['organiser']}</dt><dd{lang_ja(organizer)}>{escape(organizer)}</dd>\n")
    head.append(f"    <dt>{words['fee']}</dt><dd>{fee_html(program)}</dd>\n")
    if program.applications_close_at and program.application != Program.Application.NONE:
        closes = escape(datetime_label(program.applications_close_at))
        head.append(f"    <dt>{words['apply_by']}</dt><dd>{closes}</dd>\n")
    head.append("  </dl>\n  ")
    tags = [
        (program.easy_summary, "tag tag--easy", gettext("Easy Japanese")),
        (program.wheelchair_accessible, "tag", gettext("Wheelchair access")),
        (program.childcare_available, "tag", gettext("Childcare available")),
        (program.sign_language, "tag", gettext("Sign language")),
    ]
    shown = "".join(f'<li class="{css}">{escape(label)}</li>' for on, css, label in tags if on)
    support = f'\n  <ul class="tags" aria-label="{words["support"]}">{shown}</ul>' if shown else ""
    return "".join(head), f"{support}\n</li>\n"


def _paragraph(css_class: str, html: str) -> str:
    """The card's text as a paragraph (written here, not by a template: a page cuts twenty snippets)."""
    return f'<p class="{css_class}"{lang_ja(html)}>{html}</p>'


def _text(card: _Card, query: str, words: list[QueryWord]) -> str:
    if not query.strip() or not card.text:
        return card.summary
    # search_snippet escapes the text itself and adds only <mark>: the one place we trust HTML from.
    return _paragraph("program-card__snippet", search_snippet(card.text, query, words=words))
