"""Names both stacks agree on without a cross-region reference (the edge stack is in
us-east-1, the data stack in the cluster's region)."""

from blog_infra.config import PlatformConfig


def media_bucket_name(*, config: PlatformConfig) -> str:
    return f"blog-cms-media-{config.environment}-{config.account}"


def origin_secret_name(*, config: PlatformConfig) -> str:
    return f"blog-cms/{config.environment}/origin-secret"


# The header CloudFront adds on every origin request and the app requires (ORIGIN_SECRET_HEADER).
ORIGIN_SECRET_HEADER = "X-Origin-Verify"  # noqa: S105 (a header name, not its value)
