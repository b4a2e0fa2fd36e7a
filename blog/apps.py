from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The content model: pages, blocks, snippets, tags and their editorial behaviour."""

    name = "blog"
    verbose_name = "Blog"
