"""Request ids: one id per request, from the caller or made here, on every response.

The id ties a response (``X-Request-ID`` header) to its log lines (``request_id`` in every
JSON line, including gunicorn's access line) and to its trace (the ``request_id`` span
attribute, indexed as an X-Ray annotation by the collector). A caller's id is accepted
only when it is well formed (1-128 characters from a safe set), so a header can never
inject newlines, markup or megabytes into logs and traces; anything else is replaced.

This is the outermost middleware of the project's own (OpenTelemetry's Django middleware,
when tracing is on, wraps it so that the request span is already current here).
https://docs.djangoproject.com/en/5.2/topics/http/middleware/
"""

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from opentelemetry import trace

from serving.client_ip import client_ip_from_request

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and ``._:-``: covers UUIDs, ULIDs, hex and X-Ray style ids.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")
# The span attribute; X-Ray annotation keys allow only letters, digits and underscores.
SPAN_ATTRIBUTE = "request_id"
# WSGI environ keys read by the gunicorn access log (serving.access_log), which runs after
# the response is sent, when neither the context variable nor the span is current.
ENVIRON_REQUEST_ID = "serving.request_id"
ENVIRON_TRACE_ID = "serving.trace_id"
ENVIRON_SPAN_ID = "serving.span_id"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What every log line written while serving a request says about that request."""

    request_id: str
    method: str
    path: str
    client_ip: str


_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def request_id_make() -> str:
    """A fresh id: a random UUID4 in hex (32 characters, no dashes)."""
    return uuid.uuid4().hex


def request_id_accept(*, value: str | None) -> str | None:
    """``value`` if it is a well-formed request id, else None."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return None


def request_context_current() -> RequestContext | None:
    """The request being served by this thread, if any (for log records)."""
    return _current.get()


def request_context_clear(**kwargs) -> None:
    """``request_finished`` receiver: the request is over, its context too.

    The context outlives the middleware on purpose: Django logs 4xx/5xx responses
    (``django.request``) after the whole middleware chain has returned, and those lines
    must carry the request id too. ``request_finished`` is sent when the server closes
    the response, after that logging.
    """
    _current.set(None)


@contextlib.contextmanager
def request_context_kept() -> Iterator[None]:
    """Serve a request in-process inside other work and give that work its own request
    context back afterwards (``request_context_clear`` only runs on ``request_finished``,
    which such a render does not send: ``api.rewarm``)."""
    outer = _current.get()
    try:
        yield
    finally:
        _current.set(outer)


class RequestIdMiddleware:
    """Accept or make the request id, expose it to logs and the span, echo it back."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = (
            request_id_accept(value=request.headers.get(REQUEST_ID_HEADER)) or request_id_make()
        )
        request.request_id = request_id
        request.META[ENVIRON_REQUEST_ID] = request_id

        span = trace.get_current_span()
        span_context = span.get_span_context()
        if span_context.is_valid:
            span.set_attribute(SPAN_ATTRIBUTE, request_id)
            request.META[ENVIRON_TRACE_ID] = trace.format_trace_id(span_context.trace_id)
            request.META[ENVIRON_SPAN_ID] = trace.format_span_id(span_context.span_id)

        _current.set(
            RequestContext(
                request_id=request_id,
                method=request.method or "",
                path=request.path,
                # The client as our proxies vouch for it, not the proxy's own address.
                client_ip=client_ip_from_request(request=request),
            )
        )
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response
