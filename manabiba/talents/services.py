"""Writes for the talent bank: registration and screening, validity, introductions, erasure and purge.

Every step is audited and mailed through the outbox in the recipient's language, in the same
transaction as the change. Mail text lives in ``talents/templates/talents/mail/``.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.accounts.services import role_grant_earned
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.core.models import Area
from manabiba.core.search import SearchDocument, search_index_remove, search_index_update
from manabiba.core.uploads import Upload, validate_image
from manabiba.programs.models import Audience, Category, Program
from manabiba.talents.models import (
    MAX_FIELDS,
    HonorariumRate,
    IntroductionRequest,
    TalentLecture,
    TalentProfile,
    TimeSlot,
)
from manabiba.talents.permissions import (
    can_edit_talent,
    can_review_talents,
    is_talent_owner,
)

Actor = AbstractBaseUser | AnonymousUser | None
Status = TalentProfile.Status
IntroStatus = IntroductionRequest.Status

SEARCH_KIND = "talents.talent"
ANSWER_SALT = "manabiba.talents.introduction-answer"
ANSWER_MAX_AGE = 60 * 60 * 24 * 30
CONSENT_SALT = "manabiba.talents.instructor-consent"
CONSENT_MAX_AGE = 60 * 60 * 24 * 30

# The card as the registration form shows it, in that order: the fields a form may set directly.
TALENT_PROFILE_FIELDS = (
    "name",
    "name_kana",
    "name_public",
    "teaches",
    "qualifications",
    "qualifications_public",
    "experience",
    "experience_public",
    "days",
    "times",
    "availability_note",
    "availability_public",
    "languages",
    "free_of_charge",
    "honorarium_rate",
    "honorarium_per_hour",
    "honorarium_public",
    "photo_alt",
    "photo_public",
    "contact_email",
    "contact_phone",
)
REQUEST_FIELDS = frozenset(
    {
        "requester_kind",
        "organisation",
        "contact_name",
        "contact_email",
        "contact_phone",
        "purpose",
        "dates",
        "audience",
        "expected_participants",
        "budget",
    }
)


# --- settings and dates --------------------------------------------------------------------------


def fiscal_year_start_month() -> int:
    return settings.TALENTS_FISCAL_YEAR_START_MONTH


def reminder_days() -> list[int]:
    """Days before the end of validity on which the talent is reminded, largest first."""
    return sorted({int(d) for d in settings.TALENTS_REMINDER_DAYS if int(d) > 0}, reverse=True)


def retention() -> timedelta:
    return timedelta(days=settings.TALENTS_RETENTION_DAYS)


def valid_until_for(today: date) -> date:
    """The last day of the fiscal year after the one ``today`` falls in (April–March by default)."""
    start = fiscal_year_start_month()
    fiscal_year = today.year if today.month >= start else today.year - 1
    if start == 1:
        return date(fiscal_year + 1, 12, 31)
    return date(fiscal_year + 2, start, 1) - timedelta(days=1)


def is_listed(talent: TalentProfile, today: date | None = None) -> bool:
    """Approved and still valid: only such a card is in the directory."""
    today = today or timezone.localdate()
    return talent.is_approved and talent.valid_until is not None and talent.valid_until >= today


# --- mail ------------------------------------------------------------------------------------------


def _site(path: str) -> str:
    return str(settings.SITE_URL) + path


def _mail(to: str, language: str, template: str, context: dict[str, Any]) -> None:
    """One mail in the recipient's language, rendered from ``talents/mail/<template>_*.txt``."""
    mail_send(to=to, template=f"talents/mail/{template}", language=language, context=context)


def _mail_talent(talent: TalentProfile, template: str, **context: Any) -> None:
    """To the registrant: their account's address (in their language), and the card's contact if another."""
    full = {"talent": talent, "mine_url": _site(reverse("talents:mine")), **context}
    sent: set[str] = set()
    user = talent.user
    language = user.language if user is not None else settings.LANGUAGE_CODE
    if user is not None and user.is_active and user.email:
        sent.add(user.email.lower())
        _mail(user.email, language, template, full)
    if talent.contact_email and talent.contact_email.lower() not in sent:
        _mail(talent.contact_email, language, template, full)


