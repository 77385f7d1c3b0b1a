"""The one rate limiter: fixed windows in the shared cache, every value of a request counted, and
soft failure when the cache server is down (limits per process, a logged warning, no 500)."""

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.core.ratelimit import RateLimit, _fallback, allow_all


def test_a_limit_allows_its_number_of_hits_then_refuses() -> None:
    limit = RateLimit("test:plain", 3, 60)

    assert [limit.allow("a") for _n in range(4)] == [True, True, True, False]
    assert limit.count("a") == 4
    assert limit.reached("a")
    # Each value has its own count.
    assert limit.allow("b")


def test_reading_a_count_does_not_count_and_reset_starts_again() -> None:
    limit = RateLimit("test:read", 2, 60)
    limit.hit("a")

    assert [limit.count("a"), limit.count("a")] == [1, 1]
    assert not limit.reached("a")
    limit.reset("a")
    assert limit.count("a") == 0


def test_the_window_ends_and_counting_starts_again() -> None:
    limit = RateLimit("test:window", 1, 1)
    assert limit.allow("a")
    assert not limit.allow("a")
    # A real wait: Redis expires keys by its own clock.
    time.sleep(1.2)
    assert limit.allow("a")


def test_the_key_keeps_no_value_in_clear() -> None:
    limit = RateLimit("test:key", 5, 60)
    limit.hit("hanako@example.jp")

    key = limit.key("hanako@example.jp")
    assert "hanako" not in key
    assert cache.get(key) == 1


def test_allow_all_counts_every_value_even_after_one_refuses() -> None:
    per_client = RateLimit("test:client", 1, 60)
    per_address = RateLimit("test:address", 5, 60)
    per_client.hit("10.0.0.1")

    assert not allow_all([(per_client, "10.0.0.1"), (per_address, "a@example.jp")])
    assert per_address.count("a@example.jp") == 1


@pytest.fixture
def redis_down(settings: SettingsWrapper) -> Iterator[str]:
    """The shared cache is a Redis client whose server is gone: nothing listens on its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/1"}
    }
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the client raises, it is a real failure
        cache.get("anything")
    _fallback.clear()
    yield f"127.0.0.1:{port}"
    _fallback.clear()


def test_with_the_cache_server_down_limits_still_count_in_process_and_say_so(
    redis_down: str, caplog: pytest.LogCaptureFixture
) -> None:
    limit = RateLimit("test:down", 2, 60)

    with caplog.at_level(logging.WARNING, logger="manabiba.core.ratelimit"):
        answers = [limit.allow("a") for _n in range(3)]

    assert answers == [True, True, False]
    assert "rate limits are counted in this process" in caplog.text


@pytest.mark.django_db
def test_with_the_cache_server_down_the_token_endpoint_still_locks_an_address(
    redis_down: str, client: Client, resident: User, settings: SettingsWrapper
) -> None:
    settings.LOGIN_FAILURES_BEFORE_LOCKOUT = 2
    wrong = {"email": resident.email, "password": "guess"}
    statuses = [client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code for _n in "ab"]
    right = {"email": resident.email, "password": DEFAULT_PASSWORD}

    response = client.post("/api/v1/auth/token", right, content_type="application/json")

    assert statuses == [401, 401]
    assert response.status_code == 429
