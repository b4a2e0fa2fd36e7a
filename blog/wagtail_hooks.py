"""Admin registration: the blog's snippets (listings with search and filters) and the SEO
report under Reports."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import page_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from blog.dashboard import BlogDashboardPanel
from blog.models import Author, Category
from blog.seo_report import SeoReportView


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    list_display = ["name", "slug", "job_title"]
    list_filter = ["job_title"]
    ordering = ["name"]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = "Categories"
    list_display = ["name", "slug"]
    list_filter = {"name": ["icontains"]}
    ordering = ["name"]


class BlogSnippetGroup(SnippetViewSetGroup):
    menu_label = "Blog"
    menu_icon = "doc-full-inverse"
    menu_order = 200
    items = (AuthorViewSet, CategoryViewSet)


register_snippet(BlogSnippetGroup)


class SeoReportMenuItem(MenuItem):
    """Shown to whoever may edit pages, like Wagtail's own page reports."""

    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(
            request.user, ["add", "change", "publish"]
        )


@hooks.register("register_admin_urls")
def register_seo_report_urls():
    # https://docs.wagtail.org/en/7.4/extending/adding_reports.html
    return [
        path("reports/seo/", SeoReportView.as_view(), name="blog_seo_report"),
        path(
            "reports/seo/results/",
            SeoReportView.as_view(results_only=True),
            name="blog_seo_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_seo_report_menu_item():
    return SeoReportMenuItem(
        "SEO", reverse("blog_seo_report"), name="seo", icon_name="search", order=1300
    )


@hooks.register("insert_global_admin_js")
def admin_accessibility_js():
    """Accessible names Wagtail's admin leaves out (``blog/static/blog/admin-accessibility.js``)."""
    return format_html('<script src="{}"></script>', static("blog/admin-accessibility.js"))


@hooks.register("construct_homepage_panels")
def add_blog_dashboard_panel(request, panels):
    panels.append(BlogDashboardPanel(request=request))
