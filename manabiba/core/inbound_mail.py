"""Replies by e-mail, for any app: read from a mailbox or a webhook and handed to the app they answer.

Mail an app sends that may be answered carries ``reply+<token>@<domain>`` (``reply_address_for``,
from ``CONSULTATIONS_REPLY_ADDRESS``) as its Reply-To and in its body; the token is unguessable and
names one thread. One mailbox serves every app: ``inbound_mail_dispatch`` parses a mail and offers
it to each handler registered with ``inbound_mail_handler_register`` (from an ``AppConfig.ready()``)
in order, until one takes it. A handler returns ``None`` for a mail that is not its own.
"""

import email
import email.policy
import imaplib
import logging
import mailbox
import poplib
import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

from manabiba.core.workspace import Registry

logger = logging.getLogger(__name__)

# Where a mail program starts quoting the mail being answered.
_QUOTE_START = re.compile(
    r"^(On .+wrote:|.+さんは書きました[:：]?|.*<[^>]+>\s*wrote:|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*元のメッセージ\s*-{2,}|From:\s.+|差出人[:：].+|\d{4}[/年].+(wrote|書きました).*)$",
    re.IGNORECASE,
)
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


@dataclass(frozen=True)
class InboundResult:
    """What became of one mail: the thread it matched (``target``, with its ``reference``), the
    message it added (None when seen before, empty or refused), and why, in words for the log."""

    target: object | None
    message: object | None
    reason: str
    reference: str | None = None


InboundHandler = Callable[[EmailMessage, str | None, tuple[str, ...]], InboundResult | None]
"""``handler(mail, reply token or None, envelope recipients)`` → a result, or None: not this app's mail."""

inbound_mail_handlers: Registry[InboundHandler] = Registry()


def inbound_mail_handler_register(name: str, handler: InboundHandler, *, order: int = 100) -> None:
    inbound_mail_handlers.register(name, handler, order=order)


def reply_address_parts() -> tuple[str, str]:
    """``CONSULTATIONS_REPLY_ADDRESS`` as (local part, domain): ``reply`` and ``manabiba.example.jp``."""
    local, _at, domain = settings.CONSULTATIONS_REPLY_ADDRESS.partition("@")
    return local, domain.lower()


def reply_address_for(token: str) -> str:
    """``reply+<token>@domain``: a mail to it names one thread and no other."""
    local, domain = reply_address_parts()
    return f"{local}+{token}@{domain}"


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def reply_token_of(message: EmailMessage, extra_recipients: tuple[str, ...] = ()) -> str | None:
    """The token of the first ``reply+<token>@domain`` the mail was sent to, if any."""
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


def mail_id_of(message: EmailMessage) -> str:
    return str(message.get("Message-ID", "")).strip()[:255]


def inbound_mail_dispatch(raw: bytes, *, recipients: tuple[str, ...] = ()) -> InboundResult:
    """Put one received mail into the thread it answers. ``recipients``: the SMTP envelope's, if known."""
    message = parse(raw)
    if str(message.get("Auto-Submitted", "no")).lower() not in {"", "no"}:
        return InboundResult(None, None, "automatic reply ignored")
    token = reply_token_of(message, recipients)
    for _name, handler in inbound_mail_handlers:
        result = handler(message, token, recipients)
        if result is not None:
            return result
    return InboundResult(None, None, "no thread matches")


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
