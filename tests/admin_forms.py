"""The POST data of the Wagtail admin's blog-post form, shared by tests that drive it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def admin_post_form(*, author, category=None, action: str = "", **fields) -> dict:
    """Form data for a valid post by ``author``; ``fields`` replace any top-level value
    (``title``, ``slug``, ``body=streamfield([...])``, ``tags``...). ``action`` is the submit
    button, e.g. ``action-publish``; empty saves a draft."""
    values = {
        "title": "Shipping the headless blog",
        "slug": "shipping-the-headless-blog",
        "intro": "How the team ships a Wagtail blog to Kubernetes.",
        "publication_date": "",
        "featured_image": "",
        "body": streamfield(
            [
                ("heading", {"text": "Why headless", "level": "h2"}),
                ("paragraph", rich_text("<p>Frontends render; Wagtail edits.</p>")),
            ]
        ),
        "post_authors": inline_formset([{"author": str(author.pk)}], min=1),
        "related_links": inline_formset([]),
        "comments": inline_formset([]),
        "tags": "kubernetes, wagtail",
        "seo_title": "",
        "search_description": "",
        "canonical_url": "",
        "og_image": "",
        "twitter_card": "",
        "structured_data_type": "",
        "go_live_at": "",
        "expire_at": "",
    }
    values.update(fields)
    data = nested_form_data(values)
    if category is not None:
        data["categories"] = [str(category.pk)]
    if action:
        data[action] = action.removeprefix("action-")
    return data
