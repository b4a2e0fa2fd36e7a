"""values.schema.json is strict: bad values fail `helm install` with a message naming them."""

import json
import re

import helm_python as helm
import pytest
import yaml

from tests.chart.manifests import CHART_DIR, VALUES_FILES, values_load


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_every_shipped_values_file_passes_the_schema(chart, values_file):
    chart.validate_schema(values_load(values_file=values_file))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"replicas": 3}, "additional properties 'replicas' not allowed"),
        (
            {"autoscaling": {"maxReplicas": 0}},
            "at '/autoscaling/maxReplicas': minimum: got 0, want 1",
        ),
        ({"autoscaling": {"targetCPUUtilizationPercentage": 170}}, "maximum: got 170, want 100"),
        ({"gunicorn": {"workers": "3"}}, "at '/gunicorn/workers': got string, want integer"),
        ({"image": {"pullPolicy": "Sometimes"}}, "value must be one of 'Always', 'IfNotPresent'"),
        ({"image": {"digest": "latest"}}, "at '/image/digest'"),
        (
            {"config": {"DATABASE_URL": "postgres://u:p@h/db"}},
            "invalid propertyName 'DATABASE_URL'",
        ),
        ({"config": {"log_level": "debug"}}, "invalid propertyName 'log_level'"),
        ({"config": {"LOG_FORMAT": "xml"}}, "at '/config/LOG_FORMAT': value must be one of"),
        ({"config": {"API_RATE_LIMIT": "lots"}}, "at '/config/API_RATE_LIMIT'"),
        ({"tracing": {"sidecar": {"awsRegion": "Ireland"}}}, "at '/tracing/sidecar/awsRegion'"),
        ({"securityContext": {"readOnlyRootFilesystem": False}}, "readOnlyRootFilesystem"),
        ({"podSecurityContext": {"runAsNonRoot": False}}, "runAsNonRoot"),
        ({"serviceAccount": {"roleArn": "blog-role"}}, "at '/serviceAccount/roleArn'"),
        ({"ingress": {"alb": {"certificateArn": "my-cert"}}}, "at '/ingress/alb/certificateArn'"),
        ({"tracing": {"mode": "agent"}}, "value must be one of 'daemonset', 'sidecar'"),
        ({"database": {"statementTimeoutMs": 0}}, "at '/database/statementTimeoutMs'"),
        ({"serviceMonitor": {"interval": "often"}}, "at '/serviceMonitor/interval'"),
    ],
)
def test_bad_values_are_rejected_with_a_message_naming_them(chart, values, message):
    with pytest.raises(helm.HelmValuesError) as error:
        chart.validate_schema(values)

    assert message in str(error.value)


def test_install_refuses_bad_values_before_rendering(chart):
    """Rendering validates too, as `helm upgrade --install` does."""
    with pytest.raises(helm.HelmValuesError, match="maxReplicas"):
        chart.render(values={"autoscaling": {"maxReplicas": 11.5}}, name="b", namespace="b")


def test_min_above_max_replicas_is_refused(chart):
    values = {"autoscaling": {"minReplicas": 5, "maxReplicas": 3}}

    with pytest.raises(helm.HelmRenderError, match=r"minReplicas \(5\) must not exceed"):
        chart.render(values=values, name="b", namespace="b")


def _leaf_paths(values, prefix=""):
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _leaf_paths(value, f"{path}.")
        else:
            yield path


def test_values_yaml_documents_every_value():
    """Each value has a `## @param` line, itself or an ancestor (maps like `config`)."""
    text = (CHART_DIR / "values.yaml").read_text()
    documented = set(re.findall(r"^\s*## @param (\S+) \S", text, flags=re.MULTILINE))
    values = yaml.safe_load(text)

    undocumented = [
        path
        for path in _leaf_paths(values)
        if not any(path == d or path.startswith(f"{d}.") for d in documented)
    ]

    assert undocumented == []
    leaves = set(_leaf_paths(values))
    stale = [d for d in documented if not any(p == d or p.startswith(f"{d}.") for p in leaves)]
    assert stale == [], "documented values that do not exist"


def _object_schemas(schema, path="$"):
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            yield path, schema
        for key, value in schema.items():
            yield from _object_schemas(value, f"{path}.{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _object_schemas(value, f"{path}[{index}]")


def test_schema_is_strict_wherever_the_keys_are_known():
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    # Open on purpose: env var maps (checked by propertyNames) and Kubernetes objects
    # passed through to the pod spec (Kubernetes validates those).
    open_maps = {
        "$.properties.config",
        "$.properties.podSecurityContext",
        "$.properties.securityContext",
    }

    loose = [
        path
        for path, node in _object_schemas(schema)
        if node.get("additionalProperties") is not False and path not in open_maps
    ]

    assert loose == []
    assert schema["additionalProperties"] is False
