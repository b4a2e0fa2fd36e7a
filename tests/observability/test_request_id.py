"""X-Request-ID: accepted when well formed, made otherwise, echoed on every response."""

import io
import json
import logging

import pytest

from serving.logging import JsonLogFormatter, RequestContextFilter
from serving.request_id import REQUEST_ID_PATTERN, request_id_accept, request_id_make


@pytest.mark.parametrize(
    "value",
    ["abc-123", "0f8e2b3c-5a6d-4e7f-8a9b-0c1d2e3f4a5b", "A" * 128, "req_1.2:3", "01HZY7"],
)
def test_well_formed_ids_are_accepted(value):
    assert request_id_accept(value=value) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "A" * 129,
        "has space",
        "new\nline",
        "<script>",
        "semi;colon",
        "-leading-dash",
        "ünïcode",
        'quote"d',
    ],
)
def test_malformed_ids_are_refused(value):
    assert request_id_accept(value=value) is None


def test_made_ids_are_well_formed_and_unique():
    made = {request_id_make() for _ in range(100)}
    assert len(made) == 100
    assert all(REQUEST_ID_PATTERN.fullmatch(value) for value in made)


def test_a_well_formed_incoming_id_is_echoed(client, site_tree):
    response = client.get("/api/v2/pages/", HTTP_X_REQUEST_ID="client-id-42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "client-id-42"


def test_a_malformed_incoming_id_is_replaced(client, site_tree):
    response = client.get("/api/v2/pages/", HTTP_X_REQUEST_ID="x" * 300)
    assert response.status_code == 200
    assert response["X-Request-ID"] != "x" * 300
    assert REQUEST_ID_PATTERN.fullmatch(response["X-Request-ID"])


def test_every_response_carries_an_id(client, site_tree):
    not_found = client.get("/api/v2/pages/987654/")
    probe = client.get("/healthz")
    bad_request = client.get("/api/v2/pages/?limit=abc")
    assert not_found.status_code == 404
    assert probe.status_code == 200
    assert bad_request.status_code == 400
    ids = {r["X-Request-ID"] for r in (not_found, probe, bad_request)}
    assert len(ids) == 3


def test_a_request_id_is_on_every_log_line_written_while_serving(client, site_tree):
    """django.request logs the 404 as a warning; that line names the request's id."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/api/v2/pages/987654/", HTTP_X_REQUEST_ID="find-me-7")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "django.request logged nothing for a 404"
    for line in lines:
        assert line["request_id"] == "find-me-7"
        assert line["method"] == "GET"
        assert line["path"] == "/api/v2/pages/987654/"
        assert line["status"] == 404
