"""``body_format=ast``: rich text as a JSON tree that says everything the HTML says.

The round trip: a frontend-style renderer turns the tree back into HTML, and both HTMLs,
read by an independent parser (BeautifulSoup), hold the same blocks, text runs, marks and
link targets, for every rich-text feature the editor offers and every block type.
"""

import html as html_lib

import pytest
from bs4 import BeautifulSoup, NavigableString

from blog.blocks import BODY_BLOCKS, PARAGRAPH_FEATURES
from tests.factories import rich_body
from tests.paths import API

# One sample per feature the paragraph editor offers (Wagtail's internal format).
FEATURE_SAMPLES = {
    "bold": "<p>Plain <b>bold</b> and <b>bold <i>both</i></b>.</p>",
    "italic": "<p><i>Italic</i> text.</p>",
    "link": '<p>See <a linktype="page" id="{page}">the <b>first</b> post</a> and '
    '<a href="https://example.org/x?a=1&amp;b=2">elsewhere</a>.</p>',
    "document-link": '<p>Get <a linktype="document" id="{document}">the prices</a>.</p>',
    "ol": "<ol><li>One</li><li>Two<ol><li>Two point one</li></ol></li></ol>",
    "ul": "<ul><li>Apples</li><li><b>Pears</b></li></ul>",
    "code": "<p>Run <code>make test</code> &amp; wait &lt;1 min.</p>",
    "superscript": "<p>E = mc<sup>2</sup></p>",
    "subscript": "<p>H<sub>2</sub>O</p>",
    "strikethrough": "<p><s>Wrong</s> right</p>",
}
HIDDEN_LINK = '<p>A <a linktype="page" id="{draft}">secret</a> link.<br/>Next line.</p>'
MARK_TAGS = {
    "bold": "b",
    "italic": "i",
    "code": "code",
    "superscript": "sup",
    "subscript": "sub",
    "strikethrough": "s",
}


def render(nodes: list[dict]) -> str:
    """What a frontend's components would output for the tree (here as HTML)."""
    out = []
    for node in nodes:
        kind = node["type"]
        if kind == "paragraph":
            out.append(f"<p>{render(node['children'])}</p>")
        elif kind == "heading":
            out.append(f"<h{node['level']}>{render(node['children'])}</h{node['level']}>")
        elif kind == "list":
            tag = "ol" if node["ordered"] else "ul"
            out.append(f"<{tag}>{render(node['children'])}</{tag}>")
        elif kind == "list_item":
            out.append(f"<li>{render(node['children'])}</li>")
        elif kind == "text":
            text = html_lib.escape(node["text"], quote=False)
            for mark in reversed(node["marks"]):
                text = f"<{MARK_TAGS[mark]}>{text}</{MARK_TAGS[mark]}>"
            out.append(text)
        elif kind == "link":
            out.append(f'<a href="{html_lib.escape(node["href"])}">{render(node["children"])}</a>')
        elif kind == "break":
            out.append("<br/>")
        else:
            raise AssertionError(f"undocumented node {kind}")
    return "".join(out)


_MARKS_OF = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "code": "code",
    "sup": "superscript",
    "sub": "subscript",
    "s": "strikethrough",
}


def structure(html: str) -> list:
    """Blocks, and in each the runs ``(text, marks, href)`` with adjacent equal runs merged."""

    def runs(element, marks=frozenset(), href=None) -> list:
        out: list = []
        for child in element.children:
            if isinstance(child, NavigableString):
                item = (str(child), marks, href)
            elif child.name == "br":
                item = ("\n", marks, href)
            elif child.name in ("ol", "ul"):
                out.append(block(child))
                continue
            else:
                inner_marks = marks | (
                    {_MARKS_OF[child.name]} if child.name in _MARKS_OF else set()
                )
                inner_href = child.get("href") if child.name == "a" else href
                for sub in runs(child, frozenset(inner_marks), inner_href):
                    _append(out, sub)
                continue
            _append(out, item)
        return out

    def _append(out, item):
        if (
            isinstance(item, tuple)
            and out
            and isinstance(out[-1], tuple)
            and out[-1][1:] == item[1:]
        ):
            out[-1] = (out[-1][0] + item[0], *item[1:])
        elif not (isinstance(item, tuple) and item[0] == ""):
            out.append(item)

    def block(element) -> tuple:
        if element.name in ("ol", "ul"):
            return (element.name, [runs(li) for li in element.find_all("li", recursive=False)])
        return (element.name, runs(element))

    soup = BeautifulSoup(html, "html.parser")
    return [block(child) for child in soup.children if not isinstance(child, NavigableString)]