def _mail_requester(request: IntroductionRequest, template: str, **context: Any) -> None:
    user = request.requester
    language = user.language if isinstance(user, User) else settings.LANGUAGE_CODE
    full = {
        "request": request,
        "talent": request.talent,
        "request_url": _site(reverse("talents:introduction", args=[request.pk])),
        **context,
    }
    _mail(request.contact_email, language, template, full)


# --- search ----------------------------------------------------------------------------------------


def _category_names(talent: TalentProfile) -> str:
    return " ".join(" ".join(filter(None, [c.major, c.minor])) for c in talent.categories.all())


def talent_search_document(talent: TalentProfile) -> SearchDocument:
    """Only public fields go into the index: a private name or experience must not be findable.

    The fields' names (書道, 茶道) sit in the title with the public name, so that their readings
    (しょどう) find the talent too.
    """
    title_parts = [_category_names(talent)]
    if talent.name_public:
        title_parts += [talent.name, talent.name_kana]
    body_parts = [talent.teaches, talent.languages]
    if talent.qualifications_public:
        body_parts.append(talent.qualifications)
    if talent.experience_public:
        body_parts.append(talent.experience)
    venue = " ".join(a.name for a in talent.areas.all()) if talent.availability_public else ""
    return SearchDocument(
        object_id=talent.pk,
        title=" ".join(filter(None, title_parts)),
        body=" ".join(filter(None, body_parts)),
        venue=venue,
    )


def talent_search_documents() -> Iterable[SearchDocument]:
    today = timezone.localdate()
    talents = TalentProfile.objects.filter(status=Status.APPROVED, valid_until__gte=today)
    for talent in talents.prefetch_related("categories", "areas").order_by("pk").iterator(chunk_size=500):
        yield talent_search_document(talent)


def talent_reindex(talent: TalentProfile) -> None:
    """Listed cards are in the search index; any other is taken out. Same transaction as the change."""
    if is_listed(talent):
        document = talent_search_document(talent)
        search_index_update(
            kind=SEARCH_KIND, object_id=talent.pk, title=document.title, body=document.body, venue=document.venue
        )
    else:
        search_index_remove(kind=SEARCH_KIND, object_id=talent.pk)


