"""The deploy guide's one `helm upgrade --install` command renders a valid production release."""

import itertools
import re
import shlex

import helm_python as helm
import kubernetes_validate
import yaml

from tests.chart.manifests import (
    CHART_DIR,
    CRD_KINDS,
    REPO_ROOT,
    chart_render,
    manifest_one,
    values_missing_copies,
)


def _deploy_command():
    readme = (REPO_ROOT / "docs" / "deploying.md").read_text()
    section = readme.split("## Deploy: one command", 1)[1]
    (block,) = re.findall(r"```console\n(helm upgrade --install .*?)```", section, flags=re.S)
    return shlex.split(block.replace("\\\n", " "))


def test_deploy_command_is_an_atomic_waiting_upgrade_of_this_chart():
    argv = _deploy_command()

    assert argv[:5] == ["helm", "upgrade", "--install", "blog", "charts/blog"]
    assert {"--atomic", "--wait", "--create-namespace"} <= set(argv)


def test_deploy_command_renders_valid_manifests(chart):
    argv = _deploy_command()
    values = {}
    for flag, value in itertools.pairwise(argv):
        if flag == "-f":
            values = helm_merge(values, yaml.safe_load((REPO_ROOT / value).read_text()))
        elif flag == "--set":
            values = helm_merge(values, helm.parse_set_string(value.replace("<digest>", "a" * 64)))
    assert not values_missing_copies(values=values), "run `make chart-sync`"
    assert REPO_ROOT / argv[4] == CHART_DIR

    manifests = chart_render(chart, values=values, namespace="blog")["manifests"]

    web = manifest_one(manifests, "Deployment").doc["spec"]["template"]["spec"]
    assert web["containers"][0]["image"].endswith("@sha256:" + "a" * 64)
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest.doc, "1.33.0", strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            assert manifest.kind in CRD_KINDS


def helm_merge(base, override):
    """Helm's value merge: maps merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