@pytest.fixture
def feature_post(make_post, blog, document):
    source = "".join(FEATURE_SAMPLES.values()) + HIDDEN_LINK
    source = source.format(page=blog["first"].pk, document=document.pk, draft=blog["draft"].pk)
    every_block = rich_body(image=blog["full"].featured_image, cta_page_id=blog["first"].pk)
    paragraph = {"type": "paragraph", "value": source}
    return make_post(
        title="Every feature",
        body=[paragraph, *(block for block in every_block if block["type"] != "paragraph")],
    )


def test_the_samples_cover_every_feature_the_paragraph_editor_offers():
    assert set(FEATURE_SAMPLES) == set(PARAGRAPH_FEATURES)


def _body(api, post, body_format):
    response = api.get(f"{API}/pages/{post.pk}/", {"body_format": body_format})
    assert response.status_code == 200, response.content
    return response.json()["body"]


def test_the_tree_round_trips_to_the_same_html_for_every_feature(api, feature_post):
    html = _body(api, feature_post, "html")[0]["value"]["html"]
    tree = _body(api, feature_post, "ast")[0]["value"]["ast"]

    assert structure(render(tree)) == structure(html)
    assert len(structure(html)) == len(FEATURE_SAMPLES) + 1  # nothing merged or lost


def test_the_tree_resolves_links_and_keeps_marks_in_a_fixed_order(
    api, feature_post, blog, document
):
    tree = _body(api, feature_post, "ast")[0]["value"]["ast"]
    links = []

    def walk(nodes):
        for node in nodes:
            if node["type"] == "link":
                links.append(node)
            walk(node.get("children", []))

    walk(tree)
    page_link, external, document_link = links
    assert page_link["kind"] == "page"
    assert page_link["href"] == "https://www.example.com/blog/first-post/"
    assert page_link["page"] == {"id": blog["first"].pk, "title": "First post"}
    assert page_link["children"][1] == {"type": "text", "text": "first", "marks": ["bold"]}
    assert external == {
        "type": "link",
        "href": "https://example.org/x?a=1&b=2",
        "kind": "external",
        "page": None,
        "children": [{"type": "text", "text": "elsewhere", "marks": []}],
    }
    assert document_link["kind"] == "document"
    assert document_link["href"].startswith("http") and document_link["href"].endswith(".pdf")
    assert tree[0]["children"][-2] == {"type": "text", "text": "both", "marks": ["bold", "italic"]}
    hidden = tree[-1]["children"]
    assert all(node["type"] != "link" for node in hidden)  # a draft is never linked
    assert {"type": "break"} in hidden
    assert "secret" in "".join(node.get("text", "") for node in hidden)


def test_blocks_other_than_rich_text_are_the_same_in_both_formats(api, feature_post):
    as_html = _body(api, feature_post, "html")
    as_ast = _body(api, feature_post, "ast")

    assert [b["type"] for b in as_ast] == [b["type"] for b in as_html]
    assert {b["type"] for b in as_ast} == set(BODY_BLOCKS)
    for html_block, ast_block in zip(as_html, as_ast, strict=True):
        if html_block["type"] != "paragraph":
            assert html_block == ast_block


def test_html_stays_the_default(api, feature_post):
    default = api.get(f"{API}/pages/{feature_post.pk}/").json()["body"]

    assert default == _body(api, feature_post, "html")


def test_listings_and_path_lookup_honour_body_format(api, feature_post):
    listing = api.get(
        f"{API}/pages/",
        {
            "type": "blog.BlogPostPage",
            "fields": "body",
            "slug": feature_post.slug,
            "body_format": "ast",
        },
    ).json()
    found = api.get(
        f"{API}/path/", {"html_path": f"/blog/{feature_post.slug}/", "body_format": "ast"}
    ).json()

    assert "ast" in listing["items"][0]["body"][0]["value"]
    assert "ast" in found["page"]["body"][0]["value"]


def test_an_unknown_body_format_is_a_400_naming_the_parameter(api, blog):
    for url, params in (
        (f"{API}/pages/", {}),
        (f"{API}/pages/{blog['full'].pk}/", {}),
        (f"{API}/path/", {"html_path": "/blog/full-post/"}),
    ):
        response = api.get(url, {"body_format": "markdown", **params})
        assert response.status_code == 400, url
        assert response.json() == {"message": "body_format must be one of: html, ast"}


def test_the_tree_costs_no_query_more_than_html(api, django_assert_num_queries, blog):
    url = f"{API}/pages/{blog['full'].pk}/"
    first = api.get(url, {"body_format": "ast"})
    assert first.status_code == 200
    # As tests/api/test_query_counts.py pins for the HTML detail (related posts included).
    with django_assert_num_queries(18):
        assert api.get(url, {"body_format": "ast"}).content == first.content
