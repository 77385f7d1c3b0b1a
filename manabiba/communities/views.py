"""Public pages of the station (directory, group page, contact, sign-up) and the group editors' pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.communities import selectors, services
from manabiba.communities.forms import (
    PAGE_SIZE,
    AbuseForm,
    AgreementForm,
    ContactForm,
    DirectoryForm,
    EventForm,
    GroupEditForm,
    GroupForm,
    InviteForm,
    PhotoForm,
    PostForm,
)
from manabiba.communities.models import ActivityPost, CommunityGroup, Follow, Membership
from manabiba.communities.permissions import (
    can_edit_group,
    can_manage_members,
    can_read_inbox,
    can_view_group,
    membership_of,
)

APPLICATION_SESSION_KEY = "communities_application"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- directory --------------------------------------------------------------------------------------------------


def _filters(form: DirectoryForm) -> selectors.GroupFilters:
    if not form.is_valid():
        return selectors.GroupFilters()
    data = form.cleaned_data
    return selectors.GroupFilters(
        q=(data.get("q") or "").strip(),
        kinds=tuple(data.get("kind") or ()),
        categories=tuple(data.get("category") or ()),
        areas=tuple(data.get("area") or ()),
        days=tuple(data.get("day") or ()),
        recruiting=bool(data.get("recruiting")),
    )


def group_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    filters = _filters(form)
    page_number = (form.cleaned_data.get("page") if form.is_bound and form.is_valid() else None) or 1
    ranked = selectors.group_ranked_ids(filters)
    result = selectors.group_search(filters, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE, ranked=ranked)
    last_page = max(1, -(-result.count // PAGE_SIZE))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "communities/group_list.html",
        {
            "form": form,
            "filters": filters,
            "facets": selectors.group_facets(filters, ranked=ranked),
            "groups": result.groups,
            "count": result.count,
            "page_number": page_number,
            "last_page": last_page,
            "query": params.urlencode(),
        },
    )


def group_print(request: HttpRequest) -> HttpResponse:
    """The whole directory on paper: every listed group with its public contact details."""
    filters = _filters(DirectoryForm(request.GET or None))
    result = selectors.group_search(filters, limit=None)
    return render(request, "communities/group_print.html", {"groups": result.groups, "today": timezone.localdate()})


# --- a group's page ------------------------------------------------------------------------------------------------


def _visible_group(request: HttpRequest, group_id: int) -> CommunityGroup:
    group = selectors.group_detail(group_id)
    if group is None or not can_view_group(request.user, group):
        raise Http404
    return group


def group_detail(request: HttpRequest, group_id: int, contact_form: ContactForm | None = None) -> HttpResponse:
    group = _visible_group(request, group_id)
    user = request.user
    initial = {}
    if isinstance(user, User):
        initial = {"sender_name": user.full_name, "sender_email": user.email}
    return render(
        request,
        "communities/group_detail.html",
        {
            "group": group,
            "recruitments": list(selectors.group_recruitments(group)),
            "reports": list(selectors.group_posts(group).exclude(kind=ActivityPost.Kind.RECRUITMENT)[:10]),
            "events": selectors.group_upcoming_events(group),
            "contact_form": contact_form or ContactForm(initial=initial),
            "abuse_form": AbuseForm(),
            "following": isinstance(user, User) and Follow.objects.filter(group=group, user=user).exists(),
            "can_edit": can_edit_group(user, group),
        },
        status=400 if contact_form is not None else 200,
    )


def post_detail(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    group = _visible_group(request, group_id)
    post = get_object_or_404(group.posts.prefetch_related("photos"), pk=post_id)
    if post.status != ActivityPost.Status.PUBLISHED and not can_edit_group(request.user, group):
        raise Http404
    return render(request, "communities/post_detail.html", {"group": group, "post": post, "abuse_form": AbuseForm()})


def leaflet(request: HttpRequest, group_id: int) -> FileResponse:
    """The group's leaflet, always as a download, never shown inline by the browser."""
    group = _visible_group(request, group_id)
    if not group.leaflet:
        raise Http404
    return FileResponse(
        group.leaflet.open("rb"), as_attachment=True, filename=f"leaflet-{group.pk}.pdf", content_type="application/pdf"
    )


