"""SQL queries per request for the benchmark's endpoints, in one settings module.

``python loadtests/querycount.py SETTINGS_MODULE`` prints JSON ``{name: queries}`` for a
cold request as the benchmark sends them: a URL the response cache has not seen, after
another of the same endpoint (so what the project keeps per listing or site, such as a
listing's count, is warm, as it is in production). ``list_published`` is a listing the
response cache has seen once, right after a publish replaced the listings' token. Used
by ``make bench``.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[1]
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from blog.models import BlogPostPage

    posts = list(BlogPostPage.objects.live().order_by("-pk").values_list("pk", flat=True)[:2])
    listing = "/api/v2/pages/?type=blog.BlogPostPage&fields=*&limit=20&offset="
    search = "/api/v2/pages/?type=blog.BlogPostPage&search=python&limit=20&offset="
    endpoints = {  # name: (a URL read first, the URL counted)
        "list": (f"{listing}100", f"{listing}120"),
        "detail": (f"/api/v2/pages/{posts[1]}/", f"/api/v2/pages/{posts[0]}/"),
        "search": (f"{search}0", f"{search}20"),
        "list_published": (f"{listing}200", f"{listing}200"),
    }
    counts = {}
    client = Client(HTTP_HOST="127.0.0.1")
    client.get(endpoints["detail"][0])  # process-level caches (content types, root paths)
    for name, (before, path) in endpoints.items():
        client.get(before)
        if name == "list_published":
            if "api.caching.ApiCacheMiddleware" not in settings.MIDDLEWARE:
                continue  # the stock configuration has no response cache
            from api.caching import api_cache_tags_invalidate

            api_cache_tags_invalidate(tags=["ep:pages"])
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[name] = len(queries) if status == 200 else f"HTTP {status}"
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
