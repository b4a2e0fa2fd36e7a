"""Multi-value post filters: ``tag=a,b`` (or repeated) is any of them, ``tag_all`` every
one, ``exclude_tag`` none; categories and authors alike; different filters combine."""

import pytest

from api.schema import api_schema
from tests.paths import API

POSTS = f"{API}/pages/"


def _titles(api, params) -> list[str]:
    response = api.get(POSTS, {"type": "blog.BlogPostPage", "fields": "title", **params})
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


# The blog: "First post" (python, django), "Full post" (python; Ada Lovelace and Grace
# Hopper), "Third post" (wagtail), all in Engineering and by Ada Lovelace.
@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"tag": "django,wagtail"}, ["First post", "Third post"]),
        ({"tag": ["django", "wagtail"]}, ["First post", "Third post"]),
        ({"tag": ["django", "wagtail,django"]}, ["First post", "Third post"]),
        ({"tag_all": "python,django"}, ["First post"]),
        ({"tag_all": ["python", "django"]}, ["First post"]),
        ({"exclude_tag": "python"}, ["Third post"]),
        ({"exclude_tag": "django,wagtail"}, ["Full post"]),
        ({"tag": "python", "exclude_tag": "django"}, ["Full post"]),
        ({"tag": "nothing-has-this"}, []),
        ({"exclude_tag": "nothing-has-this"}, ["First post", "Full post", "Third post"]),
        ({"author": "grace-hopper,nobody"}, ["Full post"]),
        ({"author_all": "ada-lovelace,grace-hopper"}, ["Full post"]),
        ({"exclude_author": "grace-hopper"}, ["First post", "Third post"]),
        ({"category": "engineering,design"}, ["First post", "Full post", "Third post"]),
        ({"category_all": "engineering,design"}, []),
        ({"exclude_category": "engineering"}, []),
        ({"tag": "python", "exclude_author": "grace-hopper"}, ["First post"]),
    ],
)
def test_multi_value_filters(api, blog, params, titles):
    assert _titles(api, params) == titles


def test_a_filter_implies_posts_and_counts_only_matches(api, blog, make_post):
    make_post(title="Design post", category=blog["design"], tags=("python",))

    response = api.get(POSTS, {"exclude_category": "engineering", "fields": "title"})

    assert response.status_code == 200
    data = response.json()
    assert [item["title"] for item in data["items"]] == ["Design post"]
    assert data["meta"]["total_count"] == 1


def test_next_link_keeps_repeated_values(api, blog):
    response = api.get(POSTS, {"tag": ["python", "wagtail"], "limit": 1})

    next_url = response.json()["meta"]["next"]
    assert "tag=python&tag=wagtail" in next_url and "offset=1" in next_url


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tag": "a,,b"}, "tag must be a slug (letters, digits, '-' and '_')"),
        ({"tag": ["a", ""]}, "tag must be a slug (letters, digits, '-' and '_')"),
        (
            {"exclude_category": "no spaces"},
            "exclude_category must be a slug (letters, digits, '-' and '_')",
        ),
        (
            {"author_all": ",".join(f"a{n}" for n in range(21))},
            "author_all takes at most 20 values",
        ),
        ({"tag": [f"t{n}" for n in range(21)]}, "tag takes at most 20 values"),
        (
            {"type": "blog.HomePage", "exclude_tag": "x"},
            "exclude_tag: filters posts; use it with type=blog.BlogPostPage",
        ),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(api, site_tree, params, message):
    response = api.get(POSTS, params)

    assert response.status_code == 400
    assert response.json() == {"message": message}


def test_schema_declares_the_filters_as_exploded_arrays(db):
    parameters = {
        parameter["name"]: parameter
        for parameter in api_schema()["paths"]["/api/v2/pages/"]["get"]["parameters"]
    }

    for name in ("tag", "category", "author"):
        for form in (name, f"{name}_all", f"exclude_{name}"):
            declared = parameters[form]
            assert (declared["style"], declared["explode"]) == ("form", True)
            assert declared["schema"]["type"] == "array"
            assert declared["schema"]["items"]["pattern"] == "^[-a-zA-Z0-9_]{1,100}$"


def test_multi_value_filters_cost_no_extra_query(api, django_assert_num_queries, blog):
    params = {
        "type": "blog.BlogPostPage",
        "tag": "python,django,wagtail",
        "tag_all": "python",
        "exclude_category": "design",
        "exclude_author": "nobody",
    }
    first = api.get(POSTS, params)
    assert first.status_code == 200
    # As one tag filter (tests/api/test_query_counts.py): site, hidden, count, ids, posts,
    # authors, categories, tags, images, renditions. Every filter is an EXISTS clause.
    with django_assert_num_queries(10):
        response = api.get(POSTS, params)
    assert response.content == first.content
