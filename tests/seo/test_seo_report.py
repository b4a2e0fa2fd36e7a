"""Reports → SEO: every rule, the filters, the CSV export, permissions and the menu item."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from blog.models import BlogPostPage
from blog.seo_report import page_seo_issues, seo_report_filter, seo_report_pages
from tests.factories import image_make
from tests.paths import FRONTEND

REPORT = "/admin/reports/seo/"
DESCRIPTION = "A complete description."


def _issues(page) -> list[str]:
    annotated = seo_report_pages(pages=Page.objects.filter(pk=page.pk)).get()
    return page_seo_issues(page=annotated)


@pytest.fixture
def complete_post(make_post, image):
    """A post that breaks no rule (its own SEO title) unless a test changes a field."""

    def _make(*, slug="complete", **fields):
        defaults = {
            "featured_image": image,
            "seo_title": f"Complete post {slug}",
            "search_description": DESCRIPTION,
        }
        return make_post(slug=slug, **{**defaults, **fields})

    return _make


def test_a_complete_post_breaks_no_rule(complete_post):
    assert _issues(complete_post()) == []


def test_an_empty_title_tag_is_noted_as_the_page_title_fallback(complete_post):
    fallback = "Title tag empty: page title used"
    assert _issues(complete_post(title="Empty", seo_title="")) == [fallback]
    assert _issues(complete_post(slug="sp", title="Spaces", seo_title="   ")) == [fallback]


@pytest.mark.parametrize(("length", "flagged"), [(60, False), (61, True)])
def test_title_over_60_characters(complete_post, length, flagged):
    post = complete_post(seo_title="t" * length)
    assert _issues(post) == (["Title tag over 60 characters"] if flagged else [])


def test_long_page_title_counts_when_no_seo_title(complete_post):
    post = complete_post(title="p" * 70, seo_title="")
    assert _issues(post) == ["Title tag over 60 characters", "Title tag empty: page title used"]


def test_an_empty_meta_description_falls_back_to_the_intro_and_is_not_missing(complete_post):
    post = complete_post(search_description="", intro="An intro the API serves instead.")
    assert _issues(post) == ["Meta description empty: intro used"]
    annotated = seo_report_pages(pages=Page.objects.filter(pk=post.pk)).get()
    assert annotated.description_length == len("An intro the API serves instead.")
    assert not seo_report_filter(pages=seo_report_pages(pages=Page.objects.filter(pk=post.pk)))


def test_a_meta_description_is_missing_only_without_an_intro(site_tree):
    home, index = site_tree
    index.intro = ""
    index.search_description = ""
    index.save()
    assert "No meta description (and no intro to fall back on)" in _issues(index)
    assert "Meta description empty: intro used" in _issues(home)  # home has an intro


@pytest.mark.parametrize(("length", "flagged"), [(160, False), (161, True)])
def test_description_over_160_characters(complete_post, length, flagged):
    post = complete_post(search_description="d" * length)
    assert _issues(post) == (["Meta description over 160 characters"] if flagged else [])


def test_no_social_image_unless_a_promote_or_featured_image(complete_post, image):
    assert _issues(complete_post(slug="bare", featured_image=None)) == ["No social image"]
    assert _issues(complete_post(slug="promoted", featured_image=None, og_image=image)) == []
    assert _issues(complete_post(slug="featured", featured_image=image)) == []


def test_index_and_home_pages_need_a_promote_image(site_tree, image):
    home, index = site_tree
    assert "No social image" in _issues(index)
    index.og_image = image
    index.save()
    assert "No social image" not in _issues(index)
    assert "No social image" in _issues(home)


def test_duplicate_titles_ignore_case_and_use_the_seo_title(complete_post):
    first = complete_post(slug="one", seo_title="Same Title")
    second = complete_post(slug="two", seo_title="same title")
    third = complete_post(slug="three", title="Same title", seo_title="")
    unique = complete_post(slug="four", seo_title="Different")
    assert "Duplicate title tag" in _issues(first)
    assert "Duplicate title tag" in _issues(second)
    assert "Duplicate title tag" in _issues(third)
    assert "Duplicate title tag" not in _issues(unique)


def test_a_draft_twin_does_not_make_a_duplicate(complete_post):
    live = complete_post(slug="live", seo_title="Twin")
    complete_post(slug="draft", seo_title="Twin", live=False)
    assert _issues(live) == []


def test_only_live_pages_are_reported(complete_post, site_tree):
    draft = complete_post(slug="draft", seo_title="", live=False)
    withdrawn = complete_post(slug="withdrawn", seo_title="")
    withdrawn.unpublish()
    reported = seo_report_filter(pages=seo_report_pages(pages=Page.objects.all()))
    pks = set(reported.values_list("pk", flat=True))
    assert draft.pk not in pks
    assert withdrawn.pk not in pks
    assert Page.get_first_root_node().pk not in pks
    assert {page.pk for page in site_tree} <= pks


def test_report_rules_are_checked_in_one_query(complete_post, django_assert_num_queries):
    for n in range(4):
        complete_post(slug=f"p{n}", seo_title=f"Post {n % 2}")
    with django_assert_num_queries(1):
        pages = list(seo_report_pages(pages=Page.objects.all()))
    assert sum(page.issue_duplicate_title for page in pages) == 4


# --- the admin view --------------------------------------------------------------------


def _rows(response) -> set[str]:
    return {page.title for page in response.context["object_list"]}


def test_report_lists_pages_with_any_issue_by_default(admin_client, complete_post):
    fine = complete_post(title="Fine", slug="fine")
    flagged = complete_post(title="Flagged", slug="flagged", search_description="x" * 200)
    noted = complete_post(title="Noted", slug="noted", search_description="")
    response = admin_client.get(REPORT)
    assert response.status_code == 200
    rows = _rows(response)
    assert flagged.title in rows
    assert fine.title not in rows
    assert noted.title not in rows  # a fallback alone is not a problem
    assert "Meta description over 160 characters" in response.content.decode()


def test_filter_by_one_issue(admin_client, complete_post):
    complete_post(title="Intro as description", slug="a", search_description="")
    complete_post(title="Needs title", slug="b", seo_title="")
    response = admin_client.get(REPORT, {"issue": "description_fallback"})
    assert _rows(response) == {"Intro as description", "Home", "Blog"}
    assert admin_client.get(REPORT, {"issue": "description_missing"}).status_code == 200
    assert not _rows(admin_client.get(REPORT, {"issue": "description_missing"}))
    response = admin_client.get(REPORT, {"issue": "title_fallback"})
    assert "Needs title" in _rows(response)
    assert "Needs description" not in _rows(response)


def test_filter_by_page_type(admin_client, complete_post):
    complete_post(title="Post without title", slug="a", seo_title="")
    post_type = ContentType.objects.get_for_model(BlogPostPage)
    response = admin_client.get(REPORT, {"content_type": post_type.pk})
    assert _rows(response) == set()  # a title fallback alone is not a problem
    response = admin_client.get(REPORT, {"content_type": post_type.pk, "issue": "title_fallback"})
    assert _rows(response) == {"Post without title"}


def test_unknown_issue_still_lists_only_pages_with_issues(admin_client, complete_post):
    complete_post(title="Fine", slug="fine")
    response = admin_client.get(REPORT, {"issue": "bogus"})
    assert response.status_code == 200
    assert "Fine" not in _rows(response)


def test_rows_link_to_the_promote_tab(admin_client, complete_post):
    post = complete_post(title="Linked", slug="linked", seo_title="t" * 70)
    body = admin_client.get(REPORT).content.decode()
    assert f'href="/admin/pages/{post.pk}/edit/#tab-promote"' in body


def test_csv_export_lists_every_flagged_page_with_its_issues(admin_client, complete_post):
    complete_post(title="Exported", slug="exported", search_description="x" * 170)
    response = admin_client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="seo-report.csv"'
    content = b"".join(response.streaming_content).decode()
    rows = {row["Page title"]: row for row in csv.DictReader(io.StringIO(content))}
    assert set(rows) == {"Exported", "Home", "Blog"}
    exported = rows["Exported"]
    assert exported["Issues"] == "Meta description over 160 characters"
    assert exported["Meta description length"] == "170"
    assert exported["URL"] == f"{FRONTEND}/blog/exported/"
    assert exported["Type"] == "Blog post"
    assert rows["Home"]["URL"] == f"{FRONTEND}/"


def test_a_moderator_sees_the_report_and_its_menu_item(client, site_tree):
    user = get_user_model().objects.create_user("marketing", password="pw-12345-long")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    assert client.get(REPORT).status_code == 200
    # The sidebar is rendered from JSON props; the report's URL is among its menu items.
    assert "/admin/reports/seo/" in client.get("/admin/").content.decode()


def test_people_without_admin_access_are_sent_to_log_in(client, site_tree):
    user = get_user_model().objects.create_user("reader", password="pw-12345-long")
    client.force_login(user)
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.logout()
    assert client.get(REPORT).status_code == 302


def test_fixing_the_gap_takes_the_page_off_the_report(admin_client, make_post):
    post = make_post(title="To fix", slug="to-fix")
    assert "To fix" in _rows(admin_client.get(REPORT, {"issue": "social_image_missing"}))
    post.og_image = image_make(title="Card")
    post.save_revision().publish()
    assert "To fix" not in _rows(admin_client.get(REPORT, {"issue": "social_image_missing"}))


def test_the_site_default_social_image_is_noted_as_a_fallback(complete_post, seo_settings):
    post = complete_post(slug="bare", featured_image=None)
    assert _issues(post) == ["Social image: site default used"]
