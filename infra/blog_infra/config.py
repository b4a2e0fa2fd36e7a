"""What the stack needs to know about the account it lands in, read once from CDK context.

Everything here is an input the platform team owns (the VPC, the EKS cluster's OIDC
provider, the public host names, the CloudFront certificate); the stack creates the rest.
Defaults live in ``cdk.json`` and are placeholders: override them per environment with
``-c key=value`` or a ``cdk.context.json``. Nothing is looked up from AWS at synth time,
so synth runs offline and is reproducible.
"""

from dataclasses import dataclass

from constructs import Node

REQUIRED = (
    "account",
    "region",
    "environment",
    "vpcId",
    "vpcCidr",
    "availabilityZones",
    "privateSubnetIds",
    "eksClusterName",
    "eksOidcProviderArn",
    "eksOidcIssuer",
    "eksClusterSecurityGroupId",
    "namespace",
    "serviceAccount",
    "collectorNamespace",
    "collectorServiceAccount",
    "albDomainName",
    "cmsHost",
    "mediaHost",
    "cloudFrontCertificateArn",
)


@dataclass(frozen=True, kw_only=True)
class PlatformConfig:
    account: str
    region: str
    environment: str  # "staging" or "production": names resources and picks sizes
    vpc_id: str
    vpc_cidr: str
    availability_zones: list[str]
    private_subnet_ids: list[str]
    eks_cluster_name: str
    eks_oidc_provider_arn: str
    eks_oidc_issuer: str  # without https://, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC
    eks_cluster_security_group_id: str
    namespace: str
    service_account: str
    collector_namespace: str
    collector_service_account: str
    alb_domain_name: str  # the ALB the chart's Ingress creates (CloudFront's origin)
    cms_host: str
    media_host: str
    cloudfront_certificate_arn: str  # ACM, us-east-1 (CloudFront's requirement)
    database_instance_class: str = "m7g.large"
    database_allocated_storage_gib: int = 100
    database_backup_retention_days: int = 14
    cache_node_type: str = "cache.m7g.large"
    rate_limit_per_5_minutes: int = 3000

    @property
    def production(self) -> bool:
        return self.environment == "production"


def platform_config_from_context(*, node: Node) -> PlatformConfig:
    """Read the context keys, failing with the name of every one that is missing."""
    missing = [key for key in REQUIRED if node.try_get_context(key) in (None, "")]
    if missing:
        raise ValueError(f"missing CDK context: {', '.join(missing)} (see infra/cdk.json)")

    def get(key: str):
        return node.try_get_context(key)

    def listed(key: str) -> list[str]:
        value = get(key)
        return value if isinstance(value, list) else [v for v in str(value).split(",") if v]

    optional = {
        "database_instance_class": get("databaseInstanceClass"),
        "database_allocated_storage_gib": get("databaseAllocatedStorageGib"),
        "database_backup_retention_days": get("databaseBackupRetentionDays"),
        "cache_node_type": get("cacheNodeType"),
        "rate_limit_per_5_minutes": get("rateLimitPer5Minutes"),
    }
    return PlatformConfig(
        account=str(get("account")),
        region=get("region"),
        environment=get("environment"),
        vpc_id=get("vpcId"),
        vpc_cidr=get("vpcCidr"),
        availability_zones=listed("availabilityZones"),
        private_subnet_ids=listed("privateSubnetIds"),
        eks_cluster_name=get("eksClusterName"),
        eks_oidc_provider_arn=get("eksOidcProviderArn"),
        eks_oidc_issuer=get("eksOidcIssuer").removeprefix("https://"),
        eks_cluster_security_group_id=get("eksClusterSecurityGroupId"),
        namespace=get("namespace"),
        service_account=get("serviceAccount"),
        collector_namespace=get("collectorNamespace"),
        collector_service_account=get("collectorServiceAccount"),
        alb_domain_name=get("albDomainName"),
        cms_host=get("cmsHost"),
        media_host=get("mediaHost"),
        cloudfront_certificate_arn=get("cloudFrontCertificateArn"),
        **{k: v for k, v in optional.items() if v is not None},
    )
