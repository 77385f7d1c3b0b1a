"""Saving the catalogue's filters for a weekly mail of new programmes, and deleting them (My page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.alerts import services
from manabiba.alerts.forms import SavedSearchForm
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.selectors import saved_search_preview


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _listing(query: str) -> str:
    return reverse("programs:list") + (f"?{query}" if query else "")


@login_required
def saved_search_new(request: HttpRequest) -> HttpResponse:
    """POST (the listing's button) saves the filters and goes back to the list; GET (where the listing
    sends someone who was not logged in, after logging in) shows the conditions and the same button."""
    language = get_language() or "ja"
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        form.is_valid()  # one optional text field: always valid; the service checks the conditions
        query, _name = saved_search_preview(form.cleaned_data.get("query", ""), language)
        try:
            saved_search, created = services.saved_search_create(user=_user(request), query=query, language=language)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if created:
                message = _("Saved: “%(name)s”. Each week we mail you the new programmes with these conditions.")
            else:
                message = _("You already receive new programmes with these conditions: “%(name)s”.")
            messages.success(request, message % {"name": saved_search.name})
        return redirect(_listing(query))
    query, name = saved_search_preview(request.GET.urlencode(), language)
    form = SavedSearchForm(initial={"query": query})
    return render(request, "alerts/saved_search_new.html", {"form": form, "name": name, "query": query})


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, saved_search_id: int) -> HttpResponse:
    user = _user(request)
    saved_search = get_object_or_404(SavedSearch, pk=saved_search_id, user=user)
    services.saved_search_delete(saved_search=saved_search, actor=user)
    messages.success(request, _("No more mail for “%(name)s”.") % {"name": saved_search.name})
    return redirect(reverse("accounts:profile") + "#alerts")
