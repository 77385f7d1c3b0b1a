"""A recruitment post names who is wanted (募集する人, not the audit log's 操作した人) and reads its
last day as a Japanese date; the form's labels have one colon at most."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.forms import PostForm
from manabiba.communities.models import CommunityGroup

pytestmark = pytest.mark.django_db


def test_a_recruitment_post_reads_who_is_wanted_and_the_deadline_in_japanese(
    make_group: Callable[..., CommunityGroup], client: Client, settings: Settings
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    post = services.post_create(
        group=group,
        actor=owner,
        kind="recruitment",
        title="団員募集",
        body="一緒に歌いませんか。",
        who="歌の好きな方",
        until=date(2027, 2, 28),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"  # this package's client reads English otherwise
    for url in (reverse("communities:post", args=[group.pk, post.pk]), reverse("communities:detail", args=[group.pk])):
        page = client.get(url).content.decode()
        assert "<dt>募集する人</dt>" in page
        assert "操作した人" not in page
        assert "<dt>締切</dt>" in page
        assert "2027年2月28日（日）" in page


def test_the_post_form_labels_are_its_own_and_carry_no_colon() -> None:
    with translation.override("ja"):
        form = PostForm()
        labels = str(form.fields["who"].label), str(form.fields["until"].label)
    assert labels == ("募集する人", "締切日")


def test_the_audit_log_still_says_who_acted(
    client: Client, settings: Settings, make_persona: Callable[..., User]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    client.force_login(make_persona(Role.ADMINISTRATOR, email="admin@example.jp"))
    page = client.get(reverse("staff:audit")).content.decode()
    assert "操作した人" in page
