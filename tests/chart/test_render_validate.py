"""The chart lints clean and every rendered object is valid Kubernetes for each EKS version.

Rendered with Helm's own engine for the defaults, values-staging.yaml,
values-production.yaml and every ci/*-values.yaml, then validated strictly (unknown
fields fail) against the Kubernetes OpenAPI schemas of
EKS 1.31 to 1.34; the Prometheus Operator objects are checked against the operator's models.
"""

import helm_python as helm
import kubernetes_validate
import pytest

from tests.chart.manifests import (
    CHART_DIR,
    CRD_KINDS,
    EKS_VERSIONS,
    RULES_COPY,
    VALUES_FILES,
    chart_render,
    manifests_of_kind,
    values_load,
    values_missing_copies,
)

# Helm renders the whole chart for every values file and EKS version.
pytestmark = pytest.mark.slow


def _values_with_copies(values_file):
    values = values_load(values_file=values_file)
    missing = values_missing_copies(values=values)
    assert not missing, (
        f"{values_file} needs {', '.join(p.name for p in missing)}: run `make chart-sync`"
    )
    return values


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
@pytest.mark.parametrize("kube_version", ["v1.31.0", "v1.34.0"])
def test_chart_lints_clean_in_strict_mode(values_file, kube_version):
    values = _values_with_copies(values_file)

    report = helm.lint(CHART_DIR, values, strict=True, kube_version=kube_version)

    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert report["errors"] == [] and problems == [], (report["errors"], problems)


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_every_manifest_is_valid_for_each_eks_version(chart, values_file):
    values = _values_with_copies(values_file)
    chart.validate_schema(values)

    manifests = chart_render(chart, values=values)["manifests"]

    assert manifests_of_kind(manifests, "Deployment"), "the web Deployment always renders"
    for manifest in manifests:
        for version in EKS_VERSIONS:
            try:
                kubernetes_validate.validate(manifest.doc, version, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                assert manifest.kind in CRD_KINDS, (
                    f"{manifest.template}: no Kubernetes {version} schema for "
                    f"{manifest.doc['apiVersion']}/{manifest.kind} (removed API?)"
                )
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{manifest.template} invalid on Kubernetes {version}: {error}")


def test_prometheus_operator_objects_match_the_operator_models(chart):
    """ServiceMonitor and PrometheusRule against the CRD models (durations, selectors, rules)."""
    from cloudcoil.models.prometheus_operator.v1 import PrometheusRule, ServiceMonitor

    values = {"serviceMonitor": {"enabled": True}}
    if RULES_COPY.is_file():
        values["prometheusRule"] = {
            "enabled": True,
            "runbookBaseUrl": "https://github.com/acme/blog-cms/blob/main",
        }
    manifests = chart_render(chart, values=values)["manifests"]

    (monitor,) = manifests_of_kind(manifests, "ServiceMonitor")
    model = ServiceMonitor.model_validate(monitor.doc)
    assert model.spec.endpoints[0].port == "metrics"
    assert model.spec.endpoints[0].path == "/metrics"
    rules = manifests_of_kind(manifests, "PrometheusRule")
    if RULES_COPY.is_file():
        (rule,) = rules
        parsed = PrometheusRule.model_validate(rule.doc)
        assert parsed.spec.groups, "the PrometheusRule carries the rule groups"
    else:
        assert rules == []
