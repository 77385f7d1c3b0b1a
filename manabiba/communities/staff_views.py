"""The coordinator's pages: the review queue, the moderation queue and the list of stale groups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.communities import selectors, services
from manabiba.communities.forms import ReasonForm
from manabiba.communities.models import AbuseReport, ActivityPost, CommunityGroup
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@permission_required("communities.review")
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "communities/staff/review_queue.html",
        {
            "groups": selectors.groups_for_review(),
            "approved": CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED).count(),
        },
    )


@permission_required("communities.review")
def group_review(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_object_or_404(CommunityGroup.objects.prefetch_related("categories", "areas"), pk=group_id)
    # The application holds the representative's and contact person's details, public or not.
    audit_log(action="communities.personal_data.viewed", actor=request.user, target=group)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.group_approve(group=group, actor=_user(request))
                messages.success(request, _("The group is approved and listed."))
                return redirect("staff_communities:review")
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                if action == "request_changes":
                    services.group_request_changes(group=group, actor=_user(request), reason=reason)
                    messages.success(request, _("The group has been asked to change its application."))
                    return redirect("staff_communities:review")
                if action == "reject":
                    services.group_reject(group=group, actor=_user(request), reason=reason)
                    messages.success(request, _("The application has been rejected."))
                    return redirect("staff_communities:review")
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "communities/staff/group_review.html",
        {
            "group": group,
            "form": form,
            "members": selectors.group_members(group),
        },
    )


@permission_required("communities.moderate")
def moderation_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "communities/staff/moderation.html",
        {
            "pending": selectors.posts_for_moderation(),
            "events": selectors.events_for_moderation(),
            "reports": selectors.open_abuse_reports(),
            "recent": selectors.recent_posts(),
            "form": ReasonForm(),
        },
    )


@permission_required("communities.moderate")
@require_POST
def post_moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(ActivityPost, pk=post_id)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.post_approve(post=post, actor=_user(request))
            messages.success(request, _("The post is published."))
        else:
            services.post_unpublish(post=post, actor=_user(request), reason=request.POST.get("reason", ""))
            messages.success(request, _("The post has been unpublished."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff_communities:moderation")


@permission_required("communities.moderate")
@require_POST
def event_approve(request: HttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=program_id)
    try:
        services.group_event_approve(program=program, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The event is in the catalogue."))
    return redirect("staff_communities:moderation")


@permission_required("communities.moderate")
@require_POST
def report_resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(AbuseReport, pk=report_id)
    services.abuse_report_resolve(report=report, actor=_user(request), resolution=request.POST.get("resolution", ""))
    messages.success(request, _("The report is closed."))
    return redirect("staff_communities:moderation")


@permission_required("communities.review")
def stale(request: HttpRequest) -> HttpResponse:
    return render(request, "communities/staff/stale.html", {"groups": selectors.stale_groups()})
