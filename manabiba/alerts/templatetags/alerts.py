"""My page's section of saved searches, shown on a page of ``accounts`` (below this app) by a tag."""

from typing import Any

from django import template
from django.utils.translation import get_language

from manabiba.alerts.selectors import saved_search_name, saved_searches_of

register = template.Library()


@register.inclusion_tag("alerts/_my_saved_searches.html", takes_context=True)
def my_saved_searches(context: template.Context, user: Any) -> dict[str, Any]:
    """``{% my_saved_searches user %}``: the person's saved searches with their names in the page's
    language, each with its delete button."""
    language = get_language() or "ja"
    saved_searches = [(s, saved_search_name(s, language)) for s in saved_searches_of(user)]
    return {"saved_searches": saved_searches, "csrf_token": context.get("csrf_token")}
