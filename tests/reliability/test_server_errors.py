"""Unhandled errors under /api/ answer JSON {"message"}: 503 with Retry-After when the
database fails, 500 otherwise; other paths keep Django's pages. The real outage (a private
PostgreSQL stopped under gunicorn) is loadtests/faults.py's ``postgres-stop`` drill."""

import pytest
from django.db import OperationalError
from django.urls import path

from serving.server_errors import DATABASE_OUTAGE_RETRY_AFTER


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def bug(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v2/database/", database_down),
    path("api/v2/bug/", bug),
    path("elsewhere/database/", database_down),
]
handler500 = "serving.server_errors.server_error"

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def test_a_database_failure_under_the_api_is_a_json_503_with_retry_after(quiet_client):
    response = quiet_client.get("/api/v2/database/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "The service is temporarily unavailable. Try again shortly."
    }
    assert response["Retry-After"] == str(DATABASE_OUTAGE_RETRY_AFTER)
    assert "no-store" in response["Cache-Control"]


def test_any_other_error_under_the_api_is_a_json_500(quiet_client):
    response = quiet_client.get("/api/v2/bug/")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error."}
    assert "Retry-After" not in response


def test_outside_the_api_a_database_failure_is_django_s_page_as_a_503(quiet_client):
    response = quiet_client.get("/elsewhere/database/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(DATABASE_OUTAGE_RETRY_AFTER)


def test_the_project_urlconf_names_the_handler():
    from cms import urls

    assert urls.handler500 == "serving.server_errors.server_error"
