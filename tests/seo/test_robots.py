"""``/robots.txt``: everything disallowed outside production, allowed in it, and the
sitemap named in both. Read back with Python's own robots.txt parser."""

from urllib.robotparser import RobotFileParser

from tests.paths import FRONTEND


def _parser(client) -> tuple[RobotFileParser, str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser, text


def test_outside_production_every_crawler_is_kept_out(client, settings, db):
    settings.SEO_ALLOW_INDEXING = False
    parser, text = _parser(client)
    assert text.startswith("User-agent: *\nDisallow: /\n")
    assert not parser.can_fetch("Googlebot", f"{FRONTEND}/")
    assert not parser.can_fetch("*", f"{FRONTEND}/blog/a-post/")
    assert parser.site_maps() == [f"{FRONTEND}/sitemap.xml"]


def test_in_production_crawlers_may_index_everything(client, settings, db):
    settings.SEO_ALLOW_INDEXING = True
    parser, text = _parser(client)
    assert parser.can_fetch("Googlebot", f"{FRONTEND}/")
    assert parser.can_fetch("*", f"{FRONTEND}/blog/a-post/")
    assert parser.site_maps() == [f"{FRONTEND}/sitemap.xml"]
    assert "Disallow" not in text


def test_indexing_is_off_by_default():
    from django.conf import settings

    assert settings.SEO_ALLOW_INDEXING is False


def test_robots_txt_needs_no_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert client.get("/robots.txt").status_code == 200
