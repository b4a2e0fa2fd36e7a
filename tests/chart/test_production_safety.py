"""What keeps a production release safe, as rendered: the edge behind CloudFront, the client
address per topology, the cache version per release, the database connection budget, the
deregistration delay in the timeout chain, secret rotation, the migrate Job's timeouts and
the PrometheusRule's runbook links and labels."""

import re

import helm_python as helm
import pytest

from tests.chart.manifests import (
    CHART_DIR,
    RULES_COPY,
    VALUES_FILES,
    chart_render,
    manifest_one,
    values_load,
    values_missing_copies,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4
ENVIRONMENTS = ("values-staging.yaml", "values-production.yaml")
ORIGIN_LOCK = {
    "edge": {"originLock": {"enabled": True}},
    "config": {"TRUSTED_PROXY_COUNT": "2"},
}


def _render(chart, values, **kwargs):
    return chart_render(chart, values=values, **kwargs)["manifests"]


def _environment(chart, values_file, **extra):
    values = values_load(values_file=values_file)
    if values_missing_copies(values=values):
        pytest.skip(f"{values_file} needs the chart copies `make chart-sync` makes")
    return _render(chart, {**values, **extra})


def _web(manifests):
    deployment = manifest_one(manifests, "Deployment")
    pod = deployment.doc["spec"]["template"]
    (container,) = [c for c in pod["spec"]["containers"] if c["name"] == "blog"]
    return deployment, pod, container


def _render_error(chart, values):
    with pytest.raises(helm.HelmRenderError) as error:
        chart.render(values=values, name="blog", namespace="blog", is_install=True)
    return str(error.value)


# ------------------------------------------------------------------ topology and edge


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_trusted_proxy_count_matches_the_topology_of_every_values_file(chart, values_file):
    """Behind CloudFront and the ALB, 2; behind the ALB alone (or nothing), 1."""
    values = values_load(values_file=values_file)
    if values_missing_copies(values=values):
        pytest.skip(f"{values_file} needs the chart copies `make chart-sync` makes")
    manifests = _render(chart, values)
    behind_cloudfront = values.get("edge", {}).get("originLock", {}).get("enabled", False)

    config = manifest_one(manifests, "ConfigMap", "blog").doc["data"]

    assert config["TRUSTED_PROXY_COUNT"] == ("2" if behind_cloudfront else "1")


@pytest.mark.parametrize("values_file", ENVIRONMENTS)
def test_staging_and_production_sit_behind_cloudfront_with_the_origin_locked(chart, values_file):
    manifests = _environment(chart, values_file)
    _, _, container = _web(manifests)
    config = manifest_one(manifests, "ConfigMap", "blog").doc["data"]

    assert config["TRUSTED_PROXY_COUNT"] == "2"
    assert config["ORIGIN_SECRET_HEADER"] == "X-Origin-Verify"
    (secret_env,) = [e for e in container["env"] if e["name"] == "ORIGIN_SECRET"]
    assert secret_env["valueFrom"]["secretKeyRef"] == {"name": "blog", "key": "ORIGIN_SECRET"}
    # CloudFront purge on publish, built on the host CloudFront serves.
    assert re.fullmatch(r"E[0-9A-Z]+", config["CLOUDFRONT_DISTRIBUTION_ID"])
    assert config["API_CDN_BASE_URL"].startswith("https://")


def test_the_origin_lock_reads_its_secret_by_key_and_never_puts_it_in_a_configmap(chart):
    values = {**ORIGIN_LOCK, "edge": {"originLock": {"enabled": True, "secretName": "edge"}}}
    manifests = _render(chart, values)
    _, _, container = _web(manifests)

    (secret_env,) = [e for e in container["env"] if e["name"] == "ORIGIN_SECRET"]

    assert secret_env["valueFrom"]["secretKeyRef"] == {"name": "edge", "key": "ORIGIN_SECRET"}
    for configmap in [m for m in manifests if m.kind == "ConfigMap"]:
        assert "ORIGIN_SECRET" not in (configmap.doc.get("data") or {})


def test_without_the_origin_lock_nothing_about_it_is_rendered(chart):
    manifests = _render(chart, {})
    _, _, container = _web(manifests)

    assert "ORIGIN_SECRET_HEADER" not in manifest_one(manifests, "ConfigMap", "blog").doc["data"]
    assert all(e["name"] != "ORIGIN_SECRET" for e in container.get("env", []))


def test_the_origin_lock_with_a_single_trusted_proxy_refuses_to_render(chart):
    values = {**ORIGIN_LOCK, "config": {"TRUSTED_PROXY_COUNT": "1"}}

    message = _render_error(chart, values)

    assert "config.TRUSTED_PROXY_COUNT must be 2 (it is 1)" in message


def test_the_probes_answer_the_kubelet_and_the_target_group_but_not_the_internet(chart):
    manifests = _render(chart, {"ingress": {"enabled": True}})
    _, _, container = _web(manifests)
    ingress = manifest_one(manifests, "Ingress")
    (rule,) = ingress.doc["spec"]["rules"]
    routes = {p["path"]: p for p in rule["http"]["paths"]}

    probe_paths = {
        container[probe]["httpGet"]["path"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe")
    }
    assert probe_paths == {"/healthz", "/readyz"}
    for path in probe_paths:
        assert routes[path]["pathType"] == "Exact"
        assert routes[path]["backend"]["service"] == {
            "name": "probe-paths",
            "port": {"name": "use-annotation"},
        }
    action = ingress.annotations["alb.ingress.kubernetes.io/actions.probe-paths"]
    assert '"statusCode": "404"' in action and '"type": "fixed-response"' in action
    # The target group's own health check goes straight to the pod, past the listener rules.
    assert ingress.annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/readyz"
    assert routes["/"]["backend"]["service"]["port"] == {"name": "http"}


# ------------------------------------------------------------------ release-scoped cache


def test_api_cache_version_is_the_image_digest_in_every_pod_that_reads_it(chart):
    manifests = _render(chart, {"image": {"digest": DIGEST}})

    for name in ("blog", "blog-migrate"):
        config = manifest_one(manifests, "ConfigMap", name).doc["data"]
        assert config["API_CACHE_VERSION"] == "0123456789abcdef"


def test_api_cache_version_without_a_digest_is_the_tag_and_helm_revision(chart):
    manifests = _render(chart, {"image": {"tag": "1.4.2"}})

    config = manifest_one(manifests, "ConfigMap", "blog").doc["data"]

    assert re.fullmatch(r"1\.4\.2-r\d+", config["API_CACHE_VERSION"])


def test_an_explicit_api_cache_version_wins(chart):
    values = {"image": {"digest": DIGEST}, "config": {"API_CACHE_VERSION": "pinned"}}

    config = manifest_one(_render(chart, values), "ConfigMap", "blog").doc["data"]

    assert config["API_CACHE_VERSION"] == "pinned"


def test_a_new_image_rolls_the_pods_onto_a_new_cache_version(chart):
    def checksum(digest):
        deployment, _, _ = _web(_render(chart, {"image": {"digest": digest}}))
        return deployment.doc["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum(DIGEST) != checksum("sha256:" + "f" * 64)


# ------------------------------------------------------------------ connection budget

# Defaults: (10 pods + 3 surge) x 3 workers x 2 threads = 78, + 2 worker + 1 cron + 1 migrate
# + 5 reserved = 87.
DEFAULT_CONNECTIONS = 87


def test_the_connection_budget_holds_exactly_at_its_limit(chart):
    _render(chart, {"database": {"maxConnections": DEFAULT_CONNECTIONS}})


def test_one_connection_over_the_budget_refuses_to_render_and_explains_the_sum(chart):
    message = _render_error(chart, {"database": {"maxConnections": DEFAULT_CONNECTIONS - 1}})

    assert "connection budget: 87 connections needed, database.maxConnections is 86" in message
    assert "web (10 pods + 3 surge) x 3 workers x 2 threads = 78" in message
    assert "publish_scheduled 1 + migrate 1 + database.reservedConnections 5" in message
    assert "RDS Proxy/PgBouncer" in message


@pytest.mark.parametrize(
    ("values", "needed"),
    [
        ({"autoscaling": {"maxReplicas": 20}}, (20 + 5) * 6 + 9),
        ({"gunicorn": {"threads": 4}}, 13 * 12 + 9),
        ({"autoscaling": {"enabled": False}, "replicaCount": 3}, (3 + 1) * 6 + 9),
        ({"publishScheduled": {"enabled": False}, "migrations": {"enabled": False}}, 78 + 7),
        ({"database": {"workerConnections": 10}}, 78 + 10 + 7),
    ],
)
def test_the_budget_counts_pods_surge_workers_threads_and_the_other_clients(chart, values, needed):
    limit = {"maxConnections": needed}
    database = {**values.get("database", {}), **limit}

    _render(chart, {**values, "database": database})
    assert f"{needed} connections needed" in _render_error(
        chart, {**values, "database": {**database, "maxConnections": needed - 1}}
    )


def test_the_budget_counts_the_surge_the_deployment_uses(chart):
    deployment, _, _ = _web(_render(chart, {}))

    assert deployment.doc["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == "25%"


@pytest.mark.parametrize("values_file", ENVIRONMENTS)
def test_staging_and_production_fit_their_connection_budget(chart, values_file):
    values = values_load(values_file=values_file)

    assert values["database"]["maxConnections"] >= 1
    _environment(chart, values_file)


# ------------------------------------------------------------------ timeout chain: the ALB


@pytest.mark.parametrize(
    ("alb", "message"),
    [
        # Past preStop (10 s) + graceful timeout (35 s): the ALB still routes in-flight
        # requests to a pod that has exited.
        (
            {"deregistrationDelaySeconds": 46},
            "ingress.alb.deregistrationDelaySeconds (46 s) must not exceed",
        ),
        # Under the statement timeout (30 s): the ALB cuts off the longest requests.
        (
            {"deregistrationDelaySeconds": 29},
            "ingress.alb.deregistrationDelaySeconds (29 s) must be at least",
        ),
    ],
)
def test_the_deregistration_delay_is_part_of_the_timeout_chain(chart, alb, message):
    error = _render_error(chart, {"ingress": {"enabled": True, "alb": alb}})

    assert "timeout chain" in error and message in error


@pytest.mark.parametrize("delay", [30, 45])
def test_a_deregistration_delay_inside_the_chain_renders(chart, delay):
    values = {"ingress": {"enabled": True, "alb": {"deregistrationDelaySeconds": delay}}}

    ingress = manifest_one(_render(chart, values), "Ingress")

    attributes = ingress.annotations["alb.ingress.kubernetes.io/target-group-attributes"]
    assert f"deregistration_delay.timeout_seconds={delay}" in attributes


def test_the_deregistration_delay_cannot_be_left_out(chart):
    """Helm drops a key set to null; the schema then names the missing link."""
    values = {"ingress": {"enabled": True, "alb": {"deregistrationDelaySeconds": None}}}

    with pytest.raises(helm.HelmValuesError) as error:
        chart.render(values=values, name="blog", namespace="blog", is_install=True)

    assert "deregistrationDelaySeconds" in str(error.value)


# ------------------------------------------------------------------ secrets and rotation


def test_a_change_to_the_chart_made_secret_rolls_the_pods(chart):
    def checksum(key):
        values = {"secret": {"create": True, "values": {"DJANGO_SECRET_KEY": key}}}
        _, pod, _ = _web(_render(chart, values))
        return pod["metadata"]["annotations"]["checksum/secret"]

    assert checksum("one") != checksum("two")


def test_a_different_external_secret_rolls_the_pods(chart):
    def checksum(remote_key):
        values = {"externalSecret": {"enabled": True, "remoteKey": remote_key}}
        _, pod, _ = _web(_render(chart, values))
        return pod["metadata"]["annotations"]["checksum/external-secret"]

    assert checksum("blog/production") != checksum("blog/production-v2")


def test_reloader_restarts_the_pods_when_secrets_manager_rotates_a_secret(chart):
    values = {
        **ORIGIN_LOCK,
        "edge": {"originLock": {"enabled": True, "secretName": "edge"}},
        "externalSecret": {"enabled": True},
        "reloader": {"enabled": True},
    }

    deployment, _, _ = _web(_render(chart, values))

    annotation = deployment.annotations["secret.reloader.stakater.com/reload"]
    assert annotation == "blog,edge"


def test_production_restarts_on_rotation(chart):
    deployment, _, _ = _web(_environment(chart, "values-production.yaml"))

    assert deployment.annotations["secret.reloader.stakater.com/reload"] == "blog"


# ------------------------------------------------------------------ migrations and cron


def test_the_migrate_job_waits_briefly_for_locks_and_retries(chart):
    values = {"migrations": {"lockTimeoutMs": 3000, "attempts": 7}}
    manifests = _render(chart, values)
    job = manifest_one(manifests, "Job", "blog-migrate")
    (container,) = job.doc["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    hook_config = manifest_one(manifests, "ConfigMap", "blog-migrate").doc["data"]

    assert container["command"] == ["python", "manage.py", "migrate_online", "--attempts=7"]
    assert env["DATABASE_LOCK_TIMEOUT_MS"] == "3000"
    # The request timeout reaches the command unchanged: migrate_online lifts it for its own
    # statements and stores it on the role, so it must not be zeroed here.
    assert "DATABASE_STATEMENT_TIMEOUT_MS" not in env
    assert hook_config["DATABASE_STATEMENT_TIMEOUT_MS"] == "30000"
    assert hook_config["DATABASE_POOL_MODE"] == "session"


def test_the_migration_lock_timeout_cannot_be_disabled(chart):
    with pytest.raises(helm.HelmValuesError, match="lockTimeoutMs"):
        chart.validate_schema({"migrations": {"lockTimeoutMs": 0}})


def test_failed_scheduled_publishing_runs_outlive_the_metrics_scrape(chart):
    cronjob = manifest_one(_render(chart, {}), "CronJob")

    assert cronjob.doc["spec"]["jobTemplate"]["spec"]["ttlSecondsAfterFinished"] >= 3600


# ------------------------------------------------------------------ alert routing


def test_rule_labels_reach_every_alert_without_overriding_severity(chart):
    if not RULES_COPY.is_file():
        pytest.skip("the alert rules are not synced into the chart yet")
    values = {
        "prometheusRule": {
            "enabled": True,
            "runbookBaseUrl": "https://git.example.com/ops/blog/-/blob/main/",
            "ruleLabels": {"team": "web", "severity": "info"},
        }
    }

    rule = manifest_one(_render(chart, values), "PrometheusRule")

    rules = [r for group in rule.doc["spec"]["groups"] for r in group["rules"]]
    alerts = [r for r in rules if "alert" in r]
    assert alerts and all(a["labels"]["team"] == "web" for a in alerts)
    assert {a["labels"]["severity"] for a in alerts} == {"critical", "warning"}
    assert all("labels" not in r for r in rules if "record" in r)
    for alert in alerts:
        assert alert["annotations"]["runbook_url"] == (
            "https://git.example.com/ops/blog/-/blob/main/docs/operations.md#"
            + alert["alert"].lower()
        )


def test_the_prometheusrule_needs_a_runbook_base_url(chart):
    if not RULES_COPY.is_file():
        pytest.skip("the alert rules are not synced into the chart yet")

    message = _render_error(chart, {"prometheusRule": {"enabled": True}})

    assert "prometheusRule.runbookBaseUrl is required" in message


# ------------------------------------------------------------------ the values files


@pytest.mark.parametrize("values_file", ENVIRONMENTS)
def test_every_example_value_is_marked_as_a_placeholder(values_file):
    """Account ids, example hosts, ARNs and ids must be replaced; each says so."""
    example = re.compile(
        r"123456789012|example\.com|EXAMPLE|sg-0|10\.0\.0\.0/16|github\.com/example"
    )

    unmarked = [
        line
        for line in (CHART_DIR / values_file).read_text().splitlines()
        if example.search(line.split("#", 1)[0]) and "# PLACEHOLDER" not in line
    ]

    assert unmarked == []
