"""The admin dashboard's blog panel: recent posts, scheduled publications, open SEO problems.

What an editor or marketer opens the admin for, on its first screen.
https://docs.wagtail.org/en/7.4/reference/hooks.html#construct-homepage-panels
"""

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision

from blog.models import BlogPostPage
from blog.seo_report import seo_report_filter, seo_report_pages

RECENT_POSTS = 5


def scheduled_revisions(*, limit: int = 10) -> list:
    """Page revisions approved to go live later, soonest first, with their pages."""
    revisions = list(
        Revision.page_revisions.filter(approved_go_live_at__gt=timezone.now()).order_by(
            "approved_go_live_at"
        )[:limit]
    )
    pages = Page.objects.in_bulk([int(revision.object_id) for revision in revisions])
    for revision in revisions:
        revision.scheduled_page = pages.get(int(revision.object_id))
    return [revision for revision in revisions if revision.scheduled_page is not None]


class BlogDashboardPanel(Component):
    name = "blog_dashboard"
    order = 50
    template_name = "blog/admin/dashboard_panel.html"

    def __init__(self, *, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {
            "recent_posts": BlogPostPage.objects.order_by("-latest_revision_created_at")[
                :RECENT_POSTS
            ],
            "scheduled": scheduled_revisions(),
            "seo_problems": seo_report_filter(
                pages=seo_report_pages(pages=Page.objects.all())
            ).count(),
        }
