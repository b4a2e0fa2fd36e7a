"""What matters in the rendered objects: hooks, scaling bounds, probes, pod security,
labels, the timeout chain, and that no secret ever lands in a ConfigMap."""

import helm_python as helm
import pytest

from tests.chart.manifests import (
    COLLECTOR_COPY,
    chart_render,
    manifest_one,
    manifests_of_kind,
    pod_specs,
)

HOOK = "helm.sh/hook"
HOOK_WEIGHT = "helm.sh/hook-weight"
HOOK_DELETE = "helm.sh/hook-delete-policy"
RECOMMENDED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "helm.sh/chart",
)
CHART_SECRET = {
    "secret": {
        "create": True,
        "existingSecret": "",
        "values": {
            "DJANGO_SECRET_KEY": "s3cr3t-key-for-the-test-only",
            "DATABASE_URL": "postgres://blog:db-password-xyz@db:5432/blog",
            "REDIS_URL": "redis://:redis-password-xyz@cache:6379/0",
        },
    }
}


def _web(manifests):
    deployment = manifest_one(manifests, "Deployment")
    spec = deployment.doc["spec"]["template"]["spec"]
    (container,) = [c for c in spec["containers"] if c["name"] == "blog"]
    return deployment, spec, container


def _config(manifests, name="blog"):
    return manifest_one(manifests, "ConfigMap", name).doc["data"]


def test_migrations_run_as_a_pre_install_pre_upgrade_hook_that_blocks_the_release(chart):
    manifests = chart_render(chart)["manifests"]

    job = manifest_one(manifests, "Job", "blog-migrate")

    assert job.annotations[HOOK] == "pre-install,pre-upgrade"
    assert job.annotations[HOOK_WEIGHT] == "0"
    # Succeeded Jobs go; a failed one stays for `kubectl logs` until the next attempt.
    assert job.annotations[HOOK_DELETE] == "before-hook-creation,hook-succeeded"
    spec = job.doc["spec"]
    assert spec["backoffLimit"] == 1
    assert spec["activeDeadlineSeconds"] == 600
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["command"] == ["python", "manage.py", "migrate_online", "--attempts=5"]
    _, _, web = _web(manifests)
    assert container["image"] == web["image"] == "blog-cms:0.1.0"


def test_migration_hook_reads_credentials_that_exist_before_the_release_objects(chart):
    """A pre-install hook runs before the release's own ConfigMap, Secret and ServiceAccount."""
    for values in ({}, CHART_SECRET, {"externalSecret": {"enabled": True}}):
        manifests = chart_render(chart, values=values)["manifests"]
        job = manifest_one(manifests, "Job", "blog-migrate")
        pod = job.doc["spec"]["template"]["spec"]
        env_from = pod["containers"][0]["envFrom"]
        config_name = env_from[0]["configMapRef"]["name"]
        secret_name = env_from[1]["secretRef"]["name"]
        job_weight = int(job.annotations[HOOK_WEIGHT])

        config = manifest_one(manifests, "ConfigMap", config_name)
        assert "pre-install" in config.annotations[HOOK]
        assert int(config.annotations[HOOK_WEIGHT]) < job_weight
        assert config.doc["data"] == _config(manifests), "the hook sees the same settings"
        if values is CHART_SECRET:
            source = manifest_one(manifests, "Secret", secret_name)
        elif values.get("externalSecret"):
            source = manifest_one(manifests, "ExternalSecret", secret_name)
            assert source.doc["spec"]["target"]["name"] == secret_name
        else:
            source = None
            assert secret_name == "blog-env", "a Secret made outside the release"
            assert not manifests_of_kind(manifests, "Secret")
        if source is not None:
            assert "pre-install" in source.annotations[HOOK]
            assert int(source.annotations[HOOK_WEIGHT]) < job_weight
        # The chart's ServiceAccount does not exist yet at pre-install.
        assert pod["serviceAccountName"] == "default"
        assert pod["automountServiceAccountToken"] is False


