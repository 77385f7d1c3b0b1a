"""Accounts API: personal tokens, who am I, and the staff people list."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from manabiba.accounts import selectors, services, throttle
from manabiba.accounts.authentication import token_auth, user_by_credentials
from manabiba.accounts.models import ApiToken, User
from manabiba.accounts.permissions import has_permission, permissions_of
from manabiba.core.addresses import normalise_email
from manabiba.core.api_body import BodyIn, BoundedPageNumberPagination
from manabiba.core.api_errors import ErrorOut
from manabiba.core.audit import audit_log

router = Router(tags=["accounts"])


def api_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def require_permission(request: HttpRequest, permission: str) -> User:
    user = api_user(request)
    if not has_permission(user, permission):
        raise HttpError(403, _("Your account does not have permission for this."))
    return user


class TokenRequest(BodyIn):
    email: str
    password: str
    name: str = "API"
    otp: str = ""
    # Days until the token stops working; left out or null, it works until revoked.
    expires_in_days: int | None = Field(default=None, ge=1, le=services.TOKEN_MAX_LIFETIME_DAYS)


class TokenResponse(Schema):
    token: str
    expires_at: datetime | None


class MeResponse(Schema):
    email: str
    full_name: str
    roles: list[str]
    permissions: list[str]
    department: str | None


class TokenOut(Schema):
    id: int
    name: str
    starts_with: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    full_name_kana: str
    roles: list[str]
    department: str | None

    @staticmethod
    def resolve_roles(person: User) -> list[str]:
        return sorted(grant.role for grant in person.role_grants.all())

    @staticmethod
    def resolve_department(person: User) -> str | None:
        return person.department.name if person.department else None


@router.post("/auth/token", response={200: TokenResponse, 401: ErrorOut, 429: ErrorOut}, auth=None)
def token_obtain(request: HttpRequest, payload: TokenRequest) -> Status[dict[str, object]]:
    email = normalise_email(payload.email)
    ip = request.META.get("REMOTE_ADDR")
    if throttle.login_is_locked(email=email, ip=ip):
        return Status(429, {"detail": _("Too many failed attempts. Please try again in 15 minutes.")})
    user = user_by_credentials(email=email, password=payload.password)
    if user is None or not user.is_active:
        throttle.login_failure_record(email=email, ip=ip)
        return Status(401, {"detail": _("The e-mail address or the password is not right.")})
    if user.has_totp and not services.totp_login_check(user=user, code=payload.otp):
        throttle.login_failure_record(email=email, ip=ip)
        return Status(401, {"detail": _("This account uses a second factor: send the current code as otp.")})
    throttle.login_success_record(email=email)
    issued = services.api_token_create(user=user, name=payload.name, expires_in_days=payload.expires_in_days)
    return Status(200, {"token": issued.secret, "expires_at": issued.token.expires_at})


@router.get("/me", response=MeResponse, auth=token_auth)
def me(request: HttpRequest) -> dict[str, object]:
    user = api_user(request)
    return {
        "email": user.email,
        "full_name": user.full_name,
        "roles": sorted(user.role_set),
        "permissions": permissions_of(user),
        "department": user.department.name if user.department else None,
    }


@router.get("/auth/tokens", response=list[TokenOut], auth=token_auth)
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "id": token.pk,
            "name": token.name,
            "starts_with": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
        }
        for token in selectors.api_tokens_of(api_user(request))
    ]


@router.delete("/auth/tokens/{token_id}", response={204: None, 404: ErrorOut}, auth=token_auth)
def token_revoke(request: HttpRequest, token_id: int) -> Status[dict[str, str] | None]:
    user = api_user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        return Status(404, {"detail": _("No such token.")})
    services.api_token_revoke(token=token, actor=user)
    return Status(204, None)


@router.get(
    "/staff/people",
    response=list[PersonOut],
    auth=token_auth,
    # ``require_permission`` answers 403 for a token whose owner may not see people.
    openapi_extra={"responses": {403: {"description": "The token's owner may not see people."}}},
)
@paginate(BoundedPageNumberPagination)
def people(request: HttpRequest, q: str = "") -> QuerySet[User]:
    user = require_permission(request, "accounts.view_people")
    audit_log(action="accounts.personal_data.viewed", actor=user, data={"view": "api_people", "query": q})
    # A queryset, so that only the requested page is read from the database.
    return selectors.people_search(query=q)
