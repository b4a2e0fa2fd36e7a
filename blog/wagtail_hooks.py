"""Admin registration for the blog's snippets: listings with search and filters."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from blog.models import Author, Category


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
