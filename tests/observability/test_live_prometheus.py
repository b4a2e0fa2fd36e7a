"""gunicorn + a real Prometheus on loopback: every panel and alert query evaluates.

gunicorn (two workers, multiprocess metrics) serves the test database; Prometheus
scrapes the master's metrics port every second and loads the alert rules. After some
traffic, every dashboard query and every alert expression goes through Prometheus's
HTTP API without error, the panels the traffic feeds have data, and every SLO recording
rule has recorded a series for the app (with 4xx answers counted as available). The same run
checks the log stream: every stdout line is JSON, access lines carry the request id
of their response, and no credential sent by the client is written.
"""

import contextlib
import json
import shutil

import pytest

from tests.observability.artefacts import (
    ALERTS,
    alert_rules,
    dashboard_targets,
    promql_resolve,
    recording_rules,
)
from tests.observability.servers import Prometheus
from tests.servers import http_get, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("prometheus"), reason="prometheus not installed"),
]

# Panels whose queries must return data after plain successful and 404 traffic. The
# rest need 5xx responses, searches, publishes or Kubernetes series (kube-state-metrics,
# cAdvisor), which this run does not produce; they must still evaluate without error.
PANELS_WITH_DATA = {
    "Requests",
    "Response time (avg / p95 / p99)",
    "Response time bounds (≈min / max)",
    "Traffic by endpoint",
    "Responses by status code",
    "Top endpoints",
    "Latency p50 by endpoint",
    "Latency p95 by endpoint",
    "Latency p99 by endpoint",
    "Latency distribution",
    "Database time",
    "Cache hit ratio",
    "Replicas",
    # From the SLO recording rules: a 5xx share of 0 is data too.
    "Availability budget burn rate",
    "Latency budget burn rate",
}
SECRETS = ("cookie-secret-1", "bearer-secret-2", "query-secret-3")
LATENCY_ALERTS = {
    "BlogApiHighLatencyP95",
    "BlogApiLatencyBudgetBurnFast",
    "BlogApiLatencyBudgetBurnMedium",
    "BlogApiLatencyBudgetBurnSlow",
}


def _traffic(base: str, post_id: int, *, first_id: int) -> list[tuple[str, int, str]]:
    """Send a mix of requests; (path, status, request id) for each."""
    sent = []
    plan = [f"/api/v2/pages/?limit=5&token={SECRETS[2]}"] * 8
    plan += [f"/api/v2/pages/{post_id}/"] * 6
    plan += ["/api/v2/pages/99999999/"] * 3  # 404 from the API
    plan += ["/api/v2/pages/?limit=abc"] * 3  # 400 from the API
    for index, path in enumerate(plan, start=first_id):
        response = http_get(
            base + path,
            headers={
                "X-Request-ID": f"live-{index}",
                "Cookie": f"sessionid={SECRETS[0]}",
                "Authorization": f"Bearer {SECRETS[1]}",
            },
        )
        sent.append((path.split("?")[0], response.status, response.headers["X-Request-ID"]))
    return sent