@require_POST
def contact(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _visible_group(request, group_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return group_detail(request, group_id, contact_form=form)
    if form.is_robot:
        # Robots are thanked like people, and nothing is sent.
        messages.success(request, _("Your message has been sent to the group."))
        return redirect("communities:detail", group.pk)
    try:
        services.contact_message_send(
            group=group,
            sender=request.user if request.user.is_authenticated else None,
            sender_name=form.cleaned_data["sender_name"],
            sender_email=form.cleaned_data["sender_email"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            client_ip=_client_ip(request),
        )
    except ValidationError as error:
        _errors_to_form(form, error)
        return group_detail(request, group_id, contact_form=form)
    messages.success(request, _("Your message has been sent to the group."))
    return redirect("communities:detail", group.pk)


def report(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _visible_group(request, group_id)
    form = AbuseForm(request.POST if request.method == "POST" else None, initial={"post": request.GET.get("post")})
    if request.method == "POST" and form.is_valid():
        post = None
        if form.cleaned_data.get("post"):
            post = group.posts.filter(pk=form.cleaned_data["post"]).first()
        try:
            services.abuse_report_create(
                group=group,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                post=post,
                client_ip=_client_ip(request),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            status = 429 if getattr(error, "code", None) == "rate_limited" else 200
            return render(request, "communities/report.html", {"group": group, "form": form}, status=status)
        else:
            messages.success(request, _("Thank you. The coordinator will look at your report."))
            return redirect("communities:detail", group.pk)
    return render(request, "communities/report.html", {"group": group, "form": form})


@login_required
@require_POST
def follow(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _visible_group(request, group_id)
    user = _user(request)
    if request.POST.get("action") == "unfollow":
        services.group_unfollow(group=group, actor=user)
        messages.success(request, _("You no longer follow this group."))
    else:
        try:
            services.group_follow(group=group, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You follow this group. News comes in a weekly mail."))
    return redirect("communities:detail", group.pk)


def confirm_active(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link of the yearly mail."""
    try:
        group = services.group_confirm_active_by_token(token=token)
    except ValidationError:
        return render(request, "communities/confirmed.html", {"group": None}, status=400)
    return render(request, "communities/confirmed.html", {"group": group})


# --- sign-up in two steps ------------------------------------------------------------------------------------------


def _stored_application(request: HttpRequest) -> QueryDict | None:
    stored = request.session.get(APPLICATION_SESSION_KEY)
    if not stored:
        return None
    data = QueryDict(mutable=True)
    for key, values in stored.items():
        data.setlist(key, values)
    return data


@login_required
def signup(request: HttpRequest) -> HttpResponse:
    """Step 1: the application. It is kept in the session until the posting rules are agreed to."""
    stored = _stored_application(request)
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            request.session[APPLICATION_SESSION_KEY] = {
                key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
            }
            return redirect("communities:signup_rules")
    else:
        form = GroupForm(stored) if stored is not None else GroupForm()
    return render(request, "communities/signup.html", {"form": form})


@login_required
def signup_rules(request: HttpRequest) -> HttpResponse:
    """Step 2: the posting rules, then the application goes to the coordinator."""
    stored = _stored_application(request)
    if stored is None:
        return redirect("communities:signup")
    application = GroupForm(stored)
    if not application.is_valid():
        return redirect("communities:signup")
    form = AgreementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        arguments = application.service_arguments()
        try:
            group = services.group_apply(
                actor=_user(request),
                agreed_to_rules=True,
                categories=list(arguments.pop("categories")),
                areas=list(arguments.pop("areas")),
                **arguments,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            del request.session[APPLICATION_SESSION_KEY]
            messages.success(request, _("Thank you. The coordinator will review the application and write to you."))
            return redirect("communities:manage", group.pk)
    return render(request, "communities/signup_rules.html", {"form": form, "name": application.cleaned_data["name"]})


# --- the group's editors -----------------------------------------------------------------------------------------


def _editable(request: HttpRequest, group_id: int) -> CommunityGroup:
    group = get_object_or_404(CommunityGroup, pk=group_id)
    if membership_of(request.user, group) is None:
        raise PermissionDenied
    return group


@login_required
def my_groups(request: HttpRequest) -> HttpResponse:
    return render(request, "communities/my_groups.html", {"groups": selectors.groups_of(request.user)})


@login_required
def manage(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "resubmit":
                services.group_resubmit(group=group, actor=_user(request))
                messages.success(request, _("The application has been sent again."))
            elif action == "confirm":
                services.group_confirm_active(group=group, actor=_user(request))
                messages.success(request, _("Thank you for confirming that the group is active."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("communities:manage", group.pk)
    return render(
        request,
        "communities/manage.html",
        {
            "group": group,
            "membership": membership_of(request.user, group),
            "can_edit": can_edit_group(request.user, group),
            "posts": group.posts.order_by("-created_at")[:50],
            "events": selectors.group_events_to_manage(group),
            "unread": group.messages.filter(read_at__isnull=True).count(),
        },
    )


@login_required
def edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    if not can_edit_group(request.user, group):
        raise PermissionDenied
    form = GroupEditForm(request.POST or None, request.FILES or None, instance=group)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        logo = arguments.pop("logo", None)
        leaflet = arguments.pop("leaflet", None)
        try:
            with transaction.atomic():
                services.group_update(
                    group=group,
                    actor=_user(request),
                    categories=list(arguments.pop("categories")),
                    areas=list(arguments.pop("areas")),
                    logo=logo,
                    leaflet=leaflet,
                    **arguments,
                )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The group's page has been saved."))
            return redirect("communities:manage", group.pk)
    group.refresh_from_db()
    return render(
        request,
        "communities/edit.html",
        {"group": group, "form": form, "photo_form": PhotoForm()},
    )


@login_required
@require_POST
def photo_add(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.group_photo_add(
                group=group,
                actor=_user(request),
                photo=services.PhotoUpload(form.cleaned_data["photo"], form.cleaned_data["photo_alt"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The photo has been added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("communities:edit", group.pk)


@login_required
def post_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    form = PostForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "report")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo, photo_alt = data.pop("photo", None), data.pop("photo_alt", "")
        photos = [services.PhotoUpload(photo, photo_alt)] if photo else []
        try:
            with transaction.atomic():
                post = services.post_create(group=group, actor=_user(request), photos=photos, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if post.status == ActivityPost.Status.PUBLISHED:
                messages.success(request, _("The post is published."))
            else:
                messages.success(request, _("The post will be published once the coordinator has looked at it."))
            return redirect("communities:manage", group.pk)
    return render(request, "communities/post_form.html", {"group": group, "form": form})


@login_required
@require_POST
def post_withdraw(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    post = get_object_or_404(group.posts, pk=post_id)
    services.post_withdraw(post=post, actor=_user(request))
    messages.success(request, _("The post has been withdrawn."))
    return redirect("communities:manage", group.pk)


@login_required
def event_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts, ends = data.pop("starts_at"), data.pop("ends_at")
        try:
            with transaction.atomic():
                program = services.group_event_create(
                    group=group, actor=_user(request), sessions=[services.event_session(starts, ends)], **data
                )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if program.status == "published":
                messages.success(request, _("The event is in the catalogue."))
            else:
                messages.success(request, _("The event will be published once the coordinator has looked at it."))
            return redirect("communities:manage", group.pk)
    return render(request, "communities/event_form.html", {"group": group, "form": form})


@login_required
def members(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    user = _user(request)
    is_owner = can_manage_members(user, group)
    form = InviteForm(request.POST or None if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite" and form.is_valid():
                services.invitation_create(group=group, actor=user, email=form.cleaned_data["email"])
                messages.success(request, _("The invitation has been sent."))
                return redirect("communities:members", group.pk)
            if action == "leave":
                services.membership_leave(group=group, actor=user)
                messages.success(request, _("You have left the group."))
                return redirect("communities:mine")
            if action in {"transfer", "remove"}:
                membership = get_object_or_404(Membership, pk=request.POST.get("membership"), group=group)
                if action == "transfer":
                    services.ownership_transfer(group=group, actor=user, new_owner=membership.user)
                    messages.success(request, _("The group has been handed over."))
                else:
                    services.membership_remove(group=group, actor=user, membership=membership)
                    messages.success(request, _("The editor has been removed."))
                return redirect("communities:members", group.pk)
        except ValidationError as error:
            if action == "invite":
                _errors_to_form(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("communities:members", group.pk)
    return render(
        request,
        "communities/members.html",
        {
            "group": group,
            "members": selectors.group_members(group),
            "invitations": group.invitations.filter(accepted_at__isnull=True, expires_at__gte=timezone.now()),
            "is_owner": is_owner,
            "form": form,
        },
    )


@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.invitation_for(token)
    if request.method == "POST":
        try:
            services.invitation_accept(raw_token=token, actor=_user(request))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            assert found is not None
            messages.success(request, _("You now edit the group's page."))
            return redirect("communities:manage", found.group_id)
    return render(request, "communities/invitation.html", {"invitation": found, "now": timezone.now()})


@login_required
def inbox(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _editable(request, group_id)
    if not can_read_inbox(request.user, group):
        raise PermissionDenied
    rows = list(selectors.group_inbox(group)[:200])
    for message in rows:
        if message.read_at is None:
            services.contact_message_mark_read(message=message, actor=_user(request))
    return render(request, "communities/inbox.html", {"group": group, "rows": rows})