def test_upgrade_renders_the_same_hooks(chart):
    manifests = chart_render(chart, is_upgrade=True)["manifests"]

    job = manifest_one(manifests, "Job", "blog-migrate")

    assert "pre-upgrade" in job.annotations[HOOK]


def test_hpa_scales_one_to_ten_on_cpu_with_scale_down_stabilisation(chart):
    manifests = chart_render(chart)["manifests"]

    hpa = manifest_one(manifests, "HorizontalPodAutoscaler").doc

    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "blog",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (1, 10)
    assert hpa["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 70},
            },
        }
    ]
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 300
    # The HPA owns the replica count: the Deployment must not fight it on every upgrade.
    assert "replicas" not in manifest_one(manifests, "Deployment").doc["spec"]


def test_hpa_adds_the_requests_per_pod_metric_when_enabled(chart):
    values = {"autoscaling": {"requestsPerPod": {"enabled": True, "averageValue": "40"}}}

    hpa = manifest_one(chart_render(chart, values=values)["manifests"], "HorizontalPodAutoscaler")

    pods_metric = hpa.doc["spec"]["metrics"][1]
    assert pods_metric == {
        "type": "Pods",
        "pods": {
            "metric": {"name": "http_requests_per_second"},
            "target": {"type": "AverageValue", "averageValue": "40"},
        },
    }


def test_without_autoscaling_the_deployment_sets_replicas(chart):
    values = {"autoscaling": {"enabled": False}, "replicaCount": 3}

    manifests = chart_render(chart, values=values)["manifests"]

    assert manifest_one(manifests, "Deployment").doc["spec"]["replicas"] == 3
    assert not manifests_of_kind(manifests, "HorizontalPodAutoscaler")


def test_rolling_update_never_drops_below_the_wanted_pods(chart):
    deployment, _, _ = _web(chart_render(chart)["manifests"])

    strategy = deployment.doc["spec"]["strategy"]

    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0


def test_probes_use_health_endpoints_on_the_http_port(chart):
    _, _, web = _web(chart_render(chart)["manifests"])

    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert web[probe]["httpGet"]["port"] == "http"
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    assert ports == {"http": 8000, "metrics": 9100}


@pytest.mark.parametrize(
    "values",
    [{}, {"tracing": {"enabled": True, "mode": "daemonset"}}, CHART_SECRET],
    ids=["defaults", "tracing", "chart-secret"],
)
def test_every_pod_meets_the_restricted_pod_security_standard(chart, values):
    manifests = chart_render(chart, values=values)["manifests"]

    specs = pod_specs(manifests)

    assert {m.kind for m, _ in specs} == {"Deployment", "Job", "CronJob", "Pod"}
    for manifest, spec in specs:
        assert spec["securityContext"]["runAsNonRoot"] is True, manifest.template
        if manifest.kind != "Pod":
            assert spec["enableServiceLinks"] is False, manifest.template
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        mounts_by_volume = {v["name"] for v in spec["volumes"]}
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, manifest.template
            assert context["readOnlyRootFilesystem"] is True, manifest.template
            assert context["capabilities"] == {"drop": ["ALL"]}, manifest.template
            assert context["runAsNonRoot"] is True
            assert context["runAsUser"] != 0
            assert "resources" in container and container["resources"]["requests"]
            # Writable temp space on the read-only root filesystem.
            assert "/tmp" in {m["mountPath"] for m in container.get("volumeMounts", [])}
            assert {m["name"] for m in container.get("volumeMounts", [])} <= mounts_by_volume


def test_metrics_directory_is_a_writable_volume_named_by_the_environment(chart):
    manifests = chart_render(chart)["manifests"]
    _, spec, web = _web(manifests)

    directory = _config(manifests)["PROMETHEUS_MULTIPROC_DIR"]

    (mount,) = [m for m in web["volumeMounts"] if m["mountPath"] == directory]
    (volume,) = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    assert volume["emptyDir"]["medium"] == "Memory"


