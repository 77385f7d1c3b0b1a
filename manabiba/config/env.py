"""Reading settings from the environment, with the parsing done in one place."""

import os
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int_map(name: str, default: dict[str, int]) -> dict[str, int]:
    """``key=number`` pairs, comma separated, over ``default``: ``learn=2,other=4``."""
    values = dict(default)
    for pair in env_list(name):
        key, _eq, number = pair.partition("=")
        if not key.strip() or not number.strip().isdigit():
            raise ValueError(f"{name} takes key=number pairs separated by commas, not {pair!r}")
        values[key.strip()] = int(number)
    return values


def domain_of(address: str) -> str:
    """The domain of ``Name <user@domain>`` or ``user@domain``, lower case; empty without one."""
    return parseaddr(address)[1].rpartition("@")[2].lower()


@dataclass(frozen=True)
class EmailSettings:
    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool


def parse_email_url(url: str) -> EmailSettings:
    """Parse ``smtp://user:pass@host:port``, ``smtp+tls://…``, ``smtps://…`` or ``console://``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return EmailSettings("django.core.mail.backends.console.EmailBackend", "", 0, "", "", False, False)
    if scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ValueError(f"EMAIL_URL has an unsupported scheme: {scheme!r}")
    query = parse_qs(parts.query)
    use_tls = scheme == "smtp+tls" or query.get("tls", [""])[0] == "1"
    use_ssl = scheme == "smtps"
    return EmailSettings(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (465 if use_ssl else 587 if use_tls else 25),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )
