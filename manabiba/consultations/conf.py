"""The consultations' settings, read lazily: a Django setting if there is one, else the environment.

- ``CONSULTATIONS_REPLY_ADDRESS`` (default ``reply@`` + the domain of ``DEFAULT_FROM_EMAIL``): the inbound
  address; mail to residents carries ``reply+<token>@domain``.
- ``CONSULTATIONS_INBOUND_MAILBOX`` (empty): where ``consultations_fetch_mail`` reads: a Maildir, an mbox
  file or a folder of ``.eml`` files, or an ``imap(s)://`` or ``pop3(s)://`` URL.
- ``CONSULTATIONS_WEBHOOK_SECRET`` (empty: the webhook is off): the secret of
  ``POST /consultations/inbound-mail/``.
- ``CONSULTATIONS_RESIDENT_ASKS_PER_DAY`` (20): questions a signed-in resident may send a day (staff logging
  one for a resident are not limited).
- ``CONSULTATIONS_RETENTION_DAYS`` (1095): idle days before an answered or closed consultation is anonymised.
- ``CONSULTATIONS_UNCONFIRMED_DAYS`` (7): days a guest's unconfirmed consultation is kept.
- ``CONSULTATIONS_RESPONSE_TARGET_DAYS`` (``DEFAULT_TARGET_DAYS``): ``topic=days`` pairs, comma separated.
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings

DEFAULT_TARGET_DAYS = {"learn": 3, "group": 5, "lecturer": 7, "facility": 3, "other": 5}


def setting(name: str, default: str = "") -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def reply_address() -> tuple[str, str]:
    """The inbound address as (local part, domain): ``reply`` and ``manabiba.example.jp``."""
    address = str(setting("CONSULTATIONS_REPLY_ADDRESS")).strip()
    if not address:
        sender = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1] or "noreply@localhost"
        address = "reply@" + sender.rpartition("@")[2]
    local, _at, domain = address.partition("@")
    return local, domain.lower()


def reply_address_for(token: str) -> str:
    local, domain = reply_address()
    return f"{local}+{token}@{domain}"


def inbound_mailbox() -> str:
    return str(setting("CONSULTATIONS_INBOUND_MAILBOX")).strip()


def webhook_secret() -> str:
    return str(setting("CONSULTATIONS_WEBHOOK_SECRET")).strip()


def retention() -> timedelta:
    return timedelta(days=int(setting("CONSULTATIONS_RETENTION_DAYS", "1095")))


def unconfirmed_lifetime() -> timedelta:
    return timedelta(days=int(setting("CONSULTATIONS_UNCONFIRMED_DAYS", "7")))


def response_target(topic: str) -> timedelta:
    """How long the city takes at most to answer a consultation on ``topic`` (clock paused while waiting)."""
    configured = setting("CONSULTATIONS_RESPONSE_TARGET_DAYS")
    targets = dict(DEFAULT_TARGET_DAYS)
    if isinstance(configured, dict):
        targets.update({str(k): int(v) for k, v in configured.items()})
    elif configured:
        for pair in str(configured).split(","):
            key, _eq, days = pair.partition("=")
            if key.strip() and days.strip().isdigit():
                targets[key.strip()] = int(days)
    return timedelta(days=targets.get(topic, targets["other"]))
