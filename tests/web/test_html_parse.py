"""Every page the browser tests visit, parsed by html5lib: no parse errors, no duplicate ids (a
duplicate id sends a label, a skip link or an error summary to the wrong place).

Strict in effect: any error fails the test. The parser runs with ``strict=False`` only so that a
failure lists every error of every page instead of stopping at the first."""

from collections import Counter
from io import StringIO

import html5lib
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup, Membership
from manabiba.consultations.models import Consultation
from manabiba.programs.models import Program, ProgramSession
from manabiba.registrations.models import RegistrationSettings
from manabiba.talents.models import TalentProfile
from manabiba.web.demo import demo_email

pytestmark = pytest.mark.django_db


def problems(html: str) -> list[str]:
    """html5lib's parse errors and every id used more than once, as readable lines."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    tree = parser.parse(html)
    lines = [f"line {line} col {col}: {code} {data or ''}" for (line, col), code, data in parser.errors]
    ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
    lines.extend(f'duplicate id="{name}" ({count} times)' for name, count in ids.items() if count > 1)
    return lines


def test_a_duplicate_attribute_and_a_duplicate_id_are_found() -> None:
    html = (
        '<!DOCTYPE html><html lang="ja"><head><title>t</title></head><body>'
        '<input type="text" type="search"><p id="a"></p><p id="a"></p></body></html>'
    )

    found = problems(html)

    assert any("duplicate-attribute" in line for line in found), found
    assert 'duplicate id="a" (2 times)' in found


def _pages() -> list[tuple[User | None, str]]:
    program = Program.objects.filter(status=Program.Status.PUBLISHED, first_starts_at__gt=timezone.now()).first()
    assert program is not None
    session = ProgramSession.objects.filter(program=program).first()
    assert session is not None
    lottery = RegistrationSettings.objects.filter(
        allocation=RegistrationSettings.Allocation.LOTTERY, program__status=Program.Status.PUBLISHED
    ).first()
    assert lottery is not None
    group = CommunityGroup.objects.order_by("pk").first()
    talent = TalentProfile.objects.order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    assert group is not None
    assert talent is not None
    assert consultation is not None
    public = [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/pages/about/",
        "/pages/terms/",
        "/programs/",
        "/programs/?q=講座&free=1",
        f"/programs/{program.pk}/",
        "/groups/",
        f"/groups/{group.pk}/",
        "/talents/",
        "/talents/?q=しょどう",
        f"/talents/{talent.pk}/",
        "/desk/",
        "/consultations/",
    ]
    resident = ["/registrations/", "/talents/register/", "/groups/register/", "/consultations/mine/"]
    staff = [
        "/staff/",
        "/staff/consultations/?view=new",
        "/staff/consultations/?view=department",
        f"/staff/consultations/{consultation.pk}/",
        "/staff/consultations/canned/new/",
        "/staff/consultations/figures/",
        "/staff/consultations/log/",
        "/staff/desk/book/",
        "/staff/desk/hours/",
        f"/staff/desk/roster/?from={timezone.localdate().isoformat()}",
        "/staff/groups/",
        f"/staff/groups/{group.pk}/",
        "/staff/registrations/",
        "/staff/registrations/register/",
        f"/staff/registrations/sessions/{session.pk}/roster/",
        f"/staff/registrations/sessions/{session.pk}/check-in/",
        "/staff/talents/",
        f"/staff/talents/{talent.pk}/",
    ]
    staff += [
        "/staff/programs/",
        "/staff/programs/new/",
        f"/staff/programs/{program.pk}/",
        f"/staff/programs/{program.pk}/edit/",
        f"/registrations/programs/{lottery.program_id}/draw/",
        "/staff/groups/moderation/",
        "/staff/people/",
        "/staff/audit/",
    ]
    owner = Membership.objects.filter(role=Membership.Role.OWNER).select_related("user", "group").first()
    own_talent = TalentProfile.objects.filter(user__isnull=False).select_related("user").first()
    assert owner is not None
    assert own_talent is not None
    assert own_talent.user is not None
    managed = owner.group.pk
    organiser = [
        "/groups/mine/",
        f"/groups/{managed}/manage/",
        f"/groups/{managed}/manage/edit/",
        f"/groups/{managed}/manage/events/new/",
        f"/groups/{managed}/manage/posts/new/?kind=recruitment",
    ]
    talent_pages = ["/talents/mine/", f"/talents/mine/{own_talent.pk}/edit/"]

    def persona(role: Role) -> User:
        return User.objects.get(email=demo_email(role))

    return (
        [(None, path) for path in public]
        + [(persona(Role.RESIDENT), path) for path in resident]
        + [(persona(Role.ADMINISTRATOR), path) for path in staff]
        + [(owner.user, path) for path in organiser]
        + [(own_talent.user, path) for path in talent_pages]
    )


def test_every_page_the_browser_tests_visit_parses_cleanly(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    found: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}

    pages = _pages()
    for user, path in pages:
        for language in ("ja", "en"):
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if user is not None:
                client.force_login(user)
            response = client.get(path)
            if response.status_code != 200:
                statuses[path] = response.status_code
                continue
            if lines := problems(response.content.decode()):
                found[f"{user} {language} {path}"] = lines

    assert len(pages) > 50

    assert statuses == {}
    assert found == {}
