"""The README is for the first five minutes, and every relative link in the docs resolves."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted([REPO / "README.md", REPO / "SECURITY.md", *(REPO / "docs").glob("*.md")])
# [text](target) outside code spans; images too. Absolute URLs and mail links are skipped.
LINK = re.compile(r"(?<!`)\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


def test_the_readme_stays_a_readme():
    assert len((REPO / "README.md").read_text().splitlines()) <= 200


def test_every_docs_page_is_linked_from_the_readme():
    readme_links = set(_links(REPO / "README.md"))
    for page in (REPO / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme_links, f"README does not link docs/{page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page):
    for link in _links(page):
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name}: {link} points at nothing"
        if fragment and target.suffix == ".md":
            assert fragment in _anchors(target), f"{page.name}: no heading for #{fragment}"
