"""An editor's, a marketer's and an admin's day in a real browser, on the embedded default
(no frontend): preview with the reference theme and Wagtail's content checks, a scheduled
update that keeps a seeded post live, live social previews that agree with the SEO report,
the self-lockout guard, and axe-core on every screen. Screenshots go to
``test-artifacts/browser/``.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import BlogPostPage
from tests.browser.accessibility import assert_accessible, axe_script
from tests.browser.chromium import chromium_browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery-staple-42"
MARKETING_TITLE = "Ten lessons from a headless blog"
MARKETING_DESCRIPTION = "What we learnt running Wagtail headless for a year, in ten short lessons."


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def _publish(page) -> None:
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url("**/admin/pages/*/")


def _editor_previews_schedules_and_publishes(page, base_url: str, post, shots) -> None:
    assert_accessible(page, screen="dashboard")
    page.screenshot(path=shots / "day-01-dashboard.png", full_page=True)

    page.goto(f"{base_url}/admin/pages/{post.pk}/edit/")
    assert_accessible(page, screen="post editor")

    # Preview: the panel shows the post rendered by the reference theme.
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("iframe#w-preview-iframe:not(.w-preview__proxy)")
    expect(frame.locator("h1")).to_have_text(post.title, timeout=30_000)
    expect(frame.locator("[data-reading-time]")).to_contain_text("min read")
    page.screenshot(path=shots / "day-02-preview-panel.png")

    # Checks: Wagtail's content metrics read the preview (words, reading time).
    page.locator("[data-side-panel-toggle='checks']").click()
    words = page.locator("[data-content-word-count]")
    expect(words).to_have_text(re.compile(r"^\d[\d,]*$"), timeout=30_000)
    expect(page.locator("[data-content-reading-time]")).to_have_text(re.compile(r"\d"))
    assert int(words.inner_text().replace(",", "")) > 50
    page.screenshot(path=shots / "day-03-checks-panel.png")

    # Schedule an update two days ahead: the live post stays live in the API.
    page.locator("[data-side-panel-toggle='status']").click()
    page.get_by_role("button", name="Set schedule").click()
    go_live = timezone.localtime() + timedelta(days=2)
    # Set like the date picker does (its calendar overlay covers the dialog's buttons).
    page.locator("#id_go_live_at").evaluate(
        "(field, value) => { field.value = value;"
        " field.dispatchEvent(new Event('change', {bubbles: true})); }",
        go_live.strftime("%Y-%m-%d %H:%M"),
    )
    page.get_by_role("button", name="Save schedule").click()
    page.fill("#id_title", post.title + " (updated)")
    page.screenshot(path=shots / "day-04-schedule.png")
    _publish(page)
    detail = page.request.get(f"{base_url}/api/v2/pages/{post.pk}/")
    assert detail.status == 200
    assert detail.json()["title"] == post.title  # readers keep the live version
    listing = page.request.get(f"{base_url}/api/v2/pages/?type=blog.BlogPostPage").json()
    assert listing["meta"]["total_count"] == 3

    # Publish now instead: cancel the schedule (it locks the page), clear the go-live
    # time and publish; the update goes live.
    page.goto(f"{base_url}/admin/pages/{post.pk}/edit/")
    page.get_by_role("button", name="Cancel scheduled publish").click()
    page.wait_for_url(f"**/admin/pages/{post.pk}/edit/")
    page.locator("#id_go_live_at").evaluate("field => { field.value = ''; }")
    _publish(page)
    detail = page.request.get(f"{base_url}/api/v2/pages/{post.pk}/").json()
    assert detail["title"].endswith("(updated)")


def _report_row(page, title: str) -> dict[str, str]:
    row = page.locator("table.listing tbody tr", has_text=title).first
    cells = row.locator("td")
    return {
        "issues": row.locator("[data-seo-issues]").inner_text(),
        "description_length": cells.nth(3).inner_text().strip(),
    }


def _marketer_sees_social_previews_and_the_report_agrees(page, base_url, post, shots) -> None:
    page.goto(f"{base_url}/admin/reports/seo/?issue=description_fallback")
    assert_accessible(page, screen="SEO report")
    before = _report_row(page, post.title)
    assert "Meta description empty: intro used" in before["issues"]

    page.goto(f"{base_url}/admin/pages/{post.pk}/edit/")
    page.get_by_role("tab", name="Promote").click()
    previews = page.locator("[data-social-preview]")
    google_description = previews.locator(".social-preview__google [data-preview-description]")
    # The preview shows the intro's excerpt; the report counts the same characters.
    assert str(len(google_description.inner_text())) == before["description_length"]
    assert_accessible(page, screen="Promote tab")

    page.fill("#id_seo_title", MARKETING_TITLE)
    expect(previews.locator("[data-preview-title]")).to_have_text([MARKETING_TITLE] * 3)
    counter = page.locator("[data-counter-for='id_seo_title']")
    expect(counter).to_contain_text(f"{len(MARKETING_TITLE)} / 60")
    page.fill("#id_search_description", MARKETING_DESCRIPTION)
    expect(google_description).to_have_text(MARKETING_DESCRIPTION)
    expect(page.locator("[data-counter-for='id_search_description']")).to_contain_text(
        f"{len(MARKETING_DESCRIPTION)} / 160"
    )
    page.screenshot(path=shots / "day-05-social-previews.png", full_page=True)
    _publish(page)

    # The report now counts what the previews showed, and notes no fallback.
    export = page.request.get(f"{base_url}/admin/reports/seo/?export=csv&issue=")
    rows = {row["Page title"]: row for row in csv.DictReader(io.StringIO(export.text()))}
    row = rows.get(post.title)
    if row is not None:  # listed only if a problem remains (e.g. a duplicate title)
        assert "fallback" not in row["Issues"] and "used" not in row["Issues"]
        assert row["Title tag length"] == str(len(MARKETING_TITLE))
        assert row["Meta description length"] == str(len(MARKETING_DESCRIPTION))
    page.goto(f"{base_url}/admin/reports/seo/?issue=description_fallback")
    expect(page.locator("#listing-results")).not_to_contain_text(post.title)
    # The API serves what the previews showed.
    detail = page.request.get(f"{base_url}/api/v2/pages/{post.pk}/").json()
    assert detail["seo"]["title"] == MARKETING_TITLE
    assert detail["seo"]["description"] == MARKETING_DESCRIPTION


def _admin_cannot_block_their_own_network(page, base_url: str, shots) -> None:
    page.goto(f"{base_url}/admin/snippets/cms/blockednetwork/add/")
    assert_accessible(page, screen="add blocked network")
    page.fill("#id_network", "127.0.0.0/8")
    page.fill("#id_reason", "Trying to block the office")
    page.locator("footer button[type=submit]").first.click()
    expect(page.get_by_text("contains your own address, 127.0.0.1")).to_be_visible()
    page.screenshot(path=shots / "day-06-self-lockout-refused.png", full_page=True)
    # The error banner fades in; axe measures contrast mid-animation otherwise.
    page.wait_for_timeout(1500)
    assert_accessible(page, screen="add blocked network, refused")


def _reader_sees_the_reference_theme(page, base_url: str, post, shots) -> None:
    for path, name in (("/", "home"), (f"/blog/{post.slug}/", "post")):
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200
        assert_accessible(page, screen=f"reference theme {name}")
        page.screenshot(path=shots / f"day-07-theme-{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=shots / "day-08-theme-post-phone.png", full_page=True)


def test_editor_marketer_and_admin_day_on_the_embedded_default(
    seo_live_server, settings, screenshot_dir
):
    axe_script()  # fail (CI) or skip early when axe-core is not installed
    base_url = seo_live_server.url
    settings.FRONTEND_BASE_URL = ""
    settings.FRONTEND_PREVIEW_URL = ""
    settings.WAGTAILADMIN_BASE_URL = base_url
    call_command("seed_demo", posts=3, seed=1)
    post = BlogPostPage.objects.order_by("pk").first()
    users = get_user_model()
    users.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    marketer = users.objects.create_user("marketer", "marketer@example.com", PASSWORD)
    marketer.groups.add(Group.objects.get(name="Moderators"))

    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        _log_in(page, base_url, "editor")
        _editor_previews_schedules_and_publishes(page, base_url, post, screenshot_dir)
        _admin_cannot_block_their_own_network(page, base_url, screenshot_dir)
        _reader_sees_the_reference_theme(page, base_url, post, screenshot_dir)
        context.close()

        post.title += " (updated)"  # what the editor published
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        _log_in(page, base_url, "marketer")
        _marketer_sees_social_previews_and_the_report_agrees(page, base_url, post, screenshot_dir)
        context.close()
