"""Optional read replica: only anonymous API reads are routed to it."""

from api.routing import ApiReadReplicaRouter, api_read_replica_routing
from blog.models import BlogPostPage


def test_reads_go_to_the_replica_only_inside_api_read_routing(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    router = ApiReadReplicaRouter()
    assert router.db_for_read(BlogPostPage) is None
    with api_read_replica_routing():
        assert router.db_for_read(BlogPostPage) == "replica"
        assert router.db_for_write(BlogPostPage) == "default"
    assert router.db_for_read(BlogPostPage) is None


def test_without_a_replica_everything_reads_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with api_read_replica_routing():
        assert ApiReadReplicaRouter().db_for_read(BlogPostPage) is None


def test_the_replica_is_never_migrated():
    router = ApiReadReplicaRouter()
    assert router.allow_migrate("replica", "blog") is False
    assert router.allow_migrate("default", "blog") is True
