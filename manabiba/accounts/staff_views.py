"""The staff workspace's account pages: who people are, their roles, departments, the audit log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from manabiba.accounts import forms, selectors, services
from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.core.audit import audit_log
from manabiba.core.workspace import Card, Severity, workspace_cards


@permission_required("staff.access_workspace")
def dashboard(request: HttpRequest) -> HttpResponse:
    tools = [
        (name, label)
        for name, label, permission in [
            ("staff_programs:list", _("Programmes"), "programs.create"),
            ("staff_registrations:index", _("Registrations"), "registrations.view_participants"),
            (
                "staff_registrations:register_choose",
                _("Register someone who phoned or came to the desk"),
                "registrations.register_on_behalf",
            ),
            ("staff_communities:review", _("Group sign-ups to review"), "communities.review"),
            ("staff_communities:moderation", _("Posts and reports to moderate"), "communities.moderate"),
            ("staff_communities:stale", _("Groups that have not confirmed they are active"), "communities.review"),
            ("staff_consultations:queue", _("Learning consultations"), "consultations.answer"),
            ("staff_consultations:figures", _("Consultation figures"), "consultations.view_figures"),
            ("staff_support:queue", _("Support requests"), "support.view"),
            ("staff_reports:current", _("Reports: the fiscal year's figures"), "reports.view"),
            ("staff_desk:appointments", _("Desk appointments"), "desk.view_appointments"),
            ("staff_desk:book", _("Book an appointment for a caller"), "desk.manage_appointments"),
            ("staff_desk:roster", _("Desk roster"), "desk.manage_roster"),
            ("staff_desk:hours", _("Desk opening hours"), "desk.manage_hours"),
            ("staff_venues:groups", _("Room user groups to approve"), "venues.review_groups"),
            ("staff_venues:facilities", _("Rooms: frames, closures and bookings"), "venues.manage_facility"),
            ("venues:index", _("Book a room for a group that phoned or came in"), "venues.book_on_behalf"),
            ("staff_liaison:directory", _("Department contacts"), "accounts.view_department_contacts"),
            ("staff_liaison:calendar", _("Planning calendar of every department"), "programs.view_planning"),
            ("staff_liaison:meetings", _("Liaison meetings and action items"), "liaison.view_meetings"),
            ("staff_exchanges:list", _("Exchange meetings and joint training"), "exchanges.manage"),
            ("staff:people", _("People and roles"), "accounts.view_people"),
            ("staff:departments", _("Departments"), "accounts.manage_departments"),
            ("staff:audit", _("Audit log"), "core.view_audit_log"),
            ("staff:failed_mail", _("Mail that failed to send"), "core.view_failed_mail"),
        ]
        if has_permission(request.user, permission)
    ]
    cards = workspace_cards(user=request.user, now=timezone.now())
    groups: dict[str, list[Card]] = {}
    for found in cards:
        groups.setdefault(found.group, []).append(found)
    return render(
        request,
        "accounts/staff/dashboard.html",
        {
            "tools": tools,
            "card_groups": list(groups.items()),
            "overdue": sum(c.count for c in cards if c.severity == Severity.OVERDUE),
        },
    )


@permission_required("accounts.view_people")
def people(request: HttpRequest) -> HttpResponse:
    form = forms.PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.people_search(query=query), 50).get_page(request.GET.get("page"))
    audit_log(
        action="accounts.personal_data.viewed",
        actor=request.user,
        data={"view": "people_list", "query": query, "page": page.number, "shown": len(page.object_list)},
    )
    return render(request, "accounts/staff/people.html", {"form": form, "page": page, "query": query})


@permission_required("accounts.view_people")
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("department", "area"), pk=user_id, anonymised_at=None)
    audit_log(action="accounts.personal_data.viewed", actor=request.user, target=person, data={"view": "person"})
    can_manage = has_permission(request.user, "accounts.manage_roles")
    return render(
        request,
        "accounts/staff/person.html",
        {
            "person": person,
            "roles": [(value, label) for value, label in Role.choices if value in person.role_set],
            "can_manage": can_manage,
            "can_end_sessions": has_permission(request.user, "accounts.end_sessions"),
            "role_form": forms.RoleChangeForm(),
            "settings_form": forms.StaffSettingsForm(
                initial={"department": person.department, "totp_required": person.totp_required}
            ),
        },
    )


@permission_required("accounts.manage_roles")
@require_POST
def person_role(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, anonymised_at=None)
    form = forms.RoleChangeForm(request.POST)
    action = request.POST.get("action")
    if form.is_valid() and action in {"grant", "revoke"}:
        role = Role(form.cleaned_data["role"])
        change = services.role_grant if action == "grant" else services.role_revoke
        try:
            change(user=person, role=role, actor=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Roles updated."))
    else:
        messages.error(request, _("Choose a role."))
    return redirect("staff:person", user_id=person.pk)


@permission_required("accounts.manage_roles")
@require_POST
def person_settings(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, anonymised_at=None)
    form = forms.StaffSettingsForm(request.POST)
    if form.is_valid():
        services.user_staff_settings_update(
            user=person,
            department=form.cleaned_data["department"],
            totp_required=form.cleaned_data["totp_required"],
            actor=request.user,
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a department from the list."))
    return redirect("staff:person", user_id=person.pk)


@permission_required("accounts.end_sessions")
@require_POST
def person_sign_out(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, anonymised_at=None)
    revoked = services.user_sign_out_everywhere(user=person, actor=request.user)
    messages.success(
        request,
        ngettext(
            "Every session of this person has ended and %(count)d API token was revoked.",
            "Every session of this person has ended and %(count)d API tokens were revoked.",
            revoked,
        )
        % {"count": revoked},
    )
    return redirect("staff:person", user_id=person.pk)


@permission_required("accounts.manage_departments")
def departments(request: HttpRequest) -> HttpResponse:
    form = forms.DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.department_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Department added."))
        return redirect("staff:departments")
    return render(
        request, "accounts/staff/departments.html", {"form": form, "departments": selectors.department_list()}
    )


@permission_required("core.view_audit_log")
def audit(request: HttpRequest) -> HttpResponse:
    prefix = request.GET.get("action", "").strip()[:100]
    return render(
        request,
        "accounts/staff/audit.html",
        {"rows": selectors.audit_rows(action_prefix=prefix), "prefix": prefix},
    )


@permission_required("core.view_failed_mail")
def failed_mail(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.outbox_failed(), 50).get_page(request.GET.get("page"))
    audit_log(
        action="accounts.personal_data.viewed",
        actor=request.user,
        data={"view": "failed_mail", "shown": [message.pk for message in page.object_list]},
    )
    return render(request, "accounts/staff/failed_mail.html", {"page": page})
