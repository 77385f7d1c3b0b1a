"""Writes of new-programme mail: saving and deleting a search, the weekly mail, unsubscribing, erasure.

The weekly run (``alerts_send``, the command ``alerts_send`` and the task ``alerts_send_task``) mails each
saved search the programmes published since it last looked that match it, through the catalogue's own
selector, and nothing when nothing is new. A search it looked at less than ``RUN_EVERY`` ago is left
alone, so a second run in the same week sends nothing; two runs at once lock each search in turn.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.selectors import saved_search_name, saved_search_name_for, saved_search_new_programs
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.core.unsubscribe import UnsubscribeData, unsubscribe_link
from manabiba.programs.forms import filters_from_query, filters_query

ALERTS_LIST = "alerts.saved-search"
UNSUBSCRIBE_SALT = "manabiba.alerts.unsubscribe"
# A resident may keep this many saved searches.
MAX_PER_PERSON = 20
# Weekly: a search looked at less than six days ago waits (a timer a little late or early still mails weekly).
RUN_EVERY = timedelta(days=6)


def _query_of(query: str) -> str:
    normal = filters_query(filters_from_query(query))
    if len(normal) > SavedSearch._meta.get_field("query").max_length:  # type: ignore[operator]
        raise ValidationError(_("These conditions are too long to save. Remove a few and try again."), code="long")
    return normal


@transaction.atomic
def saved_search_create(*, user: User, query: str, language: str) -> tuple[SavedSearch, bool]:
    """Keep the listing's filters (its GET query, in any order) for ``user``; the name is put in words in
    ``language`` (the page's). The same conditions twice are one saved search: returns it and whether it is new."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to receive new programmes by mail."))
    normal = _query_of(query)
    existing = SavedSearch.objects.filter(user=user, query=normal).first()
    if existing is not None:
        return existing, False
    if SavedSearch.objects.filter(user=user).count() >= MAX_PER_PERSON:
        raise ValidationError(
            _("You can keep up to %(limit)s sets of conditions. Delete one on My page first.")
            % {"limit": MAX_PER_PERSON},
            code="too_many",
        )
    name = saved_search_name_for(filters_from_query(normal), language)
    try:
        with transaction.atomic():
            saved_search = SavedSearch.objects.create(user=user, query=normal, name=name, language=language)
    except IntegrityError:  # saved at the same moment from another tab
        return SavedSearch.objects.get(user=user, query=normal), False
    audit_log(action="alerts.saved_search.created", actor=user, target=saved_search, data={"query": normal})
    return saved_search, True


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, actor: User) -> None:
    if saved_search.user_id != actor.pk:
        raise PermissionDenied
    audit_log(action="alerts.saved_search.deleted", actor=actor, target=saved_search)
    saved_search.delete()


def saved_search_unsubscribe_link(saved_search: SavedSearch) -> str:
    """The alert mail's one-click link: it stops this saved search only."""
    return unsubscribe_link(ALERTS_LIST, {"user": saved_search.user_id, "search": saved_search.pk})


@transaction.atomic
def saved_search_unsubscribe_by_link(data: UnsubscribeData) -> bool:
    """What the mail's link does (registered with core.unsubscribe): the saved search is deleted.
    Returns False when it was gone already."""
    saved_search = SavedSearch.objects.filter(pk=int(data["search"]), user_id=int(data["user"])).first()
    if saved_search is None:
        return False
    audit_log(action="alerts.saved_search.unsubscribed", actor=saved_search.user, target=saved_search)
    saved_search.delete()
    return True


def alerts_erase_for_deleted_account(*, user: User) -> int:
    """A deleted account's saved searches go with it (run inside ``user_delete``)."""
    deleted, _by_model = SavedSearch.objects.filter(user=user).delete()
    return deleted


def _due(now: datetime) -> Q:
    return Q(last_checked_at__isnull=True) | Q(last_checked_at__lte=now - RUN_EVERY)


def _listing_link(saved_search: SavedSearch) -> str:
    query = "&".join(part for part in (saved_search.query, "sort=new") if part)
    return f"{settings.SITE_URL}{reverse('programs:list')}?{query}"


def alerts_send(*, now: datetime | None = None) -> int:
    """Mail each due saved search what was published since it last looked (run weekly). Returns mails queued."""
    now = now or timezone.now()
    sent = 0
    due_ids = list(
        SavedSearch.objects.filter(_due(now), user__is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for pk in due_ids:
        with transaction.atomic():
            # Locked and checked again: a run at the same moment has either done it or waits.
            saved_search = (
                SavedSearch.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(_due(now), pk=pk, user__is_active=True)
                .first()
            )
            if saved_search is None:
                continue
            since = saved_search.last_checked_at or saved_search.created_at
            page = saved_search_new_programs(saved_search, since=since, until=now)
            updates: dict[str, Any] = {"last_checked_at": now}
            if page.count:
                user = saved_search.user
                unsubscribe = saved_search_unsubscribe_link(saved_search)
                mail_send(
                    to=user.email,
                    template="alerts/mail/new_programs",
                    language=user.language,
                    context={
                        "name": user.full_name,
                        "search_name": saved_search_name(saved_search, user.language or settings.LANGUAGE_CODE),
                        "programs": page.programs,
                        "count": page.count,
                        "more": page.count - len(page.programs),
                        "listing": _listing_link(saved_search),
                        "my_page": f"{settings.SITE_URL}{reverse('accounts:profile')}",
                        "unsubscribe": unsubscribe,
                    },
                    unsubscribe=unsubscribe,
                )
                updates |= {"last_sent_at": now, "mails_sent": F("mails_sent") + 1}
                sent += 1
            SavedSearch.objects.filter(pk=saved_search.pk).update(**updates)
    return sent
