"""Fixtures for change propagation: a real receiver, endpoints made the way an SRE makes
them (``manage.py webhook_endpoint add``), committed changes."""

import io

import pytest
from django.core.management import call_command

from .receiver import WebhookReceiver


@pytest.fixture(autouse=True)
def _private_urls_allowed(settings):
    """The receiver listens on loopback."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_TIMEOUT = 1.0
    settings.WEBHOOK_BACKOFF_BASE = 0.05
    settings.WEBHOOK_BACKOFF_CAP = 0.2


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def endpoint_add(*, url: str, events: str = "") -> tuple[int, str]:
    """``manage.py webhook_endpoint add``: the endpoint's id and the secret (last line)."""
    out = io.StringIO()
    args = ["webhook_endpoint", "add", "--url", url]
    if events:
        args += ["--events", events]
    call_command(*args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    endpoint_id = int(lines[0].split()[3])
    return endpoint_id, lines[-1]


@pytest.fixture
def subscribed(db, receiver):
    """The receiver, subscribed to every event, knowing its secret."""
    _id, receiver.secret = endpoint_add(url=receiver.url)
    return receiver


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs on-commit hooks at the end, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database backend, as in production (``TASKS_BACKEND=database``)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from propagation.events import tasks_are_transactional

    assert tasks_are_transactional()
