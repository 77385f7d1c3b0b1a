"""``{% registration_box program %}``: seats and the way to apply, on a programme's page.

The programmes app shows it without importing this app. For visitors who are not signed in it
shows nothing personal (the page may be served from the public page cache); a signed-in
resident's page is never cached, so their own status is always fresh.
"""

from typing import Any

from django import template
from django.utils import timezone

from manabiba.programs.models import Program
from manabiba.registrations import selectors
from manabiba.registrations.models import LotteryDraw, Registration

register = template.Library()


@register.inclusion_tag("registrations/_box.html", takes_context=True)
def registration_box(context: template.Context, program: Program) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    takes_online = program.application == Program.Application.SITE
    has_any = takes_online or Registration.objects.filter(program=program).exists()
    if not has_any:
        return {"show": False}
    reg_settings = selectors.registration_settings_for(program)
    signed_in = user is not None and user.is_authenticated
    mine = selectors.active_registration(user, program) if signed_in and user is not None else None
    return {
        "show": True,
        "program": program,
        "counts": selectors.seat_counts(program),
        "is_lottery": reg_settings.is_lottery,
        "drawn": LotteryDraw.objects.filter(program=program).exists(),
        "draw_at": selectors.draw_time(program),
        "open": selectors.online_application_refusal(program, now=timezone.now()) is None,
        "signed_in": signed_in,
        "mine": mine,
        "request": request,
    }
