"""My page's section of saved searches, shown on a page of ``accounts`` (below this app) by a tag."""

from typing import Any

from django import template

from manabiba.alerts.selectors import saved_searches_of

register = template.Library()


@register.inclusion_tag("alerts/_my_saved_searches.html", takes_context=True)
def my_saved_searches(context: template.Context, user: Any) -> dict[str, Any]:
    """``{% my_saved_searches user %}``: the person's saved searches, each with its delete button."""
    return {"saved_searches": saved_searches_of(user), "csrf_token": context.get("csrf_token")}
