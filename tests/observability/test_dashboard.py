"""The Grafana dashboard: pinned uid, required panels, every query valid PromQL."""

import shutil
import subprocess

import pytest
import yaml

from tests.observability.artefacts import dashboard, dashboard_targets, promql_resolve

REQUIRED_PANELS = {
    "Requests",
    "Error ratio (5xx)",
    "Response time (avg / p95 / p99)",
    "Response time bounds (≈min / max)",
    "Traffic by endpoint",
    "Responses by status code",
    "Error ratio",
    "5xx per minute",
    "Top endpoints",
    "Latency p50 by endpoint",
    "Latency p95 by endpoint",
    "Latency p99 by endpoint",
    "Latency distribution",
    "Database time",
    "Cache hit ratio",
    "Replicas",
    "CPU (share of limit)",
    "Memory (share of limit)",
}
DASHBOARD_VARIABLES = {"$namespace": "blog", "$job": "blog"}


def test_the_uid_is_pinned_and_the_layout_is_sound():
    board = dashboard()
    assert board["uid"] == "blog-cms-overview"
    assert board["title"] and board["schemaVersion"] >= 36
    panels = board["panels"]
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids))
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24 and grid["h"] > 0
    variables = {variable["name"] for variable in board["templating"]["list"]}
    assert variables == {"datasource", "namespace", "job"}


def test_every_required_panel_is_there_with_a_query_and_a_description():
    panels = {panel["title"]: panel for panel in dashboard()["panels"] if panel["type"] != "row"}
    assert set(panels) >= REQUIRED_PANELS
    for title, panel in panels.items():
        assert panel["targets"], title
        assert panel["description"], title
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), title


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool not installed")
def test_promtool_parses_every_panel_query(tmp_path):
    """Each query, variables filled in, as a recording rule: promtool parses them all."""
    rules = [
        {
            "record": f"dashboard:panel_{index}:query",
            "expr": promql_resolve(expr, variables=DASHBOARD_VARIABLES),
        }
        for index, (_, expr) in enumerate(dashboard_targets())
    ]
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(
        ["promtool", "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout
