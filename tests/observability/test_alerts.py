"""Alert rules: valid, documented, and unit-tested on both sides of every boundary."""

import re
import shutil
import subprocess

import pytest
import yaml

from tests.observability.artefacts import (
    ALERT_TESTS,
    ALERTS,
    RUNBOOKS,
    alert_rules,
    recording_rules,
)

pytestmark = pytest.mark.skipif(not shutil.which("promtool"), reason="promtool not installed")

REQUIRED_ALERTS = {
    "BlogApiHighErrorRatio",  # error ratio > 1%
    "BlogApiHighLatencyP95",  # p95 > 500 ms
    "BlogApiServerErrors",  # 5xx > 10/min
    "BlogApiHighCpu",  # CPU > 80%
    "BlogApiHighMemory",  # memory > 85%
    "BlogApiPodRestarting",
    "BlogApiHpaAtMaximum",
    "BlogApiMigrationJobFailed",
    # SLOs: availability (non-5xx) and latency (under 500 ms), 14.4x / 6x / 1x burn rates
    *(
        f"BlogApi{sli}BudgetBurn{tier}"
        for sli in ("Availability", "Latency")
        for tier in ("Fast", "Medium", "Slow")
    ),
    "BlogApiMetricsAbsent",  # nothing scraped: every other alert is blind
    "BlogApiTargetDown",
    "BlogApiCacheErrors",  # Redis errors absorbed for too long
    "BlogApiScheduledPublishingStale",  # publish_scheduled stopped succeeding
    "BlogApiOutboxStale",  # change propagation: the outbox waits
    "BlogApiWebhookEndpointFailing",
    "BlogApiWorkerAbsent",
}
# The SRE workbook's burn rates: (factor, long window, short window, severity).
BURN_TIERS = {
    "Fast": ("14.4", "1h", "5m", "critical"),
    "Medium": ("6", "6h", "30m", "critical"),
    "Slow": ("1", "3d", "6h", "warning"),
}
SLO_BUDGETS = {"Availability": "0.001", "Latency": "0.01"}


def _promtool(*args):
    return subprocess.run(["promtool", *args], capture_output=True, text=True, check=False)


def test_promtool_accepts_the_rules():
    result = _promtool("check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    rules = len(alert_rules()) + len(recording_rules())
    assert f"SUCCESS: {rules} rules found" in result.stdout


@pytest.mark.slow
def test_promtool_unit_tests_pass():
    files = sorted(str(path) for path in ALERT_TESTS.glob("*.yaml"))
    assert files
    result = _promtool("test", "rules", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_required_alert_exists_with_a_common_prefix():
    names = [rule["alert"] for rule in alert_rules()]
    assert set(names) == REQUIRED_ALERTS
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"BlogApi(?:[A-Z][a-z0-9]*)+", name) for name in names)


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_is_documented(rule):
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule["for"]
    annotations = rule["annotations"]
    assert annotations["summary"] and annotations["description"]
    # A path in this repository; the chart prefixes prometheusRule.runbookBaseUrl.
    path, anchor = annotations["runbook_url"].split("#", 1)
    assert path == "docs/operations.md"
    assert anchor == rule["alert"].lower()
    headings = re.findall(r"^#+ (.+)$", RUNBOOKS.read_text(), flags=re.MULTILINE)
    assert rule["alert"] in headings, f"docs/operations.md: no runbook for {rule['alert']}"


def _unit_tests():
    for path in ALERT_TESTS.glob("*.yaml"):
        yield from yaml.safe_load(path.read_text())["tests"]


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_is_tested_on_both_sides_of_its_threshold_and_for(rule):
    """A firing case, a case just before ``for:`` elapses, and a below-threshold case."""
    name = rule["alert"]
    cases = [
        (test, case)
        for test in _unit_tests()
        for case in test.get("alert_rule_test", [])
        if case["alertname"] == name
    ]
    firing = [case for _, case in cases if case["exp_alerts"]]
    quiet = [case for _, case in cases if not case["exp_alerts"]]
    assert firing, f"{name} is never expected to fire"
    assert len(quiet) >= 2, f"{name} needs a pending case and a below-threshold case"
    firing_tests = {id(test) for test, case in cases if case["exp_alerts"]}
    assert any(id(test) not in firing_tests for test, _ in cases), (
        f"{name} has no input series that stay below its threshold"
    )
    before_for = [
        case for test, case in cases if id(test) in firing_tests and not case["exp_alerts"]
    ]
    assert before_for, f"{name} is not tested just before its for: elapses"


def test_recording_rules_are_named_level_metric_operations():
    names = [rule["record"] for rule in recording_rules()]

    assert names and len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"namespace_job:[a-z0-9_]+:(?:ratio_)?rate(?:5m|30m|1h|6h|3d)", name), (
            name
        )


@pytest.mark.parametrize("sli", sorted(SLO_BUDGETS))
@pytest.mark.parametrize("tier", sorted(BURN_TIERS))
def test_burn_rate_alerts_pair_a_long_and_a_short_window_with_a_traffic_guard(sli, tier):
    """Multiwindow, multi-burn-rate: both windows over factor x budget, and enough requests."""
    factor, long, short, severity = BURN_TIERS[tier]
    (rule,) = [r for r in alert_rules() if r["alert"] == f"BlogApi{sli}BudgetBurn{tier}"]
    expr = " ".join(rule["expr"].split())
    threshold = f"({factor} * {SLO_BUDGETS[sli]})"
    recorded = {r["record"] for r in recording_rules()}

    ratios = re.findall(r"(namespace_job:\w+:ratio_rate(\w+)) > " + re.escape(threshold), expr)
    assert {window for _, window in ratios} == {long, short}
    assert all(name in recorded for name, _ in ratios)
    assert f"namespace_job:django_http_responses:rate{long} >= 0.1" in expr
    assert rule["labels"]["severity"] == severity
