"""SQL queries per request for the benchmark's endpoints, in one settings module.

``python loadtests/querycount.py SETTINGS_MODULE`` prints JSON ``{name: queries}``; the
API response cache is disabled so every count is a cold request. Used by ``make bench``.
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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from blog.models import BlogPostPage

    post = BlogPostPage.objects.live().order_by("-pk").first()
    endpoints = {
        "list": "/api/v2/pages/?type=blog.BlogPostPage&fields=*&limit=20&offset=100",
        "detail": f"/api/v2/pages/{post.pk}/",
        "search": "/api/v2/pages/?type=blog.BlogPostPage&search=python&limit=20",
    }
    counts = {}
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(API_CACHE_ENABLED=False):
        for name, path in endpoints.items():
            client.get(path)  # warm process-level caches (content types, site root paths)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            counts[name] = len(queries) if status == 200 else f"HTTP {status}"
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
