"""Read-only panels for the page editor: what the API derives from a post, shown to editors.

Reading time and excerpt are computed on save (``blog.services``) and served by the API,
so editors see them where they write, not only in the frontend.
"""

from wagtail.admin.panels import Panel

from blog.services import post_excerpt, post_reading_time


class PostFactsPanel(Panel):
    """Reading time and the excerpt listings show, as of the last save."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "blog/admin/post_facts_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["reading_time"] = post_reading_time(body=page.body) if page.body else None
            context["excerpt"] = post_excerpt(intro=page.intro or "", body=page.body or [])
            return context
