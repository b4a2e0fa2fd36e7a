"""Every resource with a public page says where it lives on the frontend, the same way."""

from tests.paths import API

FRONTEND = "https://www.example.com"


def test_breadcrumb_parent_links_to_the_frontend(api, blog):
    parent = api.get(f"{API}/pages/{blog['first'].pk}/").json()["meta"]["parent"]
    assert parent["meta"]["html_url"] == f"{FRONTEND}/blog/"
    assert parent["meta"]["html_path"] == "/blog/"


def test_embedded_tags_categories_and_authors_carry_id_and_frontend_urls(api, blog):
    data = api.get(f"{API}/pages/{blog['first'].pk}/").json()
    tag = data["tags"][0]
    assert isinstance(tag["id"], int)
    assert tag["html_path"] == f"/tags/{tag['slug']}/"
    assert tag["html_url"] == tag["url"] == FRONTEND + tag["html_path"]
    category = data["categories"][0]
    assert category["html_url"] == f"{FRONTEND}/categories/{category['slug']}/"
    author = data["authors"][0]
    assert author["html_path"] == f"/authors/{author['slug']}/"


def test_taxonomy_endpoints_carry_frontend_urls(api, blog):
    for endpoint in ("authors", "categories", "tags"):
        for item in api.get(f"{API}/{endpoint}/").json()["items"]:
            assert item["html_path"] == f"/{endpoint}/{item['slug']}/"
            assert item["html_url"] == FRONTEND + item["html_path"]


def test_docs_redirects_to_the_api_docs(api, db):
    response = api.get("/docs/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v2/docs/"
