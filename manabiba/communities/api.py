"""Community groups API: the directory and a group's public page, and, with a group editor's token,
the group's posts through the same services as the editors' pages.

Errors are ``{"detail": "..."}`` in the caller's language, as in the programmes API; a value a
post cannot take answers 422 with ``field`` naming it.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.communities import selectors, services
from manabiba.communities.models import ActivityPost, CommunityGroup
from manabiba.communities.permissions import can_edit_group, can_view_group
from manabiba.core.api_body import BodyIn, Id
from manabiba.core.api_errors import ErrorOut
from manabiba.core.dates import MAX_OFFSET

router = Router(tags=["communities"])

MAX_LIMIT = 100

GroupKind = Literal["npo", "volunteer", "culture", "sports", "neighbourhood", "school", "other"]
PostKind = Literal["recruitment", "report", "volunteer"]
Day = Literal["0", "1", "2", "3", "4", "5", "6"]


class GroupQuery(Schema):
    q: str = Field("", max_length=200, description="Keywords, searched in Japanese-aware ways (readings too).")
    kind: list[GroupKind] = Field([], description="Types of group; any of them.")
    category: list[Id] = Field([], description="Field (category) ids; any of them.")
    area: list[Id] = Field([], description="Area ids; any of them.")
    day: list[Day] = Field([], description="Days of activity, Monday 0; any of them.")
    recruiting: bool = Field(False, description="Only groups recruiting members now.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def filters(self) -> selectors.GroupFilters:
        return selectors.GroupFilters(
            q=self.q.strip(),
            kinds=tuple(dict.fromkeys(self.kind)),
            categories=tuple(dict.fromkeys(self.category)),
            areas=tuple(dict.fromkeys(self.area)),
            days=tuple(dict.fromkeys(self.day)),
            recruiting=self.recruiting,
        )


class NamedOut(Schema):
    id: int
    name: str


class GroupOut(Schema):
    id: int
    name: str
    name_kana: str
    url: str
    kind: str
    categories: list[NamedOut]
    areas: list[NamedOut]
    activity_days: list[int]
    recruiting: bool


class ContactOut(Schema):
    representative: str | None
    contact_name: str | None
    email: str | None
    phone: str | None


class PostOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    who: str
    conditions: str
    how_to_join: str
    until: date | None
    status: str
    published_at: datetime | None
    url: str


class GroupDetailOut(GroupOut):
    activity_days_note: str
    activity_place: str
    members_count: int | None
    members_in_city: int | None
    founded_year: int | None
    purpose: str
    activities: str
    fees: str
    how_to_join: str
    website: str
    social_links: list[str]
    contact: ContactOut
    organizer_id: int | None
    posts: list[PostOut]


class GroupPageOut(Schema):
    count: int
    items: list[GroupOut]


class PostIn(BodyIn):
    kind: PostKind = "report"
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1)
    who: str = Field("", max_length=300)
    conditions: str = Field("", max_length=300)
    how_to_join: str = ""
    until: date | None = None


def _group(request: HttpRequest, group: CommunityGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "name_kana": group.name_kana,
        "url": request.build_absolute_uri(reverse("communities:detail", args=[group.pk])),
        "kind": group.kind,
        "categories": [{"id": c.pk, "name": str(c)} for c in group.categories.all()],
        "areas": [{"id": a.pk, "name": a.name} for a in group.areas.all()],
        "activity_days": [int(d) for d in group.activity_days],
        "recruiting": group.recruiting,
    }


def _post(request: HttpRequest, post: ActivityPost) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "who": post.who,
        "conditions": post.conditions,
        "how_to_join": post.how_to_join,
        "until": post.until,
        "status": post.status,
        "published_at": post.published_at,
        "url": request.build_absolute_uri(reverse("communities:post", args=[post.group_id, post.pk])),
    }


def _group_detail(request: HttpRequest, group: CommunityGroup) -> dict[str, Any]:
    detail = _group(request, group)
    for name in (
        "activity_days_note",
        "activity_place",
        "members_count",
        "members_in_city",
        "founded_year",
        "purpose",
        "activities",
        "fees",
        "how_to_join",
        "website",
    ):
        detail[name] = getattr(group, name)
    detail["social_links"] = group.social_link_list
    # Only what the group chose to show; a private address never leaves the portal.
    detail["contact"] = {
        "representative": group.representative_name if group.representative_public else None,
        "contact_name": group.contact_name if group.contact_name_public else None,
        "email": group.contact_email if group.contact_email_public else None,
        "phone": (group.contact_phone or None) if group.contact_phone_public else None,
    }
    detail["organizer_id"] = group.organizer_id
    detail["posts"] = [_post(request, post) for post in selectors.group_posts(group)[:20]]
    return detail


@router.get("/groups", response=GroupPageOut, auth=None, summary="Search the directory of community groups")
def group_list(request: HttpRequest, query: Query[GroupQuery]) -> dict[str, Any]:
    page = selectors.group_search(query.filters(), offset=query.offset, limit=query.limit)
    return {"count": page.count, "items": [_group(request, group) for group in page.groups]}


@router.get("/groups/{group_id}", response={200: GroupDetailOut, 404: ErrorOut}, auth=None, summary="One listed group")
def group_get(request: HttpRequest, group_id: int) -> Status[dict[str, Any]]:
    group = selectors.group_detail(group_id)
    if group is None or not group.is_listed:
        return Status(404, {"detail": _("No such group.")})
    return Status(200, _group_detail(request, group))


POSTED = {201: PostOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WITHDRAWN = {200: PostOut, 403: ErrorOut, 404: ErrorOut}


def _validation_detail(error: ValidationError) -> tuple[str, str | None]:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            message = " ".join(str(m) for e in errors for m in e.messages)
            return message, None if field == NON_FIELD_ERRORS else field
    return " ".join(str(m) for m in error.messages), None


def _editor_group(request: HttpRequest, group_id: int) -> CommunityGroup | None:
    group = CommunityGroup.objects.filter(pk=group_id).first()
    if group is None or not can_view_group(request.user, group):
        return None
    return group


@router.get(
    "/groups/{group_id}/posts",
    response={200: list[PostOut], 403: ErrorOut, 404: ErrorOut},
    auth=token_auth,
    summary="Every post of a group you edit, in any status",
)
def post_list(request: HttpRequest, group_id: int) -> Status[Any]:
    group = _editor_group(request, group_id)
    if group is None:
        return Status(404, {"detail": _("No such group.")})
    if not can_edit_group(request.user, group):
        return Status(403, {"detail": _("You cannot post for this group.")})
    return Status(200, [_post(request, post) for post in group.posts.order_by("-created_at")])


@router.post("/groups/{group_id}/posts", response=POSTED, auth=token_auth, summary="Post for a group you edit")
def post_create(request: HttpRequest, group_id: int, payload: PostIn) -> Status[dict[str, Any]]:
    group = _editor_group(request, group_id)
    if group is None:
        return Status(404, {"detail": _("No such group.")})
    user = request.user
    assert isinstance(user, User)
    try:
        post = services.post_create(group=group, actor=user, **payload.dict())
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or _("Your account does not have permission for this.")})
    except ValidationError as error:
        message, field = _validation_detail(error)
        return Status(422, {"detail": message, "field": field})
    return Status(201, _post(request, post))


@router.post(
    "/groups/{group_id}/posts/{post_id}/withdraw",
    response=WITHDRAWN,
    auth=token_auth,
    summary="Withdraw a post of a group you edit",
)
def post_withdraw(request: HttpRequest, group_id: int, post_id: int) -> Status[dict[str, Any]]:
    group = _editor_group(request, group_id)
    post = group.posts.filter(pk=post_id).first() if group is not None else None
    if post is None:
        return Status(404, {"detail": _("No such post.")})
    user = request.user
    assert isinstance(user, User)
    try:
        post = services.post_withdraw(post=post, actor=user)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or _("Your account does not have permission for this.")})
    return Status(200, _post(request, post))
