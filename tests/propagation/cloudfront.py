"""moto's CloudFront API server on loopback, with one distribution, for the purge tests.

Wagtail's CloudfrontBackend (boto3) reaches it through ``AWS_ENDPOINT_URL_CLOUDFRONT``; a
worker process gets the same variables. What no test here proves is a real distribution
acting on an invalidation.
"""

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from loadtests.servers import port_free


@dataclass
class Distribution:
    client: object
    id: str
    env: dict[str, str]

    def invalidations(self) -> list[list[str]]:
        """The paths of every invalidation created, one list each."""
        found = self.client.list_invalidations(DistributionId=self.id)["InvalidationList"]
        batches = []
        for item in found.get("Items", []):
            got = self.client.get_invalidation(DistributionId=self.id, Id=item["Id"])
            batches.append(got["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
        return batches


@contextlib.contextmanager
def cloudfront_distribution(*, monkeypatch) -> Iterator[Distribution]:
    import boto3
    from moto.server import ThreadedMotoServer

    port = port_free()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {
            "AWS_ENDPOINT_URL_CLOUDFRONT": f"http://127.0.0.1:{port}",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        client = boto3.client("cloudfront")
        distribution = client.create_distribution(
            DistributionConfig={
                "CallerReference": f"blog-tests-{uuid.uuid4()}",  # moto keeps state
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "api",
                            "DomainName": "origin.example.com",
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "api",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                },
            }
        )["Distribution"]["Id"]
        yield Distribution(client=client, id=distribution, env=env)
    finally:
        server.stop()