def test_grace_period_covers_prestop_and_gunicorns_graceful_timeout(chart):
    manifests = chart_render(chart)["manifests"]
    _, spec, web = _web(manifests)
    config = _config(manifests)

    pre_stop = int(web["lifecycle"]["preStop"]["exec"]["command"][1])
    graceful = int(config["GUNICORN_GRACEFUL_TIMEOUT"])
    keepalive = int(config["GUNICORN_KEEPALIVE"])
    statement_timeout_s = int(config["DATABASE_STATEMENT_TIMEOUT_MS"]) / 1000

    assert web["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"
    assert spec["terminationGracePeriodSeconds"] >= pre_stop + graceful + 5
    assert graceful >= statement_timeout_s
    assert keepalive > 60, "longer than the ALB's idle timeout"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"gunicorn": {"keepalive": 60}}, "gunicorn.keepalive (60 s) must be longer than"),
        (
            {"ingress": {"enabled": True, "alb": {"idleTimeoutSeconds": 90}}},
            "ingress.alb.idleTimeoutSeconds (90 s)",
        ),
        ({"gunicorn": {"gracefulTimeout": 20}}, "gunicorn.gracefulTimeout (20 s) must be at least"),
        ({"terminationGracePeriodSeconds": 40}, "terminationGracePeriodSeconds (40) must be"),
        ({"lifecycle": {"preStopSleepSeconds": 30}}, "(70)"),
    ],
)
def test_a_broken_timeout_chain_refuses_to_render(chart, values, message):
    with pytest.raises(helm.HelmRenderError) as error:
        chart.render(values=values, name="blog", namespace="blog", is_install=True)

    assert "timeout chain" in str(error.value)
    assert message in str(error.value)


def test_every_object_has_the_recommended_labels(chart):
    values = {
        **CHART_SECRET,
        "ingress": {"enabled": True},
        "serviceMonitor": {"enabled": True},
    }
    manifests = chart_render(chart, values=values)["manifests"]

    for manifest in manifests:
        labels = manifest.doc["metadata"]["labels"]
        for key in RECOMMENDED_LABELS:
            assert labels.get(key), f"{manifest.template}: {manifest.kind} lacks {key}"
        assert labels["app.kubernetes.io/name"] == "blog"
        assert labels["app.kubernetes.io/instance"] == "blog"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"


def test_selectors_match_the_web_pods_only(chart):
    values = {"serviceMonitor": {"enabled": True}}
    manifests = chart_render(chart, values=values)["manifests"]
    deployment, _, _ = _web(manifests)
    pod_labels = deployment.doc["spec"]["template"]["metadata"]["labels"]

    selectors = {
        "Deployment": deployment.doc["spec"]["selector"]["matchLabels"],
        "Service": manifest_one(manifests, "Service").doc["spec"]["selector"],
        "PodDisruptionBudget": manifest_one(manifests, "PodDisruptionBudget").doc["spec"][
            "selector"
        ]["matchLabels"],
        "NetworkPolicy": manifest_one(manifests, "NetworkPolicy").doc["spec"]["podSelector"][
            "matchLabels"
        ],
        "ServiceMonitor": manifest_one(manifests, "ServiceMonitor").doc["spec"]["selector"][
            "matchLabels"
        ],
    }

    for kind, selector in selectors.items():
        assert selector.items() <= pod_labels.items(), kind
        assert selector["app.kubernetes.io/component"] == "web", kind
    job_pod = manifest_one(manifests, "Job").doc["spec"]["template"]["metadata"]["labels"]
    assert not selectors["Service"].items() <= job_pod.items(), "the Service skips Job pods"


