"""``/api/v2/schema/`` (OpenAPI 3.1 JSON) and ``/api/v2/docs/`` (Swagger UI).

Swagger UI is served from drf-spectacular-sidecar's static files through WhiteNoise:
no CDN, so the docs work offline and under a strict Content-Security-Policy.
https://github.com/tfranzel/drf-spectacular-sidecar
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api.schema import api_schema


@require_safe
def schema_view(request):
    return JsonResponse(api_schema(), json_dumps_params={"indent": 2})


def not_found_view(request, *args, **kwargs):
    """Any other URL under /api/v2/ is a JSON 404, not the page-serving catch-all's HTML."""
    return JsonResponse({"message": "not found"}, status=404)


@require_safe
def docs_view(request):
    return render(request, "api/swagger_ui.html", {"schema_url": reverse("wagtailapi:schema")})
