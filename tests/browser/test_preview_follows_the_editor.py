"""The preview panel follows what the editor does, in Debian's Chromium: an author row
added and left empty neither stops it nor fails the autosave (``blog.inline_rows``), an
image chosen in the chooser modal (featured image, body image block) shows in it without
a save; and the author snippet's edit page passes axe-core.

Wagtail's form controller (``w-unsaved``) reads the whole form every 500 ms once it has
taken its first reading, two seconds after the page loads; a change it sees marks the
preview stale and the preview posts the form again. The tests wait for that first reading
before changing anything, as an editor's first click always does.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from blog.models import Author, BlogPostPage
from tests.browser.accessibility import assert_accessible, axe_script
from tests.browser.chromium import chromium_browser
from tests.factories import EDITOR_PASSWORD, image_make, second_author_make

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FORM_WATCH_STARTS_MS = 2_500  # w-unsaved's first reading of the form, plus a margin
# A preview update posts the form, reloads the frame and may make renditions: on a loaded
# two-core machine that takes longer than Playwright's five-second default for expect().
PREVIEW_MS = 30_000


@pytest.fixture
def editor_setup(seo_live_server, settings, make_post):
    settings.FRONTEND_BASE_URL = ""
    settings.FRONTEND_PREVIEW_URL = ""
    settings.WAGTAILADMIN_BASE_URL = seo_live_server.url
    get_user_model().objects.create_superuser("editor", "editor@example.com", EDITOR_PASSWORD)
    return make_post(title="Before the editor's day")


def _editor_page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # clicks that navigate, on a machine other suites load
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def _open_preview(page, base_url: str, post):
    page.goto(f"{base_url}/admin/pages/{post.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("iframe#w-preview-iframe:not(.w-preview__proxy)")
    expect(frame.locator("h1")).to_have_text(post.title, timeout=PREVIEW_MS)
    page.wait_for_timeout(FORM_WATCH_STARTS_MS)
    return frame


def _choose_image(page, chooser: str, title: str) -> None:
    page.locator(f"{chooser} .unchosen button").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_text(title, exact=True).click()
    modal.wait_for(state="detached")


def test_an_empty_author_row_neither_stops_the_preview_nor_fails_the_autosave(
    editor_setup, seo_live_server, settings, screenshot_dir
):
    post = editor_setup
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 1_000
    base_url = seo_live_server.url
    edit_url = f"{base_url}/admin/pages/{post.pk}/edit/"

    def is_autosave(response) -> bool:
        return response.request.method == "POST" and response.url == edit_url

    with chromium_browser() as browser:
        page = _editor_page(browser, base_url)
        frame = _open_preview(page, base_url, post)
        page.get_by_role("button", name="Add author").click()
        expect(page.locator("#id_post_authors-1-author")).to_have_value("")

        with page.expect_response(is_autosave, timeout=PREVIEW_MS) as autosave:
            page.fill("#id_title", "Typed beside an empty author row")
        assert autosave.value.status == 200, autosave.value.text()
        assert autosave.value.json()["success"] is True
        expect(frame.locator("h1")).to_have_text(
            "Typed beside an empty author row", timeout=PREVIEW_MS
        )
        expect(page.locator(".w-preview--has-errors")).to_have_count(0)
        page.screenshot(path=screenshot_dir / "preview-empty-author-row.png")

        # A filled but invalid row (an author deleted since it was chosen) fails the save
        # with its error; the empty row beside it does not.
        page.get_by_role("button", name="Add author").click()
        page.locator("#id_post_authors-2-author").evaluate("field => { field.value = '999999'; }")
        page.locator("footer .w-dropdown__toggle").first.click()
        page.locator("button[name=action-publish]").click()
        expect(page.get_by_text("Select a valid choice.").first).to_be_visible(timeout=PREVIEW_MS)
        page.screenshot(path=screenshot_dir / "preview-invalid-author-row.png", full_page=True)

        # Emptied again, the rows left are dropped on publish.
        page.locator("#id_post_authors-2-author").evaluate("field => { field.value = ''; }")
        page.locator("footer .w-dropdown__toggle").first.click()
        page.locator("button[name=action-publish]").click()
        page.wait_for_url("**/admin/pages/*/", timeout=PREVIEW_MS)

    post.refresh_from_db()
    assert post.title == "Typed beside an empty author row"
    assert [row.author.name for row in post.post_authors.all()] == ["Ada Lovelace"]


def test_an_image_chosen_in_the_chooser_shows_in_the_preview_without_a_save(
    editor_setup, seo_live_server, settings, screenshot_dir
):
    post = editor_setup
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # no autosave: only the preview sees the form
    image = image_make(title="Blue square", color=(20, 40, 200))
    # Renditions are named after the original file: images/<stem>.width-480.png
    rendition = re.compile(rf"/{re.escape(Path(image.file.name).stem)}\.width-480\.")
    revisions_before = post.revisions.count()
    base_url = seo_live_server.url

    with chromium_browser() as browser:
        page = _editor_page(browser, base_url)
        frame = _open_preview(page, base_url, post)
        expect(frame.locator("figure.featured img")).to_have_count(0)

        _choose_image(page, "#id_featured_image-chooser", "Blue square")
        featured = frame.locator("figure.featured img")
        expect(featured).to_have_attribute("srcset", rendition, timeout=PREVIEW_MS)
        page.screenshot(path=screenshot_dir / "preview-featured-image.png")

        page.locator("#body-root .c-sf-add-button").last.click()
        page.get_by_role("option", name="Image").click()
        _choose_image(page, "#body-1-value-image-chooser", "Blue square")
        body_image = frame.locator(".body figure img")
        expect(body_image).to_have_count(1, timeout=PREVIEW_MS)
        expect(body_image).to_have_attribute("srcset", rendition)
        page.fill("#body-1-value-alt_text", "A blue square")
        expect(body_image).to_have_attribute("alt", "A blue square", timeout=PREVIEW_MS)
        page.screenshot(path=screenshot_dir / "preview-body-image.png")

    post.refresh_from_db()
    assert post.revisions.count() == revisions_before  # nothing was saved
    assert post.featured_image is None
    assert (
        BlogPostPage.objects.get(pk=post.pk).get_latest_revision_as_object().featured_image_id
        is None
    )


def test_the_author_snippet_edit_page_has_no_serious_accessibility_violation(
    editor_setup, seo_live_server, screenshot_dir
):
    axe_script()  # fail (CI) or skip early when axe-core is not installed
    author = Author.objects.get(name="Ada Lovelace")
    author.job_title = "Analyst"
    author.bio = "<p>Wrote the first program.</p>"
    author.links = [{"type": "link", "value": {"label": "Website", "url": "https://ada.example"}}]
    author.save()
    second_author_make()
    base_url = seo_live_server.url

    with chromium_browser() as browser:
        page = _editor_page(browser, base_url)
        page.goto(f"{base_url}/admin/snippets/blog/author/edit/{author.pk}/")
        expect(page.locator("#id_name")).to_have_value("Ada Lovelace")
        assert_accessible(page, screen="author snippet edit page")
        page.screenshot(path=screenshot_dir / "author-snippet-edit.png", full_page=True)
