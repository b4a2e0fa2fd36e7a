"""The editor's and the marketer's journeys in a real browser (Chromium through Playwright).

An editor logs in, writes a post with a heading, a paragraph and an image, adds tags, an
author and a category, fills the Promote tab's search description and publishes; the API,
the RSS feeds and the sitemap then show the post on the frontend's URLs. A marketer opens
Reports → SEO, sees the post flagged, fixes the gap on the Promote tab, and the report no
longer lists it for that rule. Screenshots of each step go to ``test-artifacts/browser/``.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.chromium import chromium_browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    # The live server needs committed data; serialized rollback restores what migrations
    # created (root page, default site, groups) for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery-staple-42"
FRONTEND = "https://www.example.com"
TITLE = "Shipping a headless blog from Chromium"
SLUG = "shipping-a-headless-blog-from-chromium"
DESCRIPTION = "How an editor writes, tags and publishes a post in the Wagtail admin."
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def _write_and_publish_post(page, base_url: str, index_id: int, shots) -> None:
    page.goto(f"{base_url}/admin/pages/add/blog/blogpostpage/{index_id}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_intro", "Written, tagged and published in a real browser.")

    # Body: a heading, a paragraph (Draftail) and an image from the chooser.
    page.locator("#body-root .c-sf-add-button").first.click()
    page.get_by_role("option", name="Heading").click()
    page.fill("#body-0-value-text", "Why a real browser")
    page.locator("#body-root .c-sf-add-button").last.click()
    page.get_by_role("option", name="Paragraph").click()
    page.locator("#body-root .public-DraftEditor-content").last.click()
    page.keyboard.type("Because editors use one, with JavaScript, modals and rich text.")
    page.locator("#body-root .c-sf-add-button").last.click()
    page.get_by_role("option", name="Image").click()
    page.locator("#body-2-value-image-chooser .unchosen button").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_text("Test image", exact=True).click()
    modal.wait_for(state="detached")
    page.fill("#body-2-value-alt_text", "A blue rectangle")

    # Author (snippet chooser), category (checkbox) and tags (tag widget).
    page.locator("#id_post_authors-0-author-chooser .unchosen button").click()
    modal.get_by_role("link", name="Ada Lovelace").click()
    modal.wait_for(state="detached")
    page.get_by_label("Engineering").check()
    page.locator("ul.tagit input").first.click()
    for tag in ("browser-tested", "wagtail"):
        page.keyboard.type(tag)
        page.keyboard.press("Enter")
    page.screenshot(path=shots / "01-editor-content-tab.png", full_page=True)

    # Promote tab: the search description.
    page.get_by_role("tab", name="Promote").click()
    page.fill("#id_search_description", DESCRIPTION)
    page.screenshot(path=shots / "02-editor-promote-tab.png", full_page=True)

    # Publish from the footer's action menu.
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(f"{base_url}/admin/pages/{index_id}/")
    # "created and published", or "has been published" when autosave already created it.
    expect(page.get_by_text(re.compile(rf"Page '{re.escape(TITLE)}' .*published"))).to_be_visible()
    page.screenshot(path=shots / "03-editor-published.png")


def _assert_api_feeds_and_sitemap_show_post(request, base_url: str) -> None:
    listing = request.get(f"{base_url}/api/v2/pages/?type=blog.BlogPostPage")
    assert listing.status == 200
    items = {item["title"]: item for item in listing.json()["items"]}
    assert TITLE in items
    detail = request.get(f"{base_url}/api/v2/pages/{items[TITLE]['id']}/")
    assert detail.status == 200
    assert DESCRIPTION in detail.text()  # the Promote tab's description reaches frontends

    post_url = f"{FRONTEND}/blog/{SLUG}/"
    for path in ("/feeds/rss/", "/feeds/category/engineering/rss/", "/feeds/tag/wagtail/atom/"):
        response = request.get(f"{base_url}{path}")
        assert response.status == 200, path
        feed = feedparser.parse(response.body())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        entry = next(entry for entry in feed.entries if entry.title == TITLE)
        assert entry.link == post_url
        assert entry.summary == DESCRIPTION
        assert entry.author == "Ada Lovelace"
        assert {"Engineering", "browser-tested", "wagtail"} <= {tag.term for tag in entry.tags}

    sitemap = request.get(f"{base_url}/sitemap.xml")
    assert sitemap.status == 200
    urls = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        # S314: the XML is this project's own sitemap, not untrusted input.
        for url in ET.fromstring(sitemap.body()).findall("sm:url", SITEMAP_NS)  # noqa: S314
    }
    assert urls.get(post_url), "the post is in the sitemap with a lastmod"


def _report_rows(page) -> dict[str, str]:
    """Page title → the text of its Issues cell, for every row of the SEO report."""
    rows = {}
    for row in page.locator("table.listing tbody tr").all():
        title = row.locator("td").first.inner_text().strip()
        rows[title] = row.locator("[data-seo-issues]").inner_text()
    return rows


def _marketer_finds_and_fixes_gap(page, base_url: str, shots) -> None:
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="SEO", exact=True).click()
    page.wait_for_url(f"{base_url}/admin/reports/seo/")
    rows = _report_rows(page)
    assert "Title tag empty: page title used" in rows[TITLE]  # a fallback, noted
    assert "No social image" in rows[TITLE]  # an image in the body is not a social image
    assert "Meta description" not in rows[TITLE]  # the editor wrote one
    page.screenshot(path=shots / "04-marketer-seo-report.png", full_page=True)

    # The spreadsheet export lists the same page with its issues.
    export = page.request.get(f"{base_url}/admin/reports/seo/?export=csv")
    assert export.status == 200
    exported = {row["Page title"]: row for row in csv.DictReader(io.StringIO(export.text()))}
    assert "Title tag empty: page title used" in exported[TITLE]["Issues"]
    assert exported[TITLE]["URL"] == f"{FRONTEND}/blog/{SLUG}/"

    # Fix: the row links to the page's Promote tab; set an SEO title and publish.
    page.get_by_role("link", name=TITLE).click()
    page.fill("#id_seo_title", "Headless blog, published from Chromium")
    page.screenshot(path=shots / "05-marketer-fixes-title.png", full_page=True)
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url("**/admin/pages/*/")

    page.goto(f"{base_url}/admin/reports/seo/?issue=title_fallback")
    rows = _report_rows(page)
    assert TITLE not in rows
    assert rows, "other pages still lack an SEO title"
    page.screenshot(path=shots / "06-marketer-report-after-fix.png", full_page=True)


def test_editor_publishes_in_browser_and_marketer_fixes_seo_gap(
    seo_live_server, blog_index, author, category, image, screenshot_dir
):
    users = get_user_model()
    users.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    marketer = users.objects.create_user("marketer", "marketer@example.com", PASSWORD)
    # Wagtail's default group that may edit and publish pages, not a superuser.
    marketer.groups.add(Group.objects.get(name="Moderators"))
    base_url = seo_live_server.url
    index_id = blog_index.pk

    with chromium_browser() as browser:
        editor = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = editor.new_page()
        page.set_default_timeout(15_000)
        _log_in(page, base_url, "editor")
        _write_and_publish_post(page, base_url, index_id, screenshot_dir)
        _assert_api_feeds_and_sitemap_show_post(editor.request, base_url)
        editor.close()

        marketing = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = marketing.new_page()
        page.set_default_timeout(15_000)
        _log_in(page, base_url, "marketer")
        _marketer_finds_and_fixes_gap(page, base_url, screenshot_dir)
        marketing.close()
