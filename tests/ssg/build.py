"""A static site built from the API the way a frontend team would (Astro/Next.js export).

It knows the site's URL scheme only through the API: it starts at ``/``, asks
``/api/v2/path/`` what each path is, renders it, and follows the links the answers carry
(post cards, next listing pages, tags, categories, authors, the menu). One request per
page rendered, plus one for the site's navigation. Standard library only: it could run
on any build machine.

    python tests/ssg/build.py http://127.0.0.1:8000 out/
"""

import html
import json
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ENTRY_PATHS = ("/", "/blog/")


def _path_of(url: str) -> str:
    return "/" + url.split("://", 1)[-1].partition("/")[2]


@dataclass
class BuildStats:
    requests: int = 0
    bytes: int = 0
    pages: dict[str, str] = field(default_factory=dict)  # html_path -> rendered HTML


def _get(*, api: str, path: str, stats: BuildStats, api_key: str | None) -> dict:
    if not api.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP URL: {api}")
    request = urllib.request.Request(api + path, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked above)
    if api_key:
        request.add_header("X-API-Key", api_key)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (checked above)
        body = response.read()
    stats.requests += 1
    stats.bytes += len(body)
    return json.loads(body)


def _card(post: dict) -> str:
    image = post.get("featured_image")
    picture = ""
    if image:
        sources = "".join(
            f'<source type="image/{fmt}" srcset="'
            + ", ".join(f"{e['url']} {e['width']}w" for e in image["srcset"] if e["format"] == fmt)
            + '">'
            for fmt in ("avif", "webp")
            if any(e["format"] == fmt for e in image["srcset"])
        )
        fallback = image["srcset"][-1]
        colour = (image.get("placeholder") or {}).get("color", "#ccc")
        picture = (
            f'<picture>{sources}<img src="{fallback["url"]}" width="{image["width"]}" '
            f'height="{image["height"]}" alt="{html.escape(image["alt"])}" '
            f'style="background:{colour}"></picture>'
        )
    return (
        f'<article>{picture}<a href="{post["meta"]["html_path"]}">'
        f"{html.escape(post['title'])}</a></article>"
    )


def _links_of(data: dict) -> list[str]:
    """Paths this route's answer links to: cards, next listing page, taxonomy pages."""
    links = []
    posts = data.get("posts")
    if posts:
        for item in posts["items"]:
            links.append(item["meta"]["html_path"])
            for key in ("tags", "categories", "authors"):
                links.extend(entry["html_path"] for entry in item.get(key, []))
        meta = posts["meta"]
        if meta["page"] < meta["pages"]:
            base = (
                data.get("page", {}).get("meta", {}).get("html_path")
                or (data[data["type"]]["html_path"])
            )
            links.append(f"{base}?page={meta['page'] + 1}")
    page = data.get("page") or {}
    for key in ("tags", "categories", "authors"):
        links.extend(entry["html_path"] for entry in page.get(key, []) if "html_path" in entry)
    for related in page.get("related_posts", []):
        links.append(related["html_path"])
    return links


def _render(data: dict) -> str:
    if data["type"] == "page":
        page = data["page"]
        title, seo = page["title"], page.get("seo", {})
        body = page.get("intro", "") or ""
        for block in page.get("body", []):
            if block["type"] == "paragraph":
                body += (
                    block["value"]["html"] if isinstance(block["value"], dict) else block["value"]
                )
    else:
        resource = data[data["type"]]
        title, seo, body = resource["name"], data["seo"], ""
    cards = "".join(_card(item) for item in data.get("posts", {}).get("items", []))
    head = "".join(
        f'<meta property="og:{k}" content="{html.escape(str(v))}">'
        for k, v in (seo.get("og") or {}).items()
        if isinstance(v, str | int)
    )
    return (
        f"<!doctype html><html><head><title>{html.escape(seo.get('title', title))}</title>"
        f'<link rel="canonical" href="{seo.get("canonical_url", "")}">{head}</head>'
        f"<body><h1>{html.escape(title)}</h1>{body}{cards}</body></html>"
    )


def site_build(*, base_url: str, out: Path | None = None, api_key: str | None = None) -> BuildStats:
    """Render every page reachable from ``/``; write them under ``out`` when given."""
    api = base_url.rstrip("/") + "/api/v2"
    stats = BuildStats()
    site = _get(api=api, path="/site/", stats=stats, api_key=api_key)
    # The frontend's own routes (the home page and the blog), then the editors' menu.
    queue = [*ENTRY_PATHS, *(_path_of(item["url"]) for item in site["menu"])]
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        query = urllib.parse.urlencode({"html_path": path})
        data = _get(api=api, path=f"/path/?{query}", stats=stats, api_key=api_key)
        if data["type"] == "redirect":
            continue
        stats.pages[path] = _render(data)
        queue.extend(link for link in _links_of(data) if link not in seen)
    if out is not None:
        for path, text in stats.pages.items():
            target = out / path.strip("/").replace("?page=", "/page/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return stats


if __name__ == "__main__":
    result = site_build(base_url=sys.argv[1], out=Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(f"{len(result.pages)} pages, {result.requests} requests, {result.bytes} bytes")
