"""The edge half, in us-east-1 (where CloudFront's certificate and WAF must live).

CloudFront keeps the seed's behaviours: static files for a year, the API and public pages
following the origin's ``Cache-Control`` (60 s when it says nothing), the admin never cached.
Every origin request carries the origin-lock header, whose value comes from the secret the data
stack replicates here; the app refuses requests without it (docs/infrastructure.md, "Edge lock").
"""

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from blog_infra.config import PlatformConfig
from blog_infra.nag import nag_acknowledge
from blog_infra.naming import ORIGIN_SECRET_HEADER, media_bucket_name, origin_secret_name

API_DEFAULT_TTL = Duration.seconds(60)
STATIC_TTL = Duration.days(365)


def _rule_visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


class BlogEdgeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        web_acl = self._web_acl()
        logs = self._logs_bucket()

        # Resolved by CloudFormation at deploy time from the replica in this region; the value
        # never appears in the template or in cdk.out.
        origin_secret = (
            f"{{{{resolve:secretsmanager:{origin_secret_name(config=config)}:SecretString}}}}"
        )
        app = origins.HttpOrigin(
            config.alb_domain_name,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            custom_headers={ORIGIN_SECRET_HEADER: origin_secret},
            read_timeout=Duration.seconds(30),
        )
        media_bucket = s3.Bucket.from_bucket_attributes(
            self, "Media", bucket_name=media_bucket_name(config=config), region=config.region
        )
        media = origins.S3BucketOrigin.with_origin_access_control(media_bucket)

        api_cache = cloudfront.CachePolicy(
            self,
            "ApiFollowsOrigin",
            comment="API and public pages: the origin's Cache-Control, 60 s when it is silent",
            default_ttl=API_DEFAULT_TTL,
            min_ttl=Duration.seconds(0),
            max_ttl=Duration.days(1),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            header_behavior=cloudfront.CacheHeaderBehavior.allow_list("Origin"),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        static_cache = cloudfront.CachePolicy(
            self,
            "StaticOneYear",
            comment="Hashed static files: one year",
            default_ttl=STATIC_TTL,
            min_ttl=STATIC_TTL,
            max_ttl=STATIC_TTL,
            query_string_behavior=cloudfront.CacheQueryStringBehavior.none(),
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        api_request = cloudfront.OriginRequestPolicy(
            self,
            "ApiOriginRequest",
            comment="API keys and request ids reach the app; cookies never do",
            header_behavior=cloudfront.OriginRequestHeaderBehavior.allow_list(
                "X-API-Key", "X-Request-ID", "X-Amzn-Trace-Id"
            ),
            query_string_behavior=cloudfront.OriginRequestQueryStringBehavior.all(),
            cookie_behavior=cloudfront.OriginRequestCookieBehavior.none(),
        )

        def app_behavior(cache_policy, *, request_policy, methods) -> cloudfront.BehaviorOptions:
            return cloudfront.BehaviorOptions(
                origin=app,
                cache_policy=cache_policy,
                origin_request_policy=request_policy,
                allowed_methods=methods,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                compress=True,
            )

        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"blog-cms {config.environment}",
            domain_names=[config.cms_host, config.media_host],
            certificate=acm.Certificate.from_certificate_arn(
                self, "Certificate", config.cloudfront_certificate_arn
            ),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            web_acl_id=web_acl.attr_arn,
            enable_logging=True,
            log_bucket=logs,
            log_file_prefix="cloudfront/",
            default_behavior=app_behavior(
                api_cache,
                request_policy=api_request,
                methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
            ),
            additional_behaviors={
                "/static/*": app_behavior(
                    static_cache,
                    request_policy=None,
                    methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                ),
                "/admin/*": app_behavior(
                    cloudfront.CachePolicy.CACHING_DISABLED,
                    request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER,
                    methods=cloudfront.AllowedMethods.ALLOW_ALL,
                ),
                "/media/*": cloudfront.BehaviorOptions(
                    origin=media,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    compress=True,
                ),
            },
        )
        nag_acknowledge(
            distribution,
            rule="AwsSolutions-CFR1",
            reason="A public blog serves every country; abuse is handled by the WAF rules.",
        )
        self.distribution = distribution

        for name, value, chart_value in (
            ("DistributionId", distribution.distribution_id, "config.CLOUDFRONT_DISTRIBUTION_ID"),
            ("DistributionDomainName", distribution.domain_name, "DNS: CNAME of the CMS host"),
            ("WebAclArn", web_acl.attr_arn, "none (attached to the distribution)"),
        ):
            CfnOutput(self, name, value=value, description=f"Chart: {chart_value}")

    def _web_acl(self) -> wafv2.CfnWebACL:
        """AWS's common and known-bad-input rules, then a per-IP rate limit."""

        def managed(name: str, priority: int, *, excluded: tuple[str, ...] = ()):
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS",
                        name=name,
                        # Count, not block: the admin uploads images larger than the rule's
                        # 8 KB body limit, and the app bounds uploads itself.
                        rule_action_overrides=[
                            wafv2.CfnWebACL.RuleActionOverrideProperty(
                                name=rule,
                                action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}),
                            )
                            for rule in excluded
                        ]
                        or None,
                    )
                ),
                visibility_config=_rule_visibility(name),
            )

        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_rule_visibility("blog-cms"),
            rules=[
                managed("AWSManagedRulesCommonRuleSet", 0, excluded=("SizeRestrictions_BODY",)),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 1),
                wafv2.CfnWebACL.RuleProperty(
                    name="RatePerIp",
                    priority=2,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=self.config.rate_limit_per_5_minutes,
                            aggregate_key_type="IP",
                            evaluation_window_sec=300,
                        )
                    ),
                    visibility_config=_rule_visibility("RatePerIp"),
                ),
            ],
        )

    def _logs_bucket(self) -> s3.Bucket:
        # CloudFront's standard logs are written with an ACL, so this bucket allows them.
        bucket = s3.Bucket(
            self,
            "CloudFrontLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        nag_acknowledge(
            bucket,
            rule="AwsSolutions-S1",
            reason="This is the CloudFront log bucket; logging it into itself would loop.",
        )
        return bucket
