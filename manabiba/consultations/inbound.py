"""Residents' replies by e-mail: read from a mailbox or a webhook, matched by the reply token.

Every mail to the resident carries ``reply+<token>@<domain>`` (Reply-To and in the body). A mail
that reaches that address lands in the consultation's thread; the token is unguessable and names
one consultation. A mail without it is matched only when its subject carries the reference number
in brackets and it comes from the address the consultation was asked from.
"""

import email
import email.policy
import imaplib
import logging
import mailbox
import poplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError

from manabiba.consultations.models import Consultation, Message, reply_address_parts
from manabiba.consultations.services import consultation_resident_reply
from manabiba.core.addresses import normalise_email

logger = logging.getLogger(__name__)

_REFERENCE = re.compile(r"\[(\d{4}-\d{6})\]")
# Where a mail program starts quoting the mail being answered.
_QUOTE_START = re.compile(
    r"^(On .+wrote:|.+さんは書きました[:：]?|.*<[^>]+>\s*wrote:|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*元のメッセージ\s*-{2,}|From:\s.+|差出人[:：].+|\d{4}[/年].+(wrote|書きました).*)$",
    re.IGNORECASE,
)
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


@dataclass(frozen=True)
class InboundResult:
    consultation: Consultation | None
    message: Message | None
    reason: str


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _token_of(message: EmailMessage, extra_recipients: tuple[str, ...]) -> str | None:
    local, domain = reply_address_parts()
    pattern = re.compile(rf"^{re.escape(local)}\+([A-Za-z0-9_-]+)@{re.escape(domain)}$", re.IGNORECASE)
    values = [str(v) for name in _RECIPIENT_HEADERS for v in (message.get_all(name) or [])]
    for _name, address in getaddresses(values) + [("", r) for r in extra_recipients]:
        match = pattern.match(address.strip())
        if match:
            return match.group(1)
    return None


def reply_text(message: EmailMessage) -> str:
    """The new text of a reply: the plain part without the quoted mail below it."""
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        part = message.get_body(preferencelist=("html",))
        if part is None:
            return ""
        text = re.sub(r"<[^>]+>", " ", str(part.get_content()))
    else:
        text = str(part.get_content())
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">") or _QUOTE_START.match(stripped):
            break
        lines.append(line.rstrip())
    while lines and not lines[-1].strip():
        lines.pop()
    # "2026年6月1日(月) 10:00 市役所 <reply@...>:" introduces the quote on the line before it.
    if lines and lines[-1].endswith((":", "：")) and ("@" in lines[-1] or "wrote" in lines[-1]):
        lines.pop()
    return "\n".join(lines).strip()


def _find(message: EmailMessage, extra_recipients: tuple[str, ...]) -> Consultation | None:
    token = _token_of(message, extra_recipients)
    if token:
        return Consultation.objects.filter(reply_token=token, anonymised_at__isnull=True).first()
    reference = _REFERENCE.search(str(message.get("Subject", "")))
    sender = normalise_email(parseaddr(str(message.get("From", "")))[1])
    if reference and sender:
        return Consultation.objects.filter(
            reference=reference.group(1), email__iexact=sender, anonymised_at__isnull=True
        ).first()
    return None


def inbound_mail_receive(raw: bytes, *, recipients: tuple[str, ...] = ()) -> InboundResult:
    """Put one received mail into its consultation's thread. ``recipients``: the SMTP envelope's, if known."""
    message = parse(raw)
    if str(message.get("Auto-Submitted", "no")).lower() not in {"", "no"}:
        return InboundResult(None, None, "automatic reply ignored")
    consultation = _find(message, recipients)
    if consultation is None:
        return InboundResult(None, None, "no consultation matches")
    text = reply_text(message)
    if not text:
        return InboundResult(consultation, None, "empty reply ignored")
    mail_id = str(message.get("Message-ID", "")).strip()[:255]
    try:
        added = consultation_resident_reply(
            consultation=consultation, body=text, via=Message.Via.EMAIL, mail_id=mail_id
        )
    except ValidationError as error:
        return InboundResult(consultation, None, "; ".join(error.messages))
    return InboundResult(consultation, added, "added" if added else "seen before")