# --- registration ----------------------------------------------------------------------------------


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(TALENT_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not talent fields: {sorted(unknown)}")


def _clean_slots(fields: dict[str, Any]) -> None:
    if "days" in fields:
        days = fields["days"]
        if not isinstance(days, str):
            days = "".join(str(day) for day in days)
        fields["days"] = "".join(sorted({d for d in days if d in "0123456"}))
    if "times" in fields:
        times = fields["times"]
        chosen = set(times.split(",") if isinstance(times, str) else times)
        fields["times"] = ",".join(slot for slot in TimeSlot.values if slot in chosen)


def _check_categories(categories: Sequence[Category]) -> None:
    if not categories:
        raise ValidationError({"categories": _("Choose at least one field.")})
    if len(categories) > MAX_FIELDS:
        raise ValidationError({"categories": _("Choose at most three fields.")})


def _check_honorarium(talent: TalentProfile) -> None:
    """Free of charge, or a wished amount within the line of the city's scale chosen."""
    if talent.free_of_charge:
        talent.honorarium_rate = None
        talent.honorarium_per_hour = None
        return
    rate: HonorariumRate | None = talent.honorarium_rate
    if rate is None:
        raise ValidationError({"honorarium_rate": _("Choose a line of the honorarium scale, or tick free of charge.")})
    if talent.honorarium_per_hour is None:
        raise ValidationError({"honorarium_per_hour": _("Give the honorarium you wish per hour.")})
    if talent.honorarium_per_hour > rate.max_per_hour:
        raise ValidationError(
            {
                "honorarium_per_hour": _("The city's scale allows at most %(amount)s yen per hour for %(rate)s.")
                % {"amount": f"{rate.max_per_hour:,}", "rate": rate.label}
            }
        )


def _set_photo(talent: TalentProfile, photo: Upload | None) -> None:
    if photo is None:
        return
    if not talent.photo_alt.strip():
        raise ValidationError({"photo_alt": _("Describe the photo for people who cannot see it.")})
    checked = validate_image(photo)
    talent.photo.save(checked.name or "photo.jpg", checked, save=False)


def _validate(talent: TalentProfile) -> None:
    _check_honorarium(talent)
    talent.full_clean(exclude=["photo", "user", "honorarium_rate"])


@transaction.atomic
def talent_register(
    *,
    actor: User,
    declared_adult: bool,
    declared_no_misuse: bool,
    categories: Sequence[Category],
    areas: Iterable[Area] = (),
    audiences: Iterable[Audience] = (),
    photo: Upload | None = None,
    **fields: Any,
) -> TalentProfile:
    """A signed-in resident fills in a registration card; the coordinator screens it."""
    if not actor.is_authenticated or not has_permission(actor, "talents.register"):
        raise PermissionDenied(_("Log in to register as a talent."))
    if not declared_adult:
        raise ValidationError({"declared_adult": _("Talents must be 18 or over.")})
    if not declared_no_misuse:
        raise ValidationError(
            {"declared_no_misuse": _("The talent bank may not be used for political, religious or commercial ends.")}
        )
    _check_fields(fields)
    _clean_slots(fields)
    categories = list(categories)
    _check_categories(categories)
    now = timezone.now()
    talent = TalentProfile(user=actor, declared_at=now, submitted_at=now, status=Status.PENDING, **fields)
    _validate(talent)
    _set_photo(talent, photo)
    talent.save()
    talent.categories.set(categories)
    talent.areas.set(list(areas))
    talent.audiences.set(list(audiences))
    audit_log(
        action="talents.talent.registered", actor=actor, target=talent, data={"fields": [c.pk for c in categories]}
    )
    _mail_talent(talent, "received")
    return talent


@transaction.atomic
def talent_update(
    *,
    talent: TalentProfile,
    actor: User,
    categories: Sequence[Category] | None = None,
    areas: Iterable[Area] | None = None,
    audiences: Iterable[Audience] | None = None,
    photo: Upload | None = None,
    remove_photo: bool = False,
    **fields: Any,
) -> TalentProfile:
    """The registrant changes their card. A registered card's changes show at once."""
    if not can_edit_talent(actor, talent):
        raise PermissionDenied(_("You cannot change this card."))
    _check_fields(fields)
    _clean_slots(fields)
    talent = TalentProfile.objects.select_for_update(of=("self",)).get(pk=talent.pk)
    changed = sorted(name for name, value in fields.items() if getattr(talent, name) != value)
    for name in changed:
        setattr(talent, name, fields[name])
    if categories is not None:
        categories = list(categories)
        _check_categories(categories)
    _validate(talent)
    if remove_photo and talent.photo:
        talent.photo.delete(save=False)
        changed.append("photo")
    _set_photo(talent, photo)
    talent.save()
    if categories is not None:
        talent.categories.set(categories)
    if areas is not None:
        talent.areas.set(list(areas))
    if audiences is not None:
        talent.audiences.set(list(audiences))
    talent_reindex(talent)
    audit_log(action="talents.talent.updated", actor=actor, target=talent, data={"fields": changed})
    return talent


def _locked(talent: TalentProfile) -> TalentProfile:
    return TalentProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=talent.pk)


def _require_status(talent: TalentProfile, allowed: set[str]) -> None:
    if talent.status not in allowed:
        raise ValidationError(
            _("This card is %(status)s and cannot be changed that way.") % {"status": talent.get_status_display()},
            code="status",
        )


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give a reason; the registrant will read it."), code="reason")
    return reason.strip()


