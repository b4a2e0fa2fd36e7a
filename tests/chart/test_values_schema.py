"""values.schema.json is strict: bad values fail `helm install` with a message naming them."""

import helm_python as helm
import pytest

from tests.chart.manifests import VALUES_FILES, values_load


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
