"""The synthesized templates keep the promises docs/deploying.md makes, and cdk-nag gates
synth. The app is synthesized once per module (15-60 s); each test reads the templates."""

import json
from pathlib import Path

import pytest
from aws_cdk import aws_s3 as s3

from app import app_build, cdk_json_context

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy id
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    app_build(context=cdk_json_context(), outdir=str(outdir)).synth()
    return {
        path.name.split(".")[0]: json.loads(path.read_text())
        for path in outdir.glob("*.template.json")
    }


def _one(template: dict, resource_type: str) -> dict:
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == resource_type]
    return resource["Properties"]


def _cache_policy(edge: dict, ref: dict) -> dict:
    if "Ref" not in ref:
        return {"managed": ref}
    return edge["Resources"][ref["Ref"]]["Properties"]["CachePolicyConfig"]


def test_cloudfront_keeps_static_a_year_follows_the_api_origin_and_never_caches_the_admin(
    templates,
):
    edge = templates["BlogEdgeProduction"]
    config = _one(edge, "AWS::CloudFront::Distribution")["DistributionConfig"]
    default = _cache_policy(edge, config["DefaultCacheBehavior"]["CachePolicyId"])
    assert (default["DefaultTTL"], default["MinTTL"]) == (60, 0)
    by_path = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    static = _cache_policy(edge, by_path["/static/*"]["CachePolicyId"])
    assert static["DefaultTTL"] == static["MinTTL"] == ONE_YEAR
    assert by_path["/admin/*"]["CachePolicyId"] == CACHING_DISABLED
    assert "POST" in by_path["/admin/*"]["AllowedMethods"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_every_request_to_the_app_carries_the_origin_lock_header_from_the_secret(templates):
    edge = templates["BlogEdgeProduction"]
    config = _one(edge, "AWS::CloudFront::Distribution")["DistributionConfig"]
    (app_origin,) = [o for o in config["Origins"] if "CustomOriginConfig" in o]
    (header,) = app_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Origin-Verify"
    # A dynamic reference: the value itself is never in the template.
    assert header["HeaderValue"].startswith("{{resolve:secretsmanager:blog-cms/production/")
    assert app_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


def test_the_waf_limits_each_ip_and_guards_the_distribution(templates):
    edge = templates["BlogEdgeProduction"]
    acl = _one(edge, "AWS::WAFv2::WebACL")
    assert acl["Scope"] == "CLOUDFRONT"
    (rate,) = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert "Block" in rate["Action"]
    config = _one(edge, "AWS::CloudFront::Distribution")["DistributionConfig"]
    assert "WebACLId" in config


def test_the_database_is_multi_az_encrypted_with_point_in_time_recovery(templates):
    data = templates["BlogDataProduction"]
    db = _one(data, "AWS::RDS::DBInstance")
    assert db["MultiAZ"] is True
    assert db["StorageEncrypted"] is True
    assert db["BackupRetentionPeriod"] == 14
    assert db["DeletionProtection"] is True
    params = _one(data, "AWS::RDS::DBParameterGroup")["Parameters"]
    assert params["rds.force_ssl"] == "1"


def test_redis_fails_over_across_zones_with_tls_and_auth(templates):
    cache = _one(templates["BlogDataProduction"], "AWS::ElastiCache::ReplicationGroup")
    assert cache["AutomaticFailoverEnabled"] is True
    assert cache["MultiAZEnabled"] is True
    assert cache["TransitEncryptionEnabled"] is True
    assert cache["AtRestEncryptionEnabled"] is True
    assert "resolve:secretsmanager" in json.dumps(cache["AuthToken"])


def test_the_media_bucket_is_versioned_private_and_readable_only_by_cloudfront(templates):
    data = templates["BlogDataProduction"]
    (media,) = [
        r["Properties"]
        for r in data["Resources"].values()
        if r["Type"] == "AWS::S3::Bucket" and "blog-cms-media" in str(r["Properties"])
    ]
    assert media["VersioningConfiguration"]["Status"] == "Enabled"
    assert all(media["PublicAccessBlockConfiguration"].values())
    policies = json.dumps(
        [r for r in data["Resources"].values() if r["Type"] == "AWS::S3::BucketPolicy"]
    )
    assert "cloudfront.amazonaws.com" in policies


def test_irsa_roles_trust_only_their_own_service_accounts(templates):
    data = templates["BlogDataProduction"]
    trusts = [
        json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
        for r in data["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    ]
    assert any("system:serviceaccount:blog:blog" in t for t in trusts)
    collector = "system:serviceaccount:opentelemetry-operator-system:adot-collector"
    assert any(collector in t for t in trusts)
    assert all("sts:AssumeRoleWithWebIdentity" in t for t in trusts)


def test_every_output_names_the_chart_value_it_feeds(templates):
    outputs = {
        name: output
        for template in templates.values()
        for name, output in template.get("Outputs", {}).items()
    }
    assert {"MediaBucketName", "AppRoleArn", "DistributionId", "DatabaseMaxConnections"} <= set(
        outputs
    )
    assert all(o["Description"].startswith("Chart: ") for o in outputs.values())
    docs = (Path(__file__).resolve().parents[2] / "docs" / "infrastructure.md").read_text()
    for name in outputs:
        assert f"`{name}`" in docs, f"docs/infrastructure.md does not explain output {name}"


def test_an_unacknowledged_cdk_nag_error_fails_the_synth(tmp_path):
    app = app_build(context=cdk_json_context(), outdir=str(tmp_path))
    data = app.node.find_child("BlogDataProduction")
    s3.Bucket(data, "Careless")  # no TLS enforcement, no access logs: AwsSolutions-S1/S10
    with pytest.raises(RuntimeError, match=r"ValidationFailed[\s\S]*AwsSolutions-S10"):
        app.synth()
