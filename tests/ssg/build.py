"""A static site built from the API the way a frontend team would (Astro/Next.js export).

It knows the site's URL scheme only through the API: it starts at ``/``, asks
``/api/v2/path/`` what each path is, renders it, and follows the links the answers carry
(post cards, next listing pages, tags, categories, authors, related posts, the menu). One
request per page rendered, plus one for the site's navigation. Standard library only: it
could run on any build machine.

Like a frontend's typed queries, it asks for what its templates render and nothing else:
a page it knows to be a post (a card or related post linked to it) is fetched with
``POST_FIELDS``, any other path with ``PAGE_FIELDS``, whose ``posts(...)`` item selects
the cards of whatever listing the route carries (a blog index, a tag, category or author
page). Taxonomy links are found on the posts themselves, which the cards link to.

    python tests/ssg/build.py http://127.0.0.1:8000 out/
"""

import html
import json
import sys
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ENTRY_PATHS = ("/", "/blog/")
# The ``<head>`` as the templates write it: title, description, canonical link, Open
# Graph, Twitter card and JSON-LD (``seo.head`` would repeat all of them as elements).
SEO_FIELDS = "seo(title,description,canonical_url,og,twitter,json_ld)"
# What the post template renders: headline, date, hero image, byline, body, taxonomy
# links, related-post links and the head.
POST_FIELDS = ",".join(
    [
        "_",
        "title",
        "publication_date",
        "featured_image(alt,width,height,srcset,placeholder)",
        "authors(name,html_path)",
        "categories(name,html_path)",
        "tags(name,html_path)",
        "body",
        "related_posts(title,html_path)",
        SEO_FIELDS,
    ]
)
# What a card renders: its image at the card's slot (a third of the page, or the phone's
# width: 320 and 640 px cover both at 1x and 2x), its title, link and excerpt.
CARD_FIELDS = (
    "_,title,html_path,excerpt,featured_image(alt,width,height,placeholder,srcset(320,640))"
)
# Any other path (home, blog index, tag, category, author): the page's title, intro and
# head, and its listing's cards.
PAGE_FIELDS = f"_,title,intro,{SEO_FIELDS},posts({CARD_FIELDS})"
TAXONOMY_PREFIXES = ("/tags/", "/categories/", "/authors/")


def _path_of(url: str) -> str:
    return "/" + url.split("://", 1)[-1].partition("/")[2]


@dataclass
class BuildStats:
    requests: int = 0
    bytes: int = 0
    pages: dict[str, str] = field(default_factory=dict)  # html_path -> rendered HTML
    answers: dict[str, dict] = field(default_factory=dict)  # API path asked -> its answer
    requests_by_kind: Counter = field(default_factory=Counter)  # post, tag, blog index...
    bytes_by_kind: Counter = field(default_factory=Counter)


def _answer_kind(data: dict) -> str:
    if data.get("type") != "page":
        return data.get("type", "site")
    if "posts" in data:
        return "blog index"
    return "post" if "body" in data["page"] else "page"


def _get(*, api: str, path: str, stats: BuildStats, api_key: str | None) -> dict:
    if not api.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP URL: {api}")
    request = urllib.request.Request(api + path, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked above)
    if api_key:
        request.add_header("X-API-Key", api_key)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (checked above)
        body = response.read()
    data = json.loads(body)
    stats.requests += 1
    stats.bytes += len(body)
    stats.answers[path] = data
    kind = _answer_kind(data) if path.startswith("/path/") else "site"
    stats.requests_by_kind[kind] += 1
    stats.bytes_by_kind[kind] += len(body)
    return data


def _picture(image: dict | None, *, sizes: str) -> str:
    """``<picture>``: AVIF and WebP sources, the widest JPEG as the fallback."""
    if not image:
        return ""
    srcset = image["srcset"]
    sources = "".join(
        f'<source type="image/{fmt}" sizes="{sizes}" srcset="'
        + ", ".join(f"{e['url']} {e['width']}w" for e in srcset if e["format"] == fmt)
        + '">'
        for fmt in ("avif", "webp")
        if any(e["format"] == fmt for e in srcset)
    )
    fallback = ([e for e in srcset if e["format"] == "jpeg"] or srcset)[-1]
    colour = (image.get("placeholder") or {}).get("color", "#ccc")
    return (
        f'<picture>{sources}<img src="{fallback["url"]}" width="{image["width"]}" '
        f'height="{image["height"]}" alt="{html.escape(image["alt"])}" '
        f'style="background:{colour}"></picture>'
    )


def _card(post: dict) -> str:
    return (
        f"<article>{_picture(post.get('featured_image'), sizes='(min-width: 40em) 33vw, 100vw')}"
        f'<a href="{post["meta"]["html_path"]}">{html.escape(post["title"])}</a>'
        f"<p>{html.escape(post.get('excerpt', ''))}</p></article>"
    )


def _links(entries: list[dict]) -> str:
    return ", ".join(
        f'<a href="{entry["html_path"]}">{html.escape(entry["name"])}</a>' for entry in entries
    )


