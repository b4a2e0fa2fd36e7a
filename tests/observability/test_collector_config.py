"""The OpenTelemetry Collector config: every pipeline names defined components, in order.

No collector binary with the X-Ray exporter can run here, so the structure is checked:
OTLP in, memory_limiter first, batch last, resource detection, awsxray out.
"""

import yaml

from tests.observability.artefacts import COLLECTOR


def _config():
    return yaml.safe_load(COLLECTOR.read_text())


def test_every_pipeline_names_defined_components():
    config = _config()
    service = config["service"]
    for extension in service.get("extensions", []):
        assert extension in config["extensions"]
    for name, pipeline in service["pipelines"].items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind, []):
                assert component in config[kind], f"{name}: {kind} {component} is not defined"


def test_traces_flow_from_otlp_through_the_limiter_and_batch_to_xray():
    pipeline = _config()["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    assert pipeline["processors"][0] == "memory_limiter"
    assert pipeline["processors"][-1] == "batch"
    assert "resourcedetection" in pipeline["processors"]
    assert pipeline["exporters"] == ["awsxray"]


def test_otlp_listens_on_both_protocols_and_xray_indexes_the_request_id():
    config = _config()
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"].endswith(":4317")
    assert protocols["http"]["endpoint"].endswith(":4318")
    xray = config["exporters"]["awsxray"]
    assert "request_id" in xray["indexed_attributes"]
    assert xray["region"] == "${env:AWS_REGION}"
    assert "eks" in config["processors"]["resourcedetection"]["detectors"]
