"""Security headers on every response: API, admin, documents and probes alike.

This middleware sits outermost of the security layers, so even the IP blocklist's 403s
and the rate limiter's 429s carry the headers. Django's ``SecurityMiddleware`` sets the
same ``X-Content-Type-Options``, ``Referrer-Policy`` and ``Cross-Origin-Opener-Policy``
on the responses it sees; here they are only filled in where missing.

The Content-Security-Policy depends on what the response is:

- the JSON API (``/api/``): nothing may load, run or frame it (``default-src 'none'``);
- the API docs (``/api/v2/docs/``, Swagger UI): scripts and styles from this origin only;
- everything else (the Wagtail admin, documents): this origin, plus inline scripts,
  because Wagtail 7.4's admin still writes a few (date pickers, inline panels); see
  https://github.com/wagtail/wagtail/issues/1288. ``object-src``, ``base-uri`` and
  ``form-action`` stay closed, so injected markup can neither load plugins, rebase
  URLs nor post forms elsewhere.

Framing follows ``X-Frame-Options``: Wagtail marks its preview views ``SAMEORIGIN``
(the editor shows the preview in an iframe); every other response is ``DENY``, and the
CSP's ``frame-ancestors`` says the same to browsers that prefer it.

https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP
https://owasp.org/www-project-secure-headers/
"""

from django.conf import settings

# Set on responses whose CSP this middleware wrote (a view's own policy is left alone).
CSP_MARKER = "_csp_from_security_headers"


def content_security_policy_for_path(*, path: str, framing: str) -> str:
    """The CSP header value for a response to ``path`` whose X-Frame-Options is
    ``framing`` (``DENY`` or ``SAMEORIGIN``)."""
    if any(path.startswith(prefix) for prefix in settings.SECURITY_CSP_DOCS_PATHS):
        policy = settings.SECURITY_CSP_DOCS
    elif path.startswith(settings.SECURITY_API_PATH_PREFIX):
        policy = settings.SECURITY_CSP_API
    else:
        policy = settings.SECURITY_CSP_DEFAULT
    ancestors = "'self'" if framing.upper() == "SAMEORIGIN" else "'none'"
    return "; ".join([*policy, f"frame-ancestors {ancestors}"])


class SecurityHeadersMiddleware:
    """Add the security headers every response must carry (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        )
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault("Permissions-Policy", settings.SECURITY_PERMISSIONS_POLICY)
        # Wagtail renders a preview by passing a second, inner request through the whole
        # middleware stack, then marks the outer response SAMEORIGIN: a policy this
        # middleware set on the inner pass is recomputed here for the final response.
        if "Content-Security-Policy" not in response.headers or getattr(
            response, CSP_MARKER, False
        ):
            response.headers["Content-Security-Policy"] = content_security_policy_for_path(
                path=request.path, framing=response.headers["X-Frame-Options"]
            )
            setattr(response, CSP_MARKER, True)
        return response