def _links_of(data: dict, *, path: str) -> list[tuple[str, str]]:
    """(path, kind) the answer for ``path`` links to: posts (cards, related posts), the next
    listing page, taxonomy pages."""
    links = []
    posts = data.get("posts")
    if posts:
        for item in posts["items"]:
            links.append((item["meta"]["html_path"], "post"))
            for key in ("tags", "categories", "authors"):
                links.extend((entry["html_path"], "taxonomy") for entry in item.get(key, []))
        meta = posts["meta"]
        if meta["page"] < meta["pages"]:
            kind = "page" if data["type"] == "page" else "taxonomy"
            links.append((f"{path.partition('?')[0]}?page={meta['page'] + 1}", kind))
    page = data.get("page") or {}
    for key in ("tags", "categories", "authors"):
        links.extend((entry["html_path"], "taxonomy") for entry in page.get(key, []))
    for related in page.get("related_posts", []):
        links.append((related["html_path"], "post"))
    return links


def _block(block: dict) -> str:
    value = block["value"]
    match block["type"]:
        case "paragraph":
            return value["html"] if isinstance(value, dict) else value
        case "heading":
            return f"<{value['level']}>{html.escape(value['text'])}</{value['level']}>"
        case "quote":
            return (
                f"<blockquote><p>{html.escape(value['text'])}</p>"
                f"<cite>{html.escape(value.get('attribution', ''))}</cite></blockquote>"
            )
        case "code":
            language, code = value["language"], html.escape(value["code"])
            return f'<pre><code class="language-{language}">{code}</code></pre>'
        case "image":
            return f"<figure>{_picture(value.get('image'), sizes='100vw')}</figure>"
        case "call_to_action":
            return f'<a class="button" href="{value["url"]}">{html.escape(value["text"])}</a>'
    return ""


def _head(seo: dict, title: str) -> str:
    parts = [
        f"<title>{html.escape(seo.get('title', title))}</title>",
        f'<meta name="description" content="{html.escape(seo.get("description", ""))}">',
        f'<link rel="canonical" href="{seo.get("canonical_url", "")}">',
    ]
    for prefix, attribute in (("og", "property"), ("twitter", "name")):
        parts.extend(
            f'<meta {attribute}="{prefix}:{key}" content="{html.escape(str(value))}">'
            for key, value in (seo.get(prefix) or {}).items()
            if isinstance(value, str | int)
        )
    parts.extend(
        '<script type="application/ld+json">'
        + json.dumps(item, separators=(",", ":")).replace("</", "<\\/")
        + "</script>"
        for item in seo.get("json_ld", [])
    )
    return "".join(parts)


def _render(data: dict) -> str:
    if data["type"] == "page":
        page = data["page"]
        title, seo = page["title"], page.get("seo", {})
        body = f"<p>{html.escape(page.get('intro') or '')}</p>"
        if "body" in page:  # a post
            body = (
                f"<time>{page.get('publication_date') or ''}</time>"
                + _picture(page.get("featured_image"), sizes="100vw")
                + f"<p>By {_links(page['authors'])}</p>"
                + "".join(_block(block) for block in page["body"])
                + f"<p>{_links(page['categories'])} · {_links(page['tags'])}</p>"
                + "".join(
                    f'<a href="{related["html_path"]}">{html.escape(related["title"])}</a>'
                    for related in page["related_posts"]
                )
            )
    else:
        resource = data[data["type"]]
        title, seo, body = resource["name"], data["seo"], ""
    cards = "".join(_card(item) for item in data.get("posts", {}).get("items", []))
    return (
        f"<!doctype html><html><head>{_head(seo, title)}</head>"
        f"<body><h1>{html.escape(title)}</h1>{body}{cards}</body></html>"
    )


def _fields_for(*, path: str, kind: str) -> dict:
    is_post = kind == "post" and not path.startswith(TAXONOMY_PREFIXES)
    return {"fields": POST_FIELDS if is_post else PAGE_FIELDS}


def site_build(*, base_url: str, out: Path | None = None, api_key: str | None = None) -> BuildStats:
    """Render every page reachable from ``/``; write them under ``out`` when given."""
    api = base_url.rstrip("/") + "/api/v2"
    stats = BuildStats()
    site = _get(api=api, path="/site/", stats=stats, api_key=api_key)
    # The frontend's own routes (the home page and the blog), then the editors' menu.
    queue = [(path, "page") for path in ENTRY_PATHS]
    queue += [(_path_of(item["url"]), "page") for item in site["menu"]]
    seen: set[str] = set()
    while queue:
        path, kind = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        query = urllib.parse.urlencode({"html_path": path, **_fields_for(path=path, kind=kind)})
        data = _get(api=api, path=f"/path/?{query}", stats=stats, api_key=api_key)
        if data["type"] == "redirect":
            continue
        stats.pages[path] = _render(data)
        queue.extend(link for link in _links_of(data, path=path) if link[0] not in seen)
    if out is not None:
        for path, text in stats.pages.items():
            target = out / path.strip("/").replace("?page=", "/page/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return stats


if __name__ == "__main__":
    result = site_build(base_url=sys.argv[1], out=Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(f"{len(result.pages)} pages, {result.requests} requests, {result.bytes} bytes")
    for kind, size in result.bytes_by_kind.most_common():
        print(f"  {kind}: {result.requests_by_kind[kind]} requests, {size} bytes")
