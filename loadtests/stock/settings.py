"""Stock Wagtail v2 API over the same models and data: the benchmark's baseline.

Everything is the project's (database, middleware, models) except the API: Wagtail's own
``PagesAPIViewSet`` and ``ImagesAPIViewSet`` with no response cache, no preloading and no
query work. Also serves ``/floor/``, a trivial Django view on the same stack, as the floor
of what this machine can serve. Used only by ``make bench``.
"""

from cms.settings import *  # noqa: F403 - the project's settings, minus the API cache
from cms.settings import MIDDLEWARE

ROOT_URLCONF = "loadtests.stock.urls"
MIDDLEWARE = [m for m in MIDDLEWARE if m != "api.caching.ApiCacheMiddleware"]
