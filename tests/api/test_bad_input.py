"""Every bad parameter is a 400 with a JSON message naming it; nothing is a 500."""

import pytest

from tests.paths import API

PAGE_TYPES = "wagtailcore.Page, blog.HomePage, blog.BlogIndexPage, blog.BlogPostPage"

POSTS = f"{API}/pages/"


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        # The values stock Wagtail answers with a 500:
        (POSTS, {"offset": "99999999999999999999"}, "offset must be an integer from 0 to 1000000"),
        (f"{POSTS}find/", {"id": "abc"}, "id must be an integer from 1 to 2147483647"),
        (POSTS, {"search": "\x00"}, "search must not contain null characters"),
        (
            POSTS,
            {"search": "a", "search_operator": "xor"},
            "search_operator must be one of: and, or",
        ),
        (POSTS, {"site": "evil.com"}, "site: no site with hostname 'evil.com'"),
        # and the rest of the parameters:
        (POSTS, {"nope": "1"}, "query parameter is not an operation or a recognised field: nope"),
        (
            POSTS,
            {"format": "api"},
            "query parameter is not an operation or a recognised field: format",
        ),
        (POSTS, {"limit": "101"}, "limit must be an integer from 0 to 100"),
        (POSTS, {"limit": "-1"}, "limit must be an integer from 0 to 100"),
        (POSTS, {"limit": "١٢"}, "limit must be an integer from 0 to 100"),
        (POSTS, {"offset": "1000001"}, "offset must be an integer from 0 to 1000000"),
        (POSTS, {"offset": "x"}, "offset must be an integer from 0 to 1000000"),
        (
            POSTS,
            {"order": "random"},
            "order must be comma-separated fields from id, title, first_published_at, "
            "last_published_at, publication_date, each optionally prefixed with '-'",
        ),
        (
            POSTS,
            {"order": "publication_date"},
            "order: publication_date applies to type=blog.BlogPostPage",
        ),
        (POSTS, {"search": " "}, "search must be a text with at least one non-space character"),
        (POSTS, {"search": "x" * 201}, "search must be at most 200 characters"),
        (POSTS, {"search_operator": "and"}, "search_operator needs search"),
        (POSTS, {"type": "blog.Nope"}, f"type must be one of: {PAGE_TYPES}"),
        (POSTS, {"type": "a.b.c"}, f"type must be one of: {PAGE_TYPES}"),
        (POSTS, {"type": "blog.Author"}, f"type must be one of: {PAGE_TYPES}"),
        (POSTS, {"type": "blog.BlogPostPage,blog.HomePage"}, f"type must be one of: {PAGE_TYPES}"),
        (
            POSTS,
            {"type": "blog.HomePage", "tag": "x"},
            "tag: filters posts; use it with type=blog.BlogPostPage",
        ),
        (
            POSTS,
            {"child_of": "99999999999"},
            "child_of must be a page id from 1 to 2147483647, or 'root'",
        ),
        (POSTS, {"child_of": "99999"}, "child_of: parent page doesn't exist"),
        (
            POSTS,
            {"ancestor_of": "root"},
            "ancestor_of must be an integer from 1 to 2147483647",
        ),
        (
            POSTS,
            {"descendant_of": "-3"},
            "descendant_of must be a page id from 1 to 2147483647, or 'root'",
        ),
        (POSTS, {"locale": "xx"}, "locale must be one of: en"),
        (POSTS, {"site": "bad host"}, "site must be a hostname, optionally with ':port'"),
        (POSTS, {"show_in_menus": "maybe"}, "show_in_menus must be one of: true, false"),
        (
            POSTS,
            {"child_of": "root", "descendant_of": "root"},
            "descendant_of: not supported together with child_of",
        ),
        (POSTS, {"fields": "x" * 2049}, "fields must be at most 2048 characters"),
        (POSTS, {"fields": "title;drop"}, "fields must be field names, '*', '_', '-' and '(...)'"),
        (POSTS, {"tag": "no spaces"}, "tag must be a slug (letters, digits, '-' and '_')"),
        (POSTS, {"category": ""}, "category must be a slug (letters, digits, '-' and '_')"),
        (POSTS, {"author": "x" * 101}, "author must be a slug (letters, digits, '-' and '_')"),
        (
            POSTS,
            {"published_after": "yesterday"},
            "published_after must be an ISO 8601 date or date-time, e.g. 2026-01-31",
        ),
        (
            POSTS,
            {"published_before": "2026-02-30"},
            "published_before must be an ISO 8601 date or date-time, e.g. 2026-01-31",
        ),
        (POSTS, {"slug": "x" * 256}, "slug must be at most 255 characters"),
        (f"{POSTS}find/", {"html_path": "no-slash"}, "html_path must be a path starting with '/'"),
        (
            f"{POSTS}find/",
            {"limit": "1"},
            "query parameter is not an operation or a recognised field: limit",
        ),
        (
            f"{POSTS}1/",
            {"search": "x"},
            "query parameter is not an operation or a recognised field: search",
        ),
        (
            f"{API}/images/",
            {"order": "width"},
            "order must be comma-separated fields from id, title, created_at, "
            "each optionally prefixed with '-'",
        ),
        (f"{API}/images/", {"limit": "500"}, "limit must be an integer from 0 to 100"),
        (
            f"{API}/documents/find/",
            {"id": "0"},
            "id must be an integer from 1 to 2147483647",
        ),
    ],
)
def test_bad_parameter_is_400_naming_it(api, site_tree, url, params, message):
    response = api.get(url, params)

    assert response.status_code == 400, response.content
    assert response.json() == {"message": message}


def test_repeated_parameter_is_400(api, site_tree):
    response = api.get(f"{POSTS}?limit=1&limit=2")

    assert response.status_code == 400
    assert response.json() == {"message": "limit must be given once"}


@pytest.mark.parametrize(
    "url",
    [f"{POSTS}99999999999999/", f"{API}/images/99999999999999/", f"{POSTS}0/", f"{POSTS}12345/"],
)
def test_unknown_ids_are_404(api, site_tree, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response.json() == {"message": "not found"}


def test_search_with_operators_and_quotes_never_fails(api, make_post):
    make_post(title="Quotes and operators")
    for query in ['"unterminated', "a & b | !c", "(((", "ñandú 🙂", "' OR 1=1 --", "\\"]:
        for operator in ("and", "or"):
            response = api.get(POSTS, {"search": query, "search_operator": operator})
            assert response.status_code == 200, (query, response.content)
