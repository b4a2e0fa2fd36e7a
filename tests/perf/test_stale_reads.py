"""A publish is visible to the very next read, even while readers fill the cache."""

import threading

import pytest
from django.db import connection
from django.test import Client

from blog.models import BlogPostPage

PUBLISHES = 15
READERS = 3


def _version(title: str) -> int:
    return int(title.rsplit(" ", 1)[1])


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks tables across threads; "
    "CI runs this on PostgreSQL",
)
# serialized_rollback: the flush after a transactional test must give back Wagtail's
# root page (made by a migration) to the tests that run after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_reader_sees_content_older_than_the_last_committed_publish(site_tree, make_post):
    post = make_post(title="Version 0")
    detail = f"/api/v2/pages/{post.pk}/"
    listing = "/api/v2/pages/?type=blog.BlogPostPage&fields=title"  # the only post
    committed = {"version": 0}
    stop = threading.Event()
    reads: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def read() -> None:
        client = Client()
        try:
            while not stop.is_set():
                for url in (detail, listing):
                    floor = committed["version"]  # committed before this request started
                    response = client.get(url)
                    assert response.status_code == 200
                    body = response.json()
                    title = body["title"] if url == detail else body["items"][0]["title"]
                    reads.append((floor, _version(title)))
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        for version in range(1, PUBLISHES + 1):
            page = BlogPostPage.objects.get(pk=post.pk)
            page.title = f"Version {version}"
            page.save_revision().publish()  # commits, then invalidates
            committed["version"] = version
            # The next read after the publish returned must show it.
            assert Client().get(detail).json()["title"] == f"Version {version}"
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert not errors, errors[0]
    stale = [(floor, seen) for floor, seen in reads if seen < floor]
    assert len(reads) > PUBLISHES
    assert stale == []