def test_no_secret_value_lands_in_a_configmap(chart):
    manifests = chart_render(chart, values=CHART_SECRET)["manifests"]

    configmaps = manifests_of_kind(manifests, "ConfigMap")

    assert configmaps
    for configmap in configmaps:
        data = configmap.doc["data"]
        for key, secret in CHART_SECRET["secret"]["values"].items():
            assert key not in data
            assert all(secret not in value for value in data.values())
    (secret,) = [s for s in manifests_of_kind(manifests, "Secret") if HOOK not in s.annotations]
    assert secret.doc["stringData"] == CHART_SECRET["secret"]["values"]
    _, _, web = _web(manifests)
    assert {"secretRef": {"name": secret.name}} in web["envFrom"]


def test_a_credential_in_config_is_refused_with_a_clear_message(chart):
    with pytest.raises(helm.HelmRenderError) as error:
        chart.render(values={"config": {"DJANGO_ADMIN_PASSWORD": "x"}}, name="b", namespace="b")

    assert "config.DJANGO_ADMIN_PASSWORD is a credential" in str(error.value)


def test_config_leaves_empty_values_to_the_applications_defaults(chart):
    data = _config(chart_render(chart)["manifests"])

    assert "IP_BLOCKLIST" not in data
    assert data["TRUSTED_PROXY_COUNT"] == "1"
    assert data["API_RATE_LIMIT"] == "600/min"
    assert data["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    assert data["PORT"] == "8000" and data["METRICS_PORT"] == "9100"
    assert data["OTEL_SDK_DISABLED"] == "true"


def test_settings_changes_roll_the_pods(chart):
    def checksum(values):
        deployment, _, _ = _web(chart_render(chart, values=values)["manifests"])
        return deployment.doc["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum({}) != checksum({"config": {"LOG_LEVEL": "DEBUG"}})
    assert checksum({}) == checksum({})


def test_ingress_is_an_alb_with_acm_tls_and_the_readiness_health_check(chart):
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"
    values = {
        "ingress": {"enabled": True, "host": "cms.example.com", "alb": {"certificateArn": arn}}
    }

    ingress = manifest_one(chart_render(chart, values=values)["manifests"], "Ingress")

    annotations = ingress.annotations
    assert ingress.doc["spec"]["ingressClassName"] == "alb"
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == arn
    assert annotations["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/readyz"
    assert (
        "idle_timeout.timeout_seconds=60"
        in (annotations["alb.ingress.kubernetes.io/load-balancer-attributes"])
    )
    (rule,) = ingress.doc["spec"]["rules"]
    assert rule["host"] == "cms.example.com"
    (app,) = [path for path in rule["http"]["paths"] if path["path"] == "/"]
    backend = app["backend"]["service"]
    assert backend == {"name": "blog", "port": {"name": "http"}}, "never the metrics port"


def test_ingress_without_a_certificate_listens_on_http_only(chart):
    values = {"ingress": {"enabled": True}}

    ingress = manifest_one(chart_render(chart, values=values)["manifests"], "Ingress")

    assert ingress.annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTP": 80}]'
    assert "alb.ingress.kubernetes.io/certificate-arn" not in ingress.annotations


def test_service_account_carries_the_irsa_role(chart):
    arn = "arn:aws:iam::123456789012:role/blog-cms"
    manifests = chart_render(chart, values={"serviceAccount": {"roleArn": arn}})["manifests"]

    account = manifest_one(manifests, "ServiceAccount")

    assert account.annotations["eks.amazonaws.com/role-arn"] == arn
    _, spec, _ = _web(manifests)
    assert spec["serviceAccountName"] == account.name


def test_cronjob_publishes_scheduled_pages_every_minute(chart):
    cron = manifest_one(chart_render(chart)["manifests"], "CronJob").doc

    assert cron["spec"]["schedule"] == "* * * * *"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] < 60, "one run ends before the next starts"
    (container,) = job["template"]["spec"]["containers"]
    assert container["command"] == ["python", "manage.py", "publish_scheduled"]


def test_tracing_to_the_node_collector_uses_the_host_ip(chart):
    values = {"tracing": {"enabled": True, "mode": "daemonset"}}
    manifests = chart_render(chart, values=values)["manifests"]
    _, _, web = _web(manifests)

    env = [e["name"] for e in web["env"]]
    endpoint = next(e for e in web["env"] if e["name"] == "OTEL_EXPORTER_OTLP_ENDPOINT")

    assert endpoint["value"] == "http://$(HOST_IP):4318"
    assert env.index("HOST_IP") < env.index("OTEL_EXPORTER_OTLP_ENDPOINT"), "defined first"
    config = _config(manifests)
    assert config["OTEL_SDK_DISABLED"] == "false"
    assert config["OTEL_PROPAGATORS"] == "tracecontext,baggage,xray"
    assert config["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"


def test_helm_test_checks_readyz_through_the_service(chart):
    pod = manifest_one(chart_render(chart)["manifests"], "Pod").doc

    assert pod["metadata"]["annotations"][HOOK] == "test"
    script = pod["spec"]["containers"][0]["command"][2]
    assert "http://blog:8000/readyz" in script


def test_image_digest_wins_over_the_tag(chart):
    digest = "sha256:" + "a" * 64
    values = {"image": {"repository": "1.dkr.ecr.eu-west-1.amazonaws.com/blog", "digest": digest}}

    manifests = chart_render(chart, values=values)["manifests"]

    for _, spec in pod_specs(manifests):
        assert spec["containers"][0]["image"] == f"1.dkr.ecr.eu-west-1.amazonaws.com/blog@{digest}"


def test_notes_tell_how_to_watch_test_and_roll_back(chart):
    notes = chart_render(chart)["notes"]

    assert "kubectl -n blog rollout status deployment/blog" in notes
    assert "helm test blog -n blog" in notes
    assert "helm rollback blog -n blog" in notes


def test_app_container_is_named_as_the_alerts_and_dashboard_expect(chart):
    """observability/ selects cAdvisor and kube-state-metrics series by container="blog"."""
    _, _, web = _web(chart_render(chart)["manifests"])

    assert web["name"] == "blog"
    # The CPU alert divides usage by the CPU limit: without one it could never fire.
    assert web["resources"]["limits"]["cpu"]
    assert web["resources"]["limits"]["memory"]


def test_tracing_sidecar_collector_starts_first_and_gets_the_app_spans(chart):
    assert COLLECTOR_COPY.is_file(), f"{COLLECTOR_COPY} is missing: run `make chart-sync`"
    values = {
        "tracing": {"enabled": True, "mode": "sidecar", "sidecar": {"awsRegion": "eu-west-1"}}
    }
    manifests = chart_render(chart, values=values)["manifests"]
    _, spec, web = _web(manifests)

    (collector,) = spec["initContainers"]

    assert collector["restartPolicy"] == "Always", "a native sidecar"
    assert collector["startupProbe"]["httpGet"]["port"] == "otel-health"
    collector_env = {e["name"]: e for e in collector["env"]}
    assert collector_env["K8S_POD_IP"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    assert collector_env["AWS_REGION"]["value"] == "eu-west-1"
    endpoint = next(e for e in web["env"] if e["name"] == "OTEL_EXPORTER_OTLP_ENDPOINT")
    assert endpoint["value"] == "http://$(POD_IP):4318"
    config = manifest_one(manifests, "ConfigMap", "blog-otel-collector").doc["data"]["config.yaml"]
    assert config == COLLECTOR_COPY.read_text(encoding="utf-8")
    mount = collector["volumeMounts"][0]
    assert f"{mount['mountPath']}/config.yaml" in collector["args"][0]


def test_tracing_sidecar_needs_a_region(chart):
    values = {"tracing": {"enabled": True, "mode": "sidecar"}}

    with pytest.raises(helm.HelmRenderError, match=r"tracing.sidecar.awsRegion is required"):
        chart.render(values=values, name="blog", namespace="blog")
