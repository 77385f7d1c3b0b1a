"""Public pages: ask, confirm the e-mail address, follow the thread and reply; the inbound-mail webhook."""

import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.consultations import selectors, services
from manabiba.consultations.forms import AskForm, ResidentReplyForm
from manabiba.consultations.inbound import inbound_mail_receive
from manabiba.consultations.models import Consultation, Message, ReplyChannel, Topic
from manabiba.consultations.throttle import ask_refusal

RECEIVED_SESSION_KEY = "consultations:received"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) and request.user.is_authenticated else None


# The question between the form (入力) and the confirmation page (確認): the form's values, kept in
# the session so that 「修正する」 brings them back and 「送信する」 sends what was shown; removed once sent.
DRAFT_SESSION_KEY = "consultations:draft"
# The last question sent from this browser: its page key and where its result is shown, so that the
# confirmation page sent again (a reload, a double click) leads to the same result.
SENT_SESSION_KEY = "consultations:sent"
DRAFT_SKIP = frozenset({"csrfmiddlewaretoken"})


def _ask_page(request: HttpRequest, form: AskForm, user: User | None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "consultations/ask.html",
        {"form": form, "mine": selectors.consultations_of(user)[:10] if user else []},
        status=status,
    )


def _draft(request: HttpRequest) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT_SESSION_KEY)
    return draft if isinstance(draft, dict) and isinstance(draft.get("data"), dict) else None


def ask(request: HttpRequest) -> HttpResponse:
    """Step 1 of 3 (入力): the question form. A valid question goes to the confirmation page."""
    user = _user(request)
    if request.method != "POST":
        draft = _draft(request)
        return _ask_page(request, AskForm(initial=draft["data"] if draft else None, user=user), user)
    form = AskForm(request.POST, user=user)
    if not form.is_valid():
        return _ask_page(request, form, user)
    values = {key: value for key, value in request.POST.items() if key not in DRAFT_SKIP}
    request.session[DRAFT_SESSION_KEY] = {"token": secrets.token_urlsafe(16), "data": values}
    return redirect("consultations:ask_check")


def ask_check(request: HttpRequest) -> HttpResponse:
    """Step 2 of 3 (確認): the question as it will be sent; 「送信する」 sends it once, 「修正する» goes back."""
    user = _user(request)
    draft = _draft(request)
    token = request.POST.get("token", "")
    if request.method == "POST" and (draft is None or token != draft.get("token")):
        sent = request.session.get(SENT_SESSION_KEY)
        if isinstance(sent, dict) and sent.get("token") == token and sent.get("url"):
            return redirect(str(sent["url"]))
        messages.info(request, _("Please check your question again before sending it."))
        return redirect("consultations:ask")
    if draft is None:
        return redirect("consultations:ask")
    form = AskForm(draft["data"], user=user)
    if not form.is_valid():
        return _ask_page(request, form, user)
    data = form.cleaned_data
    if request.method != "POST":
        response = render(
            request,
            "consultations/ask_check.html",
            {
                "data": data,
                "topic": Topic(data["topic"]).label,
                "reply_channel": ReplyChannel(data["reply_channel"]).label,
                "applicant": user,
                "token": draft["token"],
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response
    refusal = ask_refusal(data, resident_id=user.pk if user else None, ip=request.META.get("REMOTE_ADDR"))
    if refusal is not None:
        form.add_error(None, refusal)
        return _ask_page(request, form, user, status=429)
    try:
        consultation = services.consultation_ask(
            data, resident=user, language=get_language() or "", submission_key=str(draft["token"])
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _ask_page(request, form, user)
    request.session.pop(DRAFT_SESSION_KEY, None)
    if consultation.confirmed_at is None:
        url = reverse("consultations:check_mail")
    else:
        # A guest asking for a call has no mail: the reference is shown on screen, from the session.
        request.session[RECEIVED_SESSION_KEY] = consultation.reference
        url = reverse("consultations:received")
    request.session[SENT_SESSION_KEY] = {"token": draft["token"], "url": url}
    return redirect(url)


def received(request: HttpRequest) -> HttpResponse:
    """Step 3 of 3 (完了): the reference of the question just sent, to quote by phone or at the desk."""
    reference = request.session.get(RECEIVED_SESSION_KEY)
    user = _user(request)
    consultation = None
    if reference:
        found = Consultation.objects.filter(reference=reference).first()
        # A guest's question (by the session that sent it), or the signed-in resident's own.
        if found is not None and (found.resident_id is None or (user is not None and found.resident_id == user.pk)):
            consultation = found
    if consultation is None:
        return redirect("consultations:ask")
    response = render(request, "consultations/received.html", {"consultation": consultation})
    response["Cache-Control"] = "private, no-store"
    return response


def check_mail(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/check_mail.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consultation = services.consultation_confirm(token=token)
    except ValidationError as error:
        return render(request, "consultations/confirm_failed.html", {"error": " ".join(error.messages)}, status=400)
    messages.success(
        request,
        _("Your e-mail address is confirmed. Your reference number is %(reference)s.")
        % {"reference": consultation.reference},
    )
    return redirect("consultations:thread", token=consultation.access_token)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assert user is not None
    return render(request, "consultations/mine.html", {"consultations": selectors.consultations_of(user)})


def _thread(request: HttpRequest, consultation: Consultation, reply_url: str) -> HttpResponse:
    form = ResidentReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_resident_reply(
                consultation=consultation, body=form.cleaned_data["body"], via=Message.Via.WEB, author=_user(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message has been added."))
            return redirect(reply_url)
    return render(
        request,
        "consultations/thread.html",
        {
            "consultation": consultation,
            "thread": selectors.public_messages(consultation),
            "form": form,
            "reply_address": consultation.reply_address if consultation.email else "",
            "action": reply_url,
        },
    )


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = selectors.consultations_of(request.user).filter(reference=reference).first()  # type: ignore[arg-type]
    if consultation is None:
        raise Http404
    return _thread(request, consultation, reverse("consultations:detail", args=[consultation.reference]))


def thread(request: HttpRequest, token: str) -> HttpResponse:
    consultation = selectors.consultation_by_token(token)
    if consultation is None or (consultation.confirmed_at is None and consultation.logged_by_id is None):
        raise Http404
    response = _thread(request, consultation, reverse("consultations:thread", args=[token]))
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never leak it to another site
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest) -> HttpResponse:
    """A mail server (or a mail-to-webhook service) posts one raw RFC 822 mail here.

    Authenticated by the shared secret in ``X-Manabiba-Secret`` or ``Authorization: Bearer``.
    """
    secret = settings.CONSULTATIONS_WEBHOOK_SECRET
    given = request.headers.get("X-Manabiba-Secret", "")
    bearer = request.headers.get("Authorization", "")
    if not given and bearer.lower().startswith("bearer "):
        given = bearer[7:].strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "forbidden"}, status=403)
    recipients = tuple(r for r in request.GET.getlist("recipient") if r)
    result = inbound_mail_receive(request.body, recipients=recipients)
    status = 202 if result.message is not None else 200
    return JsonResponse(
        {"detail": result.reason, "reference": result.reference},
        status=status,
    )
