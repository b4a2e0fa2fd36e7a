"""Readers for the observability artefacts the tests check (paths the chart copies)."""

import json
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
ALERTS = REPO / "observability" / "prometheus" / "alerts.yaml"
ALERT_TESTS = REPO / "observability" / "prometheus" / "tests"
DASHBOARD = REPO / "observability" / "dashboards" / "blog.json"
COLLECTOR = REPO / "observability" / "otel-collector.yaml"
RUNBOOKS = REPO / "docs" / "operations.md"

# Grafana's built-in variables, set to what a 5-minute view of a fresh server uses.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "5m",
    "${datasource}": "prometheus",
}


def _rules() -> list[dict]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def alert_rules() -> list[dict]:
    return [rule for rule in _rules() if "alert" in rule]


def recording_rules() -> list[dict]:
    return [rule for rule in _rules() if "record" in rule]


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def dashboard_targets() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query of every panel."""
    return [
        (panel["title"], target["expr"])
        for panel in dashboard()["panels"]
        for target in panel.get("targets", [])
    ]


def promql_resolve(expr: str, *, variables: dict[str, str]) -> str:
    """``expr`` with Grafana's built-in and the dashboard's own variables filled in."""
    for name, value in {**GRAFANA_VARIABLES, **variables}.items():
        expr = expr.replace(name, value)
    leftover = re.findall(r"\$\{?\w+", expr)
    assert not leftover, f"unresolved variables {leftover} in {expr}"
    return expr
