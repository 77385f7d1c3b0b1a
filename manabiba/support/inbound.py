"""Groups' replies by e-mail: support requests' handler of the shared inbound mail (core.inbound_mail).

Mail to the group carries the request's ``reply+<token>@<domain>``, the same reply address and
mailbox as consultations; a mail to it lands in the request's thread as the group's message.
"""

from email.message import EmailMessage

from django.core.exceptions import PermissionDenied, ValidationError

from manabiba.core.inbound_mail import InboundResult, mail_id_of, reply_text
from manabiba.support.models import SupportMessage, SupportRequest
from manabiba.support.services import support_group_message


def support_mail_handle(message: EmailMessage, token: str | None, recipients: tuple[str, ...]) -> InboundResult | None:
    """Put a mail into its request's thread; None when it answers no support request."""
    if not token:
        return None
    request = SupportRequest.objects.filter(reply_token=token, anonymised_at__isnull=True).first()
    if request is None:
        return None
    text = reply_text(message)
    if not text:
        return InboundResult(request, None, "empty reply ignored", request.reference)
    try:
        added = support_group_message(
            request=request, body=text, via=SupportMessage.Via.EMAIL, mail_id=mail_id_of(message)
        )
    except (ValidationError, PermissionDenied) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return InboundResult(request, None, reason, request.reference)
    return InboundResult(request, added, "added" if added else "seen before", request.reference)