def _set_status(talent: TalentProfile, *, to: str, action: str, actor: Actor, reason: str = "") -> None:
    before = talent.status
    talent.status = to
    talent.status_reason = reason
    talent.save()
    talent_reindex(talent)
    audit_log(action=action, actor=actor, target=talent, data={"from": before, "to": to, "reason": reason})


@transaction.atomic
def talent_resubmit(*, talent: TalentProfile, actor: User) -> TalentProfile:
    """After the coordinator asked for changes, the registrant sends the card back for screening."""
    talent = _locked(talent)
    if not is_talent_owner(actor, talent):
        raise PermissionDenied(_("You cannot change this card."))
    _require_status(talent, {Status.CHANGES_REQUESTED})
    talent.submitted_at = timezone.now()
    _set_status(talent, to=Status.PENDING, action="talents.talent.resubmitted", actor=actor)
    _mail_talent(talent, "resubmitted")
    return talent


@transaction.atomic
def talent_approve(*, talent: TalentProfile, actor: User) -> TalentProfile:
    if not can_review_talents(actor):
        raise PermissionDenied(_("Only the coordinator screens talents."))
    talent = _locked(talent)
    _require_status(talent, {Status.PENDING})
    talent.approved_at = timezone.now()
    talent.valid_until = valid_until_for(timezone.localdate())
    talent.reminded_days = None
    _set_status(talent, to=Status.APPROVED, action="talents.talent.approved", actor=actor)
    assert talent.user is not None  # only a consented card reaches screening
    role_grant_earned(user=talent.user, role=Role.TALENT, reason=f"talent card {talent.pk} approved")
    _mail_talent(talent, "approved", talent_url=_site(reverse("talents:detail", args=[talent.pk])))
    return talent


@transaction.atomic
def talent_request_changes(*, talent: TalentProfile, actor: User, reason: str) -> TalentProfile:
    if not can_review_talents(actor):
        raise PermissionDenied(_("Only the coordinator screens talents."))
    reason = _require_reason(reason)
    talent = _locked(talent)
    _require_status(talent, {Status.PENDING})
    _set_status(
        talent, to=Status.CHANGES_REQUESTED, action="talents.talent.changes_requested", actor=actor, reason=reason
    )
    _mail_talent(talent, "changes_requested", reason=reason, edit_url=_site(reverse("talents:edit", args=[talent.pk])))
    return talent


@transaction.atomic
def talent_decline(*, talent: TalentProfile, actor: User, reason: str) -> TalentProfile:
    if not can_review_talents(actor):
        raise PermissionDenied(_("Only the coordinator screens talents."))
    reason = _require_reason(reason)
    talent = _locked(talent)
    _require_status(talent, {Status.PENDING, Status.CHANGES_REQUESTED})
    talent.closed_at = timezone.now()
    _set_status(talent, to=Status.DECLINED, action="talents.talent.declined", actor=actor, reason=reason)
    _mail_talent(talent, "declined", reason=reason)
    return talent


@transaction.atomic
def talent_remove(*, talent: TalentProfile, actor: User, reason: str = "") -> TalentProfile:
    """Taken off the bank: on the registrant's own request, or by the coordinator with a reason
    (false details, political, religious or commercial use)."""
    talent = _locked(talent)
    by_owner = is_talent_owner(actor, talent)
    if not by_owner and not can_review_talents(actor):
        raise PermissionDenied(_("You cannot change this card."))
    if not by_owner:
        reason = _require_reason(reason)
    _require_status(talent, {Status.PENDING, Status.CHANGES_REQUESTED, Status.APPROVED})
    talent.closed_at = timezone.now()
    action = "talents.talent.withdrawn" if by_owner else "talents.talent.removed"
    _set_status(talent, to=Status.REMOVED, action=action, actor=actor, reason=reason.strip())
    _mail_talent(talent, "removed", reason=reason.strip(), by_owner=by_owner)
    return talent


