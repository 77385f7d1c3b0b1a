"""Test overlay: the same settings, with fast hashing and tasks run in process."""

import os
from urllib.parse import urlsplit

# Tests run with DEBUG off, as production does, over plain HTTP on localhost.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "0"

from manabiba.config.settings import *  # noqa: F403
from manabiba.config.settings import CACHES, REDIS_URL, TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {**TASKS, "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGIN_ATTEMPTS_PER_IP = 1000
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
# Serve static files from the apps directly, as in development; there is no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Each pytest-xdist worker (gw0, gw1, …) its own Redis database: every test empties the cache with
# FLUSHDB, which would empty the other worker's too. gw0 keeps the database it was given. The URL as
# given is kept aside, so that a process a test starts (it inherits both variables) shifts from it
# again and lands on its worker's database, not one further.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):
    _given = urlsplit(os.environ.setdefault("MANABIBA_TEST_REDIS_URL", REDIS_URL))
    _database = int(_given.path.strip("/") or 0) + int(_worker[2:])
    if _database > 15:
        raise RuntimeError(f"Redis has databases 0–15: {_given.geturl()} leaves too few for worker {_worker}.")
    REDIS_URL = _given._replace(path=f"/{_database}").geturl()
    os.environ["REDIS_URL"] = REDIS_URL  # for the tests that start an RQ worker of their own
    CACHES = {**CACHES, "default": {**CACHES["default"], "LOCATION": REDIS_URL}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
