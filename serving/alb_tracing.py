"""Continue the trace an AWS load balancer starts, whose header has a root but no parent.

An ALB adds ``X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793`` (sometimes
``;Sampled=…``) to each request, with no ``Parent=``: it sends nothing to X-Ray itself, so
there is no parent segment. X-Ray's OpenTelemetry propagator reads a header without a parent
as no context at all, and the ALB's trace id was dropped: the app's spans started a new trace
that no ALB access log line names. X-Ray's own SDKs make the service's segment the root
segment of the ALB's trace instead; this does the same:

- ``AlbXRayPropagator`` extracts like X-Ray's propagator, and when the header has only a
  root, remembers its trace id for this request;
- ``alb_trace_ids_follow`` makes the tracer provider's id generator hand that id to the next
  root span (the request's server span), once.

https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html
https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
"""

import re
from contextvars import ContextVar

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagators.aws.aws_xray_propagator import TRACE_HEADER_KEY, AwsXRayPropagator
from opentelemetry.propagators.textmap import CarrierT, Getter, default_getter

# "Root=1-<8 hex: epoch seconds>-<24 hex>", among other ;-separated fields, bounded.
_ROOT = re.compile(r"(?:^|;)\s*Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})\s*(?:;|$)")
_MAX_HEADER = 256

_pending_root_trace_id: ContextVar[int | None] = ContextVar("alb_root_trace_id", default=None)


def alb_root_trace_id_parse(*, header: str) -> int | None:
    """The trace id of a ``Root=`` field, or None (absent, malformed, zero, too long)."""
    if len(header) > _MAX_HEADER:
        return None
    match = _ROOT.search(header)
    if match is None:
        return None
    return int(match.group(1) + match.group(2), 16) or None


class AlbXRayPropagator(AwsXRayPropagator):
    """X-Ray's propagator, plus the root-only header an ALB writes."""

    def extract(
        self,
        carrier: CarrierT,
        context: Context | None = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        _pending_root_trace_id.set(None)
        extracted = super().extract(carrier, context=context, getter=getter)
        if trace.get_current_span(extracted).get_span_context().is_valid:
            return extracted  # a full header (Root and Parent): X-Ray's own handling
        values = getter.get(carrier, TRACE_HEADER_KEY) or []
        if len(values) == 1:
            _pending_root_trace_id.set(alb_root_trace_id_parse(header=values[0]))
        return extracted


def alb_trace_ids_follow(*, provider) -> bool:
    """Make ``provider``'s id generator start the request's root span in the ALB's trace.

    Tracers share their provider's generator object, so its ``generate_trace_id`` is
    wrapped in place; ids still come from it (X-Ray's time-based ids) for every other root.
    """
    generator = getattr(provider, "id_generator", None)
    if generator is None or getattr(generator, "follows_alb", False):
        return False
    generate = generator.generate_trace_id

    def generate_trace_id() -> int:
        trace_id = _pending_root_trace_id.get()
        if trace_id is None:
            return generate()
        _pending_root_trace_id.set(None)
        return trace_id

    generator.generate_trace_id = generate_trace_id
    generator.follows_alb = True
    return True