@transaction.atomic
def talent_renew(*, talent: TalentProfile, actor: User) -> TalentProfile:
    """The registrant confirms the card for another year: valid to the end of the next fiscal year again.
    A lapsed card is listed again at once."""
    talent = _locked(talent)
    if not is_talent_owner(actor, talent):
        raise PermissionDenied(_("You cannot change this card."))
    _require_status(talent, {Status.APPROVED})
    before = talent.valid_until
    renewed = valid_until_for(timezone.localdate())
    talent.valid_until = max(renewed, before) if before else renewed
    talent.reminded_days = None
    talent.save()
    talent_reindex(talent)
    audit_log(
        action="talents.talent.renewed",
        actor=actor,
        target=talent,
        data={"from": before.isoformat() if before else None, "to": talent.valid_until.isoformat()},
    )
    _mail_talent(talent, "renewed")
    return talent


# --- a group registers its instructor ----------------------------------------------------------------


def consent_token(talent: TalentProfile) -> str:
    return signing.dumps({"t": talent.pk}, salt=CONSENT_SALT)


def talent_from_consent_token(token: str) -> TalentProfile:
    """The card a mailed consent link stands for; ValidationError if the link is bad, too old or used."""
    try:
        payload = signing.loads(token, salt=CONSENT_SALT, max_age=CONSENT_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Please ask the group to register you again.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid.")) from error
    talent = TalentProfile.objects.filter(pk=payload.get("t"), status=Status.AWAITING_CONSENT).first()
    if talent is None:
        raise ValidationError(_("This link has already been used."))
    return talent


@transaction.atomic
def talent_register_for_instructor(
    *,
    actor: User,
    group_name: str,
    categories: Sequence[Category],
    areas: Iterable[Area] = (),
    audiences: Iterable[Audience] = (),
    photo: Upload | None = None,
    **fields: Any,
) -> TalentProfile:
    """A group fills in the card for its instructor. Nothing is screened or shown until the
    instructor, mailed at the card's contact address, consents and makes the declarations."""
    if not actor.is_authenticated or not has_permission(actor, "talents.register"):
        raise PermissionDenied(_("Log in to register as a talent."))
    if not group_name.strip():
        raise ValidationError({"group_name": _("Give the name of the group.")})
    _check_fields(fields)
    _clean_slots(fields)
    categories = list(categories)
    _check_categories(categories)
    talent = TalentProfile(
        user=None,
        registered_by=actor,
        group_name=group_name.strip(),
        status=Status.AWAITING_CONSENT,
        **fields,
    )
    _validate(talent)
    _set_photo(talent, photo)
    talent.save()
    talent.categories.set(categories)
    talent.areas.set(list(areas))
    talent.audiences.set(list(audiences))
    audit_log(action="talents.talent.registered_for_instructor", actor=actor, target=talent, data={"group": group_name})
    consent_url = _site(reverse("talents:consent", args=[consent_token(talent)]))
    _mail(
        talent.contact_email, settings.LANGUAGE_CODE, "consent_request", {"talent": talent, "consent_url": consent_url}
    )
    return talent


@transaction.atomic
def talent_consent(
    *, token: str, actor: User, accept: bool, declared_adult: bool = False, declared_no_misuse: bool = False
) -> TalentProfile:
    """The instructor, signed in, takes the card as theirs (it then waits for screening) or refuses it
    (it is deleted). The group that registered them is told either way."""
    talent = talent_from_consent_token(token)
    talent = TalentProfile.objects.select_for_update(of=("self",)).get(pk=talent.pk)
    _require_status(talent, {Status.AWAITING_CONSENT})
    registrant = talent.registered_by
    context = {"talent": talent, "accepted": accept}
    if not accept:
        audit_log(action="talents.talent.consent_refused", actor=actor, target=talent)
        if registrant is not None and registrant.is_active:
            _mail(registrant.email, registrant.language, "consent_answered", context)
        if talent.photo:
            talent.photo.delete(save=False)
        talent.delete()
        return talent
    if not declared_adult:
        raise ValidationError({"declared_adult": _("Talents must be 18 or over.")})
    if not declared_no_misuse:
        raise ValidationError(
            {"declared_no_misuse": _("The talent bank may not be used for political, religious or commercial ends.")}
        )
    now = timezone.now()
    talent.user = actor
    talent.consented_at = now
    talent.declared_at = now
    talent.submitted_at = now
    _set_status(talent, to=Status.PENDING, action="talents.talent.consented", actor=actor)
    _mail_talent(talent, "received")
    if registrant is not None and registrant.is_active:
        _mail(registrant.email, registrant.language, "consent_answered", context)
    return talent


# --- the timer: reminders, lapses, purge ----------------------------------------------------------


@transaction.atomic
def talents_remind(*, today: date | None = None) -> dict[str, int]:
    """Mail each registered talent once per reminder step before the end of validity, and once
    when the card lapses (it leaves the directory until renewed). Safe to run more than once a day."""
    today = today or timezone.localdate()
    steps = reminder_days()
    reminded = lapsed = 0
    if steps:
        horizon = today + timedelta(days=steps[0])
        due = TalentProfile.objects.select_for_update(of=("self",)).filter(
            status=Status.APPROVED, valid_until__gte=today, valid_until__lte=horizon
        )
        for talent in due.select_related("user"):
            assert talent.valid_until is not None
            left = (talent.valid_until - today).days
            step = min(d for d in steps if d >= left)
            if talent.reminded_days is not None and talent.reminded_days <= step:
                continue
            talent.reminded_days = step
            talent.save(update_fields=["reminded_days", "updated_at"])
            audit_log(action="talents.talent.reminded", actor=None, target=talent, data={"days_left": left})
            _mail_talent(talent, "reminder", days_left=left, renew_url=_site(reverse("talents:mine")))
            reminded += 1
    expired = TalentProfile.objects.select_for_update(of=("self",)).filter(
        status=Status.APPROVED, valid_until__lt=today
    )
    for talent in expired.exclude(reminded_days=0).select_related("user"):
        # 0 marks "the lapse was told": the card stays, hidden, until renewed or purged.
        talent.reminded_days = 0
        talent.save(update_fields=["reminded_days", "updated_at"])
        search_index_remove(kind=SEARCH_KIND, object_id=talent.pk)
        audit_log(action="talents.talent.lapsed", actor=None, target=talent)
        _mail_talent(talent, "lapsed", renew_url=_site(reverse("talents:mine")))
        lapsed += 1
    return {"reminded": reminded, "lapsed": lapsed}


@transaction.atomic
def talents_purge(*, now: Any = None) -> dict[str, int]:
    """Delete declined, removed and long-lapsed cards, and blank the contact details of closed
    introductions, after the retention period. Figures stay: an introduction keeps its status,
    participants and satisfaction, without saying who asked or whom."""
    now = now or timezone.now()
    cutoff = now - retention()
    closed = Q(status__in=[Status.DECLINED, Status.REMOVED], closed_at__lt=cutoff)
    long_lapsed = Q(status=Status.APPROVED, valid_until__lt=timezone.localdate(cutoff))
    # A card the instructor never consented to goes once its consent link has expired.
    unconsented = Q(status=Status.AWAITING_CONSENT, created_at__lt=now - timedelta(seconds=CONSENT_MAX_AGE))
    cards = list(TalentProfile.objects.filter(closed | long_lapsed | unconsented))
    for talent in cards:
        if talent.photo:
            talent.photo.delete(save=False)
        search_index_remove(kind=SEARCH_KIND, object_id=talent.pk)
        talent.delete()
    finished = Q(status__in=[IntroStatus.DECLINED, IntroStatus.REFUSED], updated_at__lt=cutoff) | Q(
        status=IntroStatus.ACCEPTED, outcome_recorded_at__lt=cutoff
    )
    requests = IntroductionRequest.objects.filter(finished, purged_at__isnull=True).update(
        organisation="", contact_name="", contact_email="", contact_phone="", requester=None, purged_at=now
    )
    if cards or requests:
        audit_log(action="talents.personal_data.purged", actor=None, data={"cards": len(cards), "requests": requests})
    return {"cards": len(cards), "requests": requests}


# --- introductions --------------------------------------------------------------------------------


def answer_token(request: IntroductionRequest) -> str:
    return signing.dumps({"r": request.pk}, salt=ANSWER_SALT)


def answer_url(request: IntroductionRequest) -> str:
    return _site(reverse("talents:answer", args=[answer_token(request)]))


def introduction_from_token(token: str) -> IntroductionRequest:
    """The request a mailed answer link stands for; ValidationError if the link is bad or too old."""
    try:
        payload = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Please answer on your My page.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid.")) from error
    request = IntroductionRequest.objects.select_related("talent__user").filter(pk=payload.get("r")).first()
    if request is None or request.talent is None:
        raise ValidationError(_("This link is not valid."))
    return request


@transaction.atomic
def introduction_request(*, talent: TalentProfile, actor: User, **fields: Any) -> IntroductionRequest:
    """A resident, group, school or department asks the office to introduce a listed talent."""
    if not actor.is_authenticated or not has_permission(actor, "talents.request_introduction"):
        raise PermissionDenied(_("Log in to ask for an introduction."))
    unknown = set(fields) - REQUEST_FIELDS
    if unknown:
        raise ValueError(f"Not request fields: {sorted(unknown)}")
    if not is_listed(talent):
        raise ValidationError(_("This talent is not in the directory at the moment."), code="not_listed")
    if talent.user_id == actor.pk:
        raise ValidationError(_("You cannot ask for an introduction to yourself."), code="self")
    request = IntroductionRequest(talent=talent, requester=actor, status=IntroStatus.SUBMITTED, **fields)
    request.full_clean(exclude=["talent", "requester"])
    request.save()
    audit_log(action="talents.introduction.requested", actor=actor, target=request, data={"talent": talent.pk})
    _mail_requester(request, "introduction_received")
    return request


def _locked_request(request: IntroductionRequest) -> IntroductionRequest:
    return (
        IntroductionRequest.objects.select_for_update(of=("self",))
        .select_related("talent__user", "requester")
        .get(pk=request.pk)
    )


def _require_request_status(request: IntroductionRequest, allowed: set[str]) -> None:
    if request.status not in allowed:
        raise ValidationError(
            _("This request is %(status)s and cannot be changed that way.") % {"status": request.get_status_display()},
            code="status",
        )


@transaction.atomic
def introduction_forward(*, request: IntroductionRequest, actor: User, note: str = "") -> IntroductionRequest:
    """The coordinator passes the request on to the talent, who answers with one click."""
    if not can_review_talents(actor):
        raise PermissionDenied(_("Only the coordinator forwards introduction requests."))
    request = _locked_request(request)
    _require_request_status(request, {IntroStatus.SUBMITTED})
    talent = request.talent
    if talent is None or not is_listed(talent):
        raise ValidationError(_("This talent is not in the directory at the moment."), code="not_listed")
    request.status = IntroStatus.FORWARDED
    request.status_reason = note.strip()
    request.forwarded_at = timezone.now()
    request.save()
    audit_log(action="talents.introduction.forwarded", actor=actor, target=request, data={"talent": talent.pk})
    _mail_talent(talent, "introduction_forwarded", request=request, answer_url=answer_url(request), note=note.strip())
    _mail_requester(request, "introduction_forwarded_requester")
    return request


@transaction.atomic
def introduction_refuse(*, request: IntroductionRequest, actor: User, reason: str) -> IntroductionRequest:
    """The office does not pass the request on (it is commercial, say); the requester is told why."""
    if not can_review_talents(actor):
        raise PermissionDenied(_("Only the coordinator forwards introduction requests."))
    reason = _require_reason(reason)
    request = _locked_request(request)
    _require_request_status(request, {IntroStatus.SUBMITTED})
    request.status = IntroStatus.REFUSED
    request.status_reason = reason
    request.save()
    audit_log(action="talents.introduction.refused", actor=actor, target=request, data={"reason": reason})
    _mail_requester(request, "introduction_refused", reason=reason)
    return request


@transaction.atomic
def introduction_answer(
    *, request: IntroductionRequest, accept: bool, actor: User | None = None, token: str = ""
) -> IntroductionRequest:
    """The talent accepts or declines, signed in or through the signed link in the mail.

    On acceptance, and only then, each side gets the other's contact details, and both are told
    that the office bears no responsibility for the activity itself.
    """
    request = _locked_request(request)
    talent = request.talent
    by_link = bool(token) and introduction_from_token(token).pk == request.pk
    if not by_link and (actor is None or not is_talent_owner(actor, talent)):
        raise PermissionDenied(_("Only the talent answers this request."))
    _require_request_status(request, {IntroStatus.FORWARDED})
    assert talent is not None
    request.status = IntroStatus.ACCEPTED if accept else IntroStatus.DECLINED
    request.answered_at = timezone.now()
    request.save()
    audit_log(
        action="talents.introduction.accepted" if accept else "talents.introduction.declined",
        actor=actor or talent.user,
        target=request,
        data={"by_link": by_link},
    )
    if accept:
        _mail_requester(request, "introduction_accepted")
        _mail_talent(talent, "introduction_accepted_talent", request=request)
    else:
        _mail_requester(request, "introduction_declined")
    return request


@transaction.atomic
def introduction_record_outcome(
    *,
    request: IntroductionRequest,
    actor: User,
    held: bool,
    participants: int | None = None,
    satisfaction: int | None = None,
    comment: str = "",
    comment_public: bool = False,
) -> IntroductionRequest:
    """Afterwards the requester says whether the activity was held, how many came and how it went;
    this feeds the talent's history on their page and the city's figures."""
    request = _locked_request(request)
    if request.requester_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked records the outcome."))
    _require_request_status(request, {IntroStatus.ACCEPTED})
    if held and participants is None:
        raise ValidationError({"participants": _("Say how many took part.")})
    if satisfaction is not None and satisfaction not in IntroductionRequest.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose one of the answers.")})
    request.held = held
    request.participants = participants if held else None
    request.satisfaction = satisfaction if held else None
    request.comment = comment.strip()
    request.comment_public = bool(comment_public and comment.strip())
    request.outcome_recorded_at = timezone.now()
    request.save()
    audit_log(
        action="talents.introduction.outcome_recorded",
        actor=actor,
        target=request,
        data={"held": held, "participants": request.participants, "satisfaction": request.satisfaction},
    )
    return request


# --- erasure --------------------------------------------------------------------------------------


def talents_erase_for_deleted_account(*, user: User) -> int:
    """A deleted account takes its cards (and their photos) with it; introductions keep their
    figures but lose who asked. Returns how many rows were changed."""
    cards = list(TalentProfile.objects.filter(Q(user=user) | Q(registered_by=user, status=Status.AWAITING_CONSENT)))
    for talent in cards:
        if talent.photo:
            talent.photo.delete(save=False)
        search_index_remove(kind=SEARCH_KIND, object_id=talent.pk)
        talent.delete()
    requests = IntroductionRequest.objects.filter(requester=user).update(
        requester=None, organisation="", contact_name="", contact_email="", contact_phone="", comment=""
    )
    changed = len(cards) + requests
    if changed:
        audit_log(action="talents.personal_data.erased", actor=None, data={"cards": len(cards), "requests": requests})
    return changed


@transaction.atomic
def talent_lecture_record(*, talent: TalentProfile, program: Program, actor: User | None) -> bool:
    """Note that ``talent`` teaches ``program``, for the history of lectures given; once per pair.

    Called by the app that makes the programme (citizen proposals), after its own permission check."""
    _lecture, created = TalentLecture.objects.get_or_create(talent=talent, program=program)
    if created:
        audit_log(action="talents.lecture.recorded", actor=actor, target=talent, data={"program": program.pk})
    return created
