from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The content model: pages, blocks, snippets, tags and their editorial behaviour."""

    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog.seo_surfaces import seo_cache_signals_connect

        seo_cache_signals_connect()
