"""The security headers Django 5.2 does not send itself: a content security policy and a
permissions policy.

Django's SecurityMiddleware already sends nosniff, the referrer policy, COOP and HSTS,
and XFrameOptionsMiddleware sends X-Frame-Options; this adds the rest from settings
(``CONTENT_SECURITY_POLICY``, ``PERMISSIONS_POLICY``) so the policies are read where the
other security settings are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase

__all__ = ["SecurityHeadersMiddleware", "content_security_policy", "permissions_policy"]


def content_security_policy(directives: Mapping[str, str]) -> str:
    """``{"img-src": "'self' https:"}`` as a CSP header, in the order written."""
    return "; ".join(f"{name} {value}".rstrip() for name, value in directives.items())


def permissions_policy(features: Mapping[str, str]) -> str:
    """``{"camera": "()"}`` as a Permissions-Policy header (a structured-field dictionary)."""
    return ", ".join(f"{feature}={allowed}" for feature, allowed in features.items())


class SecurityHeadersMiddleware:
    """Adds the site's CSP and permissions policy to every response that has none.

    A file served as an attachment (downloads, OPDS acquisitions) gets ``sandbox`` too:
    should a browser ever show an HTML download in place, it runs in an opaque origin
    with no script and can reach nothing of the site's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(settings.CONTENT_SECURITY_POLICY)
        self.file_policy = self.policy + "; sandbox"
        self.permissions = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _has_nul(request):
            response: HttpResponseBase = HttpResponseBadRequest(
                "Bad request: the address holds a NUL character.", content_type="text/plain"
            )
        else:
            response = self.get_response(request)
        is_file = response.get("Content-Disposition", "").startswith("attachment")
        response.headers.setdefault(
            "Content-Security-Policy", self.file_policy if is_file else self.policy
        )
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


def _has_nul(request: HttpRequest) -> bool:
    """A NUL in the path or query string: no page has one, and PostgreSQL refuses it in
    text, so it is answered here rather than failing as a server error further in."""
    if "\x00" in request.path:
        return True
    return any("\x00" in value for values in request.GET.lists() for value in values[1]) or any(
        "\x00" in key for key in request.GET
    )