def test_dashboard_and_alert_queries_evaluate_against_live_metrics(
    live_gunicorn, make_post, tmp_path
):
    post = make_post(title="Scraped")
    with live_gunicorn(workers=2) as app:
        public_metrics = http_get(f"{app.url}/metrics")
        assert public_metrics.status == 404 or public_metrics.status == 301
        assert b"django_http" not in public_metrics.body

        scrape = http_get(app.metrics_url)
        assert scrape.status == 200
        assert b"blog_search_latency_seconds_count" in scrape.body

        with Prometheus(
            targets=[f"127.0.0.1:{app.metrics_port}"], tmp_path=tmp_path, rule_files=[ALERTS]
        ) as prometheus:
            # Traffic while Prometheus watches, so rates are not zero.
            wait_for(
                lambda: prometheus.query('up{job="blog"} == 1')["result"],
                timeout=30,
                interval=0.5,
                what="the first scrape",
            )
            # Every request counted once, whichever worker served it.
            total = 'sum(django_http_requests_total_by_view_transport_method_total{job="blog"})'

            def scraped(count):
                result = prometheus.query(total)["result"]
                return result and float(result[0]["value"][1]) == count

            # Two waves with a scrape between them: a series first appears with the
            # first wave's count already in it, and a rate needs it to grow after that.
            sent = _traffic(app.url, post.id, first_id=0)
            wait_for(lambda: scraped(len(sent)), timeout=30, interval=0.2, what="wave 1")
            sent += _traffic(app.url, post.id, first_id=len(sent))
            wait_for(lambda: scraped(len(sent)), timeout=30, interval=0.2, what="wave 2")
            assert sorted({status for _, status, _ in sent}) == [200, 400, 404]
            expected_ids = [f"live-{i}" for i in range(len(sent))]
            assert [request_id for *_, request_id in sent] == expected_ids

            # The recording rules, as Prometheus evaluated them against this app's series
            # after both waves: one series per rule for namespace/job, requests counted,
            # the 400s and 404s counted as available (only 5xx spend the budget).
            def recorded(name):
                result = prometheus.query(name)["result"]
                return {(s["metric"]["namespace"], s["metric"]["job"]): s for s in result}

            wait_for(
                lambda: all(recorded(rule["record"]) for rule in recording_rules()),
                timeout=15,
                interval=0.5,
                what="every recording rule to record",
            )
            variables = {"$namespace": "blog", "$job": "blog"}
            answers: dict = {}

            def panels_missing_data() -> set[str]:
                """Panels without a number yet. A recording rule evaluated between the two
                waves' scrapes records NaN (no rate yet); the next evaluation has one."""
                with_data = set()
                answers.clear()
                for title, expr in dashboard_targets():
                    data = prometheus.query(promql_resolve(expr, variables=variables))
                    values = [sample["value"][1] for sample in data["result"]]
                    answers.setdefault(title, []).append((expr, values))
                    if any(value not in ("NaN", "+Inf", "-Inf") for value in values):
                        with_data.add(title)
                return PANELS_WITH_DATA - with_data

            with contextlib.suppress(AssertionError, TimeoutError):
                wait_for(lambda: not panels_missing_data(), timeout=20, interval=1, what="panels")
            missing = panels_missing_data()
            assert not missing, {title: answers[title] for title in missing}

            for rule in alert_rules():
                data = prometheus.query(rule["expr"])
                # No 5xx, no cache failures and no Kubernetes series here, and the target
                # is up, so those stay quiet. (Latency may well be high: cold workers on a
                # shared two-core machine.)
                if rule["alert"] not in LATENCY_ALERTS:
                    assert data["result"] == [], (rule["alert"], data["result"])

            def rules_evaluated():
                groups = http_get(f"{prometheus.url}/api/v1/rules").json()["data"]["groups"]
                rules = [rule for group in groups for rule in group["rules"]]
                return len(rules) == len(alert_rules()) + len(recording_rules()) and all(
                    rule["health"] == "ok" and not rule["lastEvaluation"].startswith("0001-")
                    for rule in rules
                )

            wait_for(rules_evaluated, timeout=15, interval=0.5, what="rules to evaluate")

            for rule in recording_rules():
                series = recorded(rule["record"])
                assert set(series) == {("blog", "blog")}, (rule["record"], series)
                value = float(series["blog", "blog"]["value"][1])
                if ":ratio_rate" in rule["record"]:
                    assert 0 <= value <= 1, (rule["record"], value)
                else:
                    assert value > 0, (rule["record"], value)
                if "_5xx:" in rule["record"]:
                    assert value == 0, (rule["record"], value)

    lines = app.stdout_lines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    access = [record for record in records if record["logger"] == "gunicorn.access"]
    assert access[0]["path"] == "/metrics"  # the public-port check above
    access = access[1:]
    # Every request logged once; two workers write their lines in the order they finish.
    logged = sorted((record["request_id"] for record in access), key=lambda r: int(r[5:]))
    assert logged == [f"live-{i}" for i in range(len(sent))]
    for record, (path, status, _) in zip(access, sent, strict=True):
        assert (record["method"], record["path"], record["status"]) == ("GET", path, status)
        assert record["duration_ms"] >= 0 and record["client_ip"] == "127.0.0.1"
    # Probes are quiet: gunicorn was polled on /healthz until it answered.
    assert not any(record.get("path") == "/healthz" for record in access)
    # django.request's lines for the 404s and 400s name their request.
    warnings = [record for record in records if record["logger"] == "django.request"]
    assert warnings and all(record["request_id"].startswith("live-") for record in warnings)
    everything = "\n".join(lines) + app.stderr_path.read_text()
    for secret in SECRETS:
        assert secret not in everything
