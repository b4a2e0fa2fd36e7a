"""Fixtures for the SEO tests: a published site tree, site-wide SEO settings, images."""

import pytest
from wagtail.models import Site
from wagtailseo.models import SeoSettings

from tests.factories import image_make


@pytest.fixture
def published_tree(site_tree):
    """(home, blog_index), each published through a revision so it has a lastmod."""
    for page in site_tree:
        page.save_revision().publish()
        page.refresh_from_db()
    return site_tree


@pytest.fixture
def site(site_tree) -> Site:
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def seo_settings(site) -> SeoSettings:
    """Site-wide SEO settings with an organisation, a logo, a default image and a handle."""
    settings = SeoSettings.for_site(site)
    settings.struct_org_name = "Example Ltd"
    settings.struct_org_logo = image_make(title="Logo", size=(800, 200))
    settings.og_image_default = image_make(title="Default card")
    settings.twitter_site = "exampleltd"
    settings.save()
    return settings
