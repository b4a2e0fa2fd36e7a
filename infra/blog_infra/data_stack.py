"""The regional half: what the pods talk to (RDS, ElastiCache, the media bucket) and who they
are when they do (IRSA roles), in the EKS cluster's own region and VPC.

The cluster is taken as given and imported by attributes, never looked up, so synth is
offline. Every output names the chart value it feeds (docs/infrastructure.md).
"""

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from blog_infra.config import PlatformConfig
from blog_infra.nag import nag_acknowledge
from blog_infra.naming import media_bucket_name, origin_secret_name

# The chart's budget check (`database.maxConnections`) is computed against this number, so it
# is set explicitly rather than left to RDS's memory-derived default.
DATABASE_MAX_CONNECTIONS = 400
# The minor version is pinned so a synth is reproducible; RDS applies newer minors itself
# (auto_minor_version_upgrade) in the maintenance window.
POSTGRES_VERSION = rds.PostgresEngineVersion.VER_17_6


class BlogDataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        vpc = ec2.Vpc.from_vpc_attributes(
            self,
            "Vpc",
            vpc_id=config.vpc_id,
            vpc_cidr_block=config.vpc_cidr,
            availability_zones=config.availability_zones,
            private_subnet_ids=config.private_subnet_ids,
        )
        private = ec2.SubnetSelection(subnets=vpc.private_subnets)
        cluster_sg = ec2.SecurityGroup.from_security_group_id(
            self, "EksClusterSecurityGroup", config.eks_cluster_security_group_id, mutable=False
        )

        logs = self._access_logs_bucket()
        media = self._media_bucket(logs=logs)
        database = self._database(vpc=vpc, private=private, cluster_sg=cluster_sg)
        cache_endpoint, cache_token = self._cache(vpc=vpc, cluster_sg=cluster_sg)
        origin_secret = self._origin_secret()
        app_role = self._app_role(media=media)
        collector_role = self._collector_role()

        outputs = {
            "MediaBucketName": (media.bucket_name, "config.AWS_STORAGE_BUCKET_NAME"),
            "AppRoleArn": (app_role.role_arn, "serviceAccount.roleArn"),
            "CollectorRoleArn": (
                collector_role.role_arn,
                "the ADOT collector service account's eks.amazonaws.com/role-arn",
            ),
            "DatabaseEndpoint": (
                database.db_instance_endpoint_address,
                "DATABASE_URL host in the app Secret (externalSecret.remoteKey)",
            ),
            "DatabaseSecretArn": (
                database.secret.secret_arn,
                "DATABASE_URL credentials (externalSecret.remoteKey)",
            ),
            "DatabaseMaxConnections": (
                str(DATABASE_MAX_CONNECTIONS),
                "database.maxConnections",
            ),
            "CacheEndpoint": (cache_endpoint, "REDIS_URL host (rediss://) in the app Secret"),
            "CacheAuthTokenSecretArn": (cache_token.secret_arn, "REDIS_URL password"),
            "OriginSecretName": (
                origin_secret.secret_name,
                "ORIGIN_SECRET in the app Secret (edge lock)",
            ),
        }
        for name, (value, chart_value) in outputs.items():
            CfnOutput(self, name, value=value, description=f"Chart: {chart_value}")

    def _access_logs_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        nag_acknowledge(
            bucket,
            rule="AwsSolutions-S1",
            reason="This is the server-access-log bucket; logging it into itself would loop.",
        )
        return bucket

    def _media_bucket(self, *, logs: s3.Bucket) -> s3.Bucket:
        """Versioned, so a deleted or overwritten upload can be restored (the DR runbook)."""
        bucket = s3.Bucket(
            self,
            "Media",
            bucket_name=media_bucket_name(config=self.config),
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=logs,
            server_access_logs_prefix="media/",
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(90)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        # CloudFront (the edge stack, us-east-1) reads through Origin Access Control. The
        # distribution's id is not known here (it is created after this stack), so the grant
        # is scoped to this account's distributions.
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[bucket.arn_for_objects("*")],
                principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
                conditions={
                    "StringEquals": {"AWS:SourceAccount": self.config.account},
                    "ArnLike": {
                        "AWS:SourceArn": f"arn:aws:cloudfront::{self.config.account}:distribution/*"
                    },
                },
            )
        )
        return bucket

    def _database(
        self, *, vpc: ec2.IVpc, private: ec2.SubnetSelection, cluster_sg: ec2.ISecurityGroup
    ) -> rds.DatabaseInstance:
        """Multi-AZ, encrypted, point-in-time recovery for the retention window."""
        sg = ec2.SecurityGroup(
            self, "DatabaseSecurityGroup", vpc=vpc, description="PostgreSQL from EKS pods"
        )
        sg.add_ingress_rule(cluster_sg, ec2.Port.tcp(5432), "EKS pods")
        parameters = rds.ParameterGroup(
            self,
            "DatabaseParameters",
            engine=rds.DatabaseInstanceEngine.postgres(version=POSTGRES_VERSION),
            parameters={
                "rds.force_ssl": "1",
                "max_connections": str(DATABASE_MAX_CONNECTIONS),
                "log_min_duration_statement": "500",
                # Idle transactions hold locks a migration's lock_timeout would then wait on.
                "idle_in_transaction_session_timeout": "60000",
            },
        )
        database = rds.DatabaseInstance(
            self,
            "Database",
            engine=rds.DatabaseInstanceEngine.postgres(version=POSTGRES_VERSION),
            instance_type=ec2.InstanceType(self.config.database_instance_class),
            vpc=vpc,
            vpc_subnets=private,
            security_groups=[sg],
            multi_az=True,
            storage_encrypted=True,
            allocated_storage=self.config.database_allocated_storage_gib,
            max_allocated_storage=self.config.database_allocated_storage_gib * 4,
            storage_type=rds.StorageType.GP3,
            backup_retention=Duration.days(self.config.database_backup_retention_days),
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            removal_policy=RemovalPolicy.SNAPSHOT,
            credentials=rds.Credentials.from_generated_secret("blog"),
            database_name="blog",
            parameter_group=parameters,
            iam_authentication=True,
            enable_performance_insights=True,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
            auto_minor_version_upgrade=True,
        )
        nag_acknowledge(
            database,
            rule="AwsSolutions-RDS11",
            reason=(
                "The default port is kept: PgBouncer, RDS Proxy and the chart assume 5432, "
                "and the security group (EKS pods only) is the boundary, not the port number."
            ),
        )
        nag_acknowledge(
            database.node.find_child("Secret"),
            rule="AwsSolutions-SMG4",
            reason=(
                "The app reads DATABASE_URL through External Secrets; rotation is a planned "
                "runbook step (docs/operations.md) because a rotated password must reach every "
                "pod's connection pool before the old one is revoked."
            ),
        )
        return database

    def _cache(
        self, *, vpc: ec2.IVpc, cluster_sg: ec2.ISecurityGroup
    ) -> tuple[str, secretsmanager.Secret]:
        """Redis with a replica in another zone and automatic failover, TLS and AUTH."""
        sg = ec2.SecurityGroup(self, "CacheSecurityGroup", vpc=vpc, description="Redis from EKS")
        sg.add_ingress_rule(cluster_sg, ec2.Port.tcp(6379), "EKS pods")
        subnets = elasticache.CfnSubnetGroup(
            self,
            "CacheSubnets",
            description="Private subnets of the EKS VPC",
            subnet_ids=[subnet.subnet_id for subnet in vpc.private_subnets],
        )
        token = secretsmanager.Secret(
            self,
            "CacheAuthToken",
            description="Redis AUTH token (REDIS_URL password)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=64
            ),
        )
        nag_acknowledge(
            token,
            rule="AwsSolutions-SMG4",
            reason=(
                "ElastiCache AUTH rotation needs a ROTATE then SET sequence against the "
                "replication group; it is a runbook step (docs/operations.md), not a Lambda."
            ),
        )
        group = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_description=f"blog-cms {self.config.environment}",
            engine="redis",
            engine_version="7.1",
            cache_node_type=self.config.cache_node_type,
            num_node_groups=1,
            replicas_per_node_group=2 if self.config.production else 1,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=token.secret_value.unsafe_unwrap(),
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[sg.security_group_id],
            snapshot_retention_limit=1,
            port=6379,
        )
        nag_acknowledge(
            group,
            rule="AwsSolutions-AEC5",
            reason="Default port kept; the security group (EKS pods only) is the boundary.",
        )
        return group.attr_primary_end_point_address, token

    def _origin_secret(self) -> secretsmanager.Secret:
        """The header value CloudFront adds and the app requires (the edge lock).

        Replicated to us-east-1, where the edge stack's CloudFront distribution reads it by
        name. Rotation is two-step (the app accepts a list): see docs/operations.md.
        """
        secret = secretsmanager.Secret(
            self,
            "OriginSecret",
            secret_name=origin_secret_name(config=self.config),
            description="Value of the origin-lock header CloudFront sends to the ALB",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
            replica_regions=[secretsmanager.ReplicaRegion(region="us-east-1")]
            if self.config.region != "us-east-1"
            else None,
        )
        nag_acknowledge(
            secret,
            rule="AwsSolutions-SMG4",
            reason=(
                "Rotation must add the new value to the app's accepted list before CloudFront "
                "sends it; it is the two-step runbook in docs/operations.md."
            ),
        )
        return secret

    def _irsa_role(self, construct_id: str, *, namespace: str, service_account: str) -> iam.Role:
        issuer = self.config.eks_oidc_issuer
        return iam.Role(
            self,
            construct_id,
            assumed_by=iam.FederatedPrincipal(
                self.config.eks_oidc_provider_arn,
                conditions={
                    "StringEquals": {
                        f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
                assume_role_action="sts:AssumeRoleWithWebIdentity",
            ),
            description=f"IRSA: {namespace}/{service_account}",
        )

    def _app_role(self, *, media: s3.Bucket) -> iam.Role:
        role = self._irsa_role(
            "AppRole", namespace=self.config.namespace, service_account=self.config.service_account
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[media.arn_for_objects("media/*")],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[media.bucket_arn])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                resources=[f"arn:aws:cloudfront::{self.config.account}:distribution/*"],
            )
        )
        nag_acknowledge(
            role,
            rule=f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(media.node.default_child)}.Arn>/media/*]",
            reason="Uploads and renditions are objects under the media/ prefix of one bucket.",
        )
        nag_acknowledge(
            role,
            rule=f"AwsSolutions-IAM5[Resource::arn:aws:cloudfront::{self.config.account}:distribution/*]",
            reason=(
                "The distribution lives in the us-east-1 edge stack, created after this one; "
                "the grant is limited to invalidations in this account."
            ),
        )
        return role

    def _collector_role(self) -> iam.Role:
        role = self._irsa_role(
            "CollectorRole",
            namespace=self.config.collector_namespace,
            service_account=self.config.collector_service_account,
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                ],
                resources=["*"],
            )
        )
        nag_acknowledge(
            role,
            rule="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray's write actions support no resource-level permissions.",
        )
        return role
