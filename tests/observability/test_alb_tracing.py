"""A trace an ALB starts (``X-Amzn-Trace-Id`` with ``Root=`` and no ``Parent=``) continues here:
the request's span is the root of that trace. With the SDK's real provider and exporter."""

import pytest
from opentelemetry.propagators.aws.aws_xray_propagator import AwsXRayPropagator
from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from serving.alb_tracing import AlbXRayPropagator, alb_root_trace_id_parse, alb_trace_ids_follow

ROOT = "1-5759e988-bd862e3fe1be46a994272793"
ROOT_ID = int("5759e988bd862e3fe1be46a994272793", 16)


@pytest.fixture
def tracing():
    provider = TracerProvider(id_generator=AwsXRayIdGenerator())
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    alb_trace_ids_follow(provider=provider)
    return provider.get_tracer("test"), exporter


def _request(tracer, propagator, header: str | None):
    carrier = {"X-Amzn-Trace-Id": header} if header is not None else {}
    context = propagator.extract(carrier)
    with (
        tracer.start_as_current_span("GET /api/v2/pages/", context=context),
        tracer.start_as_current_span("SELECT"),
    ):
        pass


@pytest.mark.parametrize(
    "header",
    [
        f"Root={ROOT}",  # what an ALB writes
        f"Root={ROOT};Sampled=1",
        f"Self=1-67891234-12456789abcdef012345678;Root={ROOT}",  # after a second ALB hop
    ],
)
def test_an_alb_root_only_header_makes_the_request_the_root_of_that_trace(tracing, header):
    tracer, exporter = tracing
    _request(tracer, AlbXRayPropagator(), header)
    query, server = exporter.get_finished_spans()
    assert server.context.trace_id == ROOT_ID
    assert server.parent is None  # the root segment, not a child of a span that never existed
    assert query.context.trace_id == ROOT_ID and query.parent.span_id == server.context.span_id


def test_x_rays_own_propagator_drops_that_trace(tracing):
    """The behaviour this replaces, pinned: the ALB's id is lost."""
    tracer, exporter = tracing
    _request(tracer, AwsXRayPropagator(), f"Root={ROOT}")
    assert exporter.get_finished_spans()[-1].context.trace_id != ROOT_ID


def test_a_full_header_still_continues_its_parent(tracing):
    tracer, exporter = tracing
    _request(tracer, AlbXRayPropagator(), f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1")
    server = exporter.get_finished_spans()[-1]
    assert server.context.trace_id == ROOT_ID
    assert server.parent.span_id == int("53995c3f42cd8ad8", 16)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Root=1-zzzz-bd862e3fe1be46a994272793",
        "Root=1-00000000-000000000000000000000000",
        "Root=" + "1" * 300,
    ],
)
def test_no_or_a_bad_header_starts_a_new_trace_and_leaves_nothing_for_the_next(tracing, header):
    tracer, exporter = tracing
    propagator = AlbXRayPropagator()
    _request(tracer, propagator, f"Root={ROOT}")
    _request(tracer, propagator, header)
    first, second = exporter.get_finished_spans()[1], exporter.get_finished_spans()[3]
    assert first.context.trace_id == ROOT_ID
    assert second.context.trace_id not in (ROOT_ID, 0)


def test_the_parser_is_bounded_and_strict():
    assert alb_root_trace_id_parse(header=f"Root={ROOT}") == ROOT_ID
    assert alb_root_trace_id_parse(header=f"Root={ROOT}x") is None
    assert alb_root_trace_id_parse(header=f"Root={ROOT};" + "x" * 300) is None