# --- mailboxes -------------------------------------------------------------------------------------

# What reading a mailbox fails with: a missing path, a server that does not answer, a refused login.
MAILBOX_ERRORS = (OSError, imaplib.IMAP4.error, poplib.error_proto)


def mailbox_display(source: str) -> str:
    """``source`` fit for messages and logs: the password of an IMAP or POP3 URL hidden."""
    parsed = urlparse(source)
    if parsed.password is None:
        return source
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)).geturl()


def read_mailbox(source: str) -> Iterator[bytes]:
    """Every mail waiting in ``source``: a Maildir, an mbox file, a folder of ``.eml`` files (the
    development SMTP catcher's), or an ``imap://``/``imaps://``/``pop3://``/``pop3s://`` URL.

    Mails read from a Maildir are moved to ``cur``, from IMAP marked seen, from POP3 deleted after
    the caller has taken them; the other forms are left in place (a mail is never added twice).
    """
    parsed = urlparse(source)
    if parsed.scheme in {"imap", "imaps"}:
        yield from _read_imap(source)
    elif parsed.scheme in {"pop3", "pop3s"}:
        yield from _read_pop3(source)
    else:
        path = Path(parsed.path if parsed.scheme in {"file", "maildir", "mbox"} else source)
        if path.is_dir() and (path / "new").is_dir() and (path / "cur").is_dir():
            box = mailbox.Maildir(str(path), create=False)
            for key in list(box.iterkeys()):
                maildir_message = box.get_message(key)
                if maildir_message.get_subdir() != "new":
                    continue
                yield box.get_bytes(key)
                maildir_message.set_subdir("cur")
                maildir_message.add_flag("S")
                box[key] = maildir_message
        elif path.is_dir():
            for file in sorted(path.glob("*.eml")):
                yield file.read_bytes()
        elif path.is_file():
            yield from mbox_messages(path)
        else:
            raise FileNotFoundError(str(path))


def mbox_messages(path: Path) -> Iterator[bytes]:
    box = mailbox.mbox(str(path), create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def _credentials(source: str) -> tuple[str, int | None, str, str, str]:
    parsed = urlparse(source)
    return (
        parsed.hostname or "localhost",
        parsed.port,
        unquote(parsed.username or ""),
        unquote(parsed.password or ""),
        unquote(parsed.path.lstrip("/")) or "INBOX",
    )


def _read_imap(source: str) -> Iterator[bytes]:
    host, port, user, password, folder = _credentials(source)
    secure = source.startswith("imaps")
    # The server's certificate is checked: imaplib and poplib check nothing without a context.
    client = (
        imaplib.IMAP4_SSL(host, port or 993, ssl_context=ssl.create_default_context())
        if secure
        else imaplib.IMAP4(host, port or 143)
    )
    try:
        client.login(user, password)
        client.select(folder)
        _status, data = client.search(None, "UNSEEN")
        for number in (data[0] or b"").split():
            _status, parts = client.fetch(number.decode(), "(RFC822)")
            for part in parts:
                if isinstance(part, tuple):
                    yield bytes(part[1])
            client.store(number.decode(), "+FLAGS", "\\Seen")
    finally:
        try:
            client.logout()
        except Exception:
            logger.warning("IMAP logout failed", exc_info=True)


def _read_pop3(source: str) -> Iterator[bytes]:
    host, port, user, password, _folder = _credentials(source)
    secure = source.startswith("pop3s")
    client = (
        poplib.POP3_SSL(host, port or 995, context=ssl.create_default_context())
        if secure
        else poplib.POP3(host, port or 110)
    )
    try:
        client.user(user)
        client.pass_(password)
        count = len(client.list()[1])
        for number in range(1, count + 1):
            _response, lines, _size = client.retr(number)
            yield b"\r\n".join(lines) + b"\r\n"
            client.dele(number)
    finally:
        client.quit()
