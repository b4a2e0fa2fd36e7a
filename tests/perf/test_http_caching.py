"""HTTP caching for browsers and the CDN: Cache-Control, Vary, strong ETags, 304s."""

from django.test import Client

from tests.caches import cache_empty


def detail(page) -> str:
    return f"/api/v2/pages/{page.pk}/"


def _directives(response) -> dict[str, str]:
    directives = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        directives[name] = value
    return directives


def test_public_api_responses_carry_edge_and_browser_lifetimes(client, posts):
    response = client.get(detail(posts[0]))
    assert _directives(response) == {
        "public": "",
        "max-age": "0",
        "s-maxage": "60",
        "stale-while-revalidate": "30",
    }


def test_lifetimes_come_from_the_settings(client, posts, settings):
    settings.API_HTTP_MAX_AGE = 15
    settings.API_HTTP_S_MAXAGE = 300
    settings.API_HTTP_STALE_WHILE_REVALIDATE = 120
    miss = client.get(detail(posts[0]))
    hit = client.get(detail(posts[0]))
    for response in (miss, hit):
        assert _directives(response) == {
            "public": "",
            "max-age": "15",
            "s-maxage": "300",
            "stale-while-revalidate": "120",
        }


def test_vary_never_names_cookie_on_public_responses(client, posts):
    for response in (client.get(detail(posts[0])), client.get(detail(posts[0]))):
        assert "cookie" not in response.get("Vary", "").lower()


def test_etag_is_strong_and_identical_for_miss_and_hit(client, posts):
    miss = client.get(detail(posts[0]))
    hit = client.get(detail(posts[0]))
    assert miss["ETag"] == hit["ETag"]
    assert miss["ETag"].startswith('"') and not miss["ETag"].startswith("W/")
    assert client.get(detail(posts[1]))["ETag"] != miss["ETag"]


def test_if_none_match_answers_304_without_sql_when_warm(client, posts, django_assert_num_queries):
    etag = client.get(detail(posts[0]))["ETag"]
    with django_assert_num_queries(0):
        response = client.get(detail(posts[0]), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "s-maxage=60" in response["Cache-Control"]


def test_if_none_match_on_a_miss_also_answers_304(client, posts):
    etag = client.get(detail(posts[0]))["ETag"]
    Client().get("/")  # unrelated traffic
    cache_empty(alias="api")
    response = client.get(detail(posts[0]), HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert response.status_code == 304


def test_a_stale_etag_gets_the_new_body(client, posts, committed):
    post = posts[0]
    etag = client.get(detail(post))["ETag"]
    post.title = "Changed"
    with committed():
        post.save_revision().publish()
    response = client.get(detail(post), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["title"] == "Changed"


def test_admin_pages_are_private_and_never_stored(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_hashed_static_files_are_immutable_for_a_year(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    (tmp_path / "app.css").write_text("body{}")
    (tmp_path / "app.0123456789ab.css").write_text("body{}")
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"app.css": "app.0123456789ab.css"}, "version": "1.1", "hash": "x"}'
    )
    client = Client()
    hashed = client.get("/static/app.0123456789ab.css")
    # File responses stream: reading them to the end, as a WSGI server does, sends
    # request_finished, which ends the request's logging context (serving.request_id).
    assert hashed.getvalue() == b"body{}"
    assert hashed.status_code == 200
    assert hashed["Cache-Control"] == "max-age=315360000, public, immutable"
    plain = client.get("/static/app.css")
    assert plain.getvalue() == b"body{}"
    assert "immutable" not in plain["Cache-Control"]
