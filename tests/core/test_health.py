import pytest
from django.core.cache import caches
from django.test import Client


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_and_the_cache_answer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_cache_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("Error 111 connecting to 10.0.0.5:6379. Connection refused.")

    monkeypatch.setattr(caches["default"], "set", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "cache": "error: ConnectionRefusedError"}
    # The load balancer learns that something is down, not the internal address.
    assert "10.0.0.5" not in response.content.decode()


def test_readyz_answers_only_get(client: Client) -> None:
    assert client.post("/readyz").status_code == 405
