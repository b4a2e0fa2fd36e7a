"""Render the chart with Helm's own engine and hand back parsed manifests.

Helm's Go SDK (the helm-python-sdk wheel) renders exactly what `helm install` would send,
hooks included; it does not parse YAML, so this module does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "charts" / "blog"
# EKS versions in standard support when this was written; the chart is validated against each.
# https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
EKS_VERSIONS = ("1.31.0", "1.32.0", "1.33.0", "1.34.0")
# Custom resources: no Kubernetes schema exists for them in kubernetes-validate.
CRD_KINDS = frozenset({"ServiceMonitor", "PrometheusRule", "ExternalSecret"})
# Every values file a user or CI may install with; None means the chart defaults.
VALUES_FILES: tuple[str | None, ...] = (
    None,
    "values-staging.yaml",
    "values-production.yaml",
    *sorted(p.relative_to(CHART_DIR).as_posix() for p in (CHART_DIR / "ci").glob("*-values.yaml")),
)
# Chart copies (generated from observability/ by `make chart-sync`) a values file may need.
DASHBOARD_COPY = CHART_DIR / "files/dashboards/blog.json"
RULES_COPY = CHART_DIR / "files/prometheus/alerts.yaml"
COLLECTOR_COPY = CHART_DIR / "files/otel-collector.yaml"


@dataclass(frozen=True)
class Manifest:
    """One rendered Kubernetes object and the template that produced it."""

    template: str
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.doc["kind"]

    @property
    def name(self) -> str:
        return self.doc["metadata"]["name"]

    @property
    def annotations(self) -> dict[str, str]:
        return self.doc["metadata"].get("annotations") or {}


def values_load(*, values_file: str | None) -> dict[str, Any]:
    """The values a `-f values_file` install passes (empty for the defaults)."""
    if values_file is None:
        return {}
    return yaml.safe_load((CHART_DIR / values_file).read_text(encoding="utf-8")) or {}


def values_missing_copies(*, values: dict[str, Any]) -> list[Path]:
    """Chart copies these values need that `make chart-sync` has not produced yet."""
    needed = []
    if values.get("prometheusRule", {}).get("enabled"):
        needed.append(RULES_COPY)
    if values.get("grafanaDashboard", {}).get("enabled"):
        needed.append(DASHBOARD_COPY)
    tracing = values.get("tracing", {})
    if tracing.get("enabled") and tracing.get("mode") == "sidecar":
        needed.append(COLLECTOR_COPY)
    return [path for path in needed if not path.is_file()]


def chart_render(
    chart: helm.Chart,
    *,
    values: dict[str, Any] | None = None,
    is_upgrade: bool = False,
    release: str = "blog",
    namespace: str = "blog",
) -> dict[str, Any]:
    """Render like `helm install`/`helm upgrade`; returns {"manifests": [...], "notes": str}."""
    rendered = chart.render(
        values=values or {},
        name=release,
        namespace=namespace,
        is_install=not is_upgrade,
        is_upgrade=is_upgrade,
    )
    manifests: list[Manifest] = []
    notes = ""
    for template, text in sorted(rendered.items()):
        if template.endswith("NOTES.txt"):
            notes = text
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                manifests.append(Manifest(template=template, doc=doc))
    return {"manifests": manifests, "notes": notes}


def manifests_of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m.kind == kind]


def manifest_one(manifests: list[Manifest], kind: str, name: str | None = None) -> Manifest:
    """The single object of a kind (and name); fails loudly when absent or ambiguous.

    Without a name, the web component's object: the task worker has its own Deployment
    and PodDisruptionBudget (component ``worker``)."""
    found = [m for m in manifests_of_kind(manifests, kind) if name is None or m.name == name]
    if name is None:
        found = [m for m in found if _component(m) != "worker"]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {[m.name for m in found]}"
    return found[0]


def _component(manifest: Manifest) -> str:
    labels = manifest.doc.get("metadata", {}).get("labels") or {}
    return labels.get("app.kubernetes.io/component", "")


def pod_specs(manifests: list[Manifest]) -> list[tuple[Manifest, dict[str, Any]]]:
    """Every pod spec the chart renders: Deployment, Job, CronJob and the helm test Pod."""
    specs = []
    for m in manifests:
        if m.kind == "Pod":
            specs.append((m, m.doc["spec"]))
        elif m.kind in {"Deployment", "Job"}:
            specs.append((m, m.doc["spec"]["template"]["spec"]))
        elif m.kind == "CronJob":
            specs.append((m, m.doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return specs
