"""Who reads the catalog: e-reader apps cannot use the site's sign-in page, so they send
HTTP Basic credentials or carry a feed token in the catalog's URL.

Neither opens a session: each request is judged on its own, and what it may see is
what that member may take away (quire.permissions.download_filter).
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse

from quire.core.visibility import Viewer
from quire.feeds.queries import reader_for_token
from quire.permissions import viewer_for


class UnknownToken(Exception):
    """The catalog URL carries a token that is not (or no longer) anyone's."""


class BadCredentials(Exception):
    """The request sent HTTP Basic credentials that do not sign anyone in."""


def catalog_viewer(request: HttpRequest, token: str | None) -> Viewer:
    """The viewer a catalog request reads as: the token's owner, else the member named
    by HTTP Basic credentials, else whoever the browser's session says (often a guest)."""
    if token is not None:
        user = reader_for_token(token)
        if user is None:
            raise UnknownToken
        return viewer_for(user)
    credentials = basic_credentials(request)
    if credentials is None:
        return viewer_for(request.user)
    user = authenticate(request, username=credentials[0], password=credentials[1])
    if user is None or not user.is_active:
        raise BadCredentials
    return viewer_for(user)


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """(username, password) from an ``Authorization: Basic`` header, None without one."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadCredentials from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    username, colon, password = decoded.partition(":")
    if not colon:
        raise BadCredentials
    return username, password


def challenge(realm: str) -> HttpResponse:
    """A 401 that makes an e-reader app (or a browser) ask for a username and password."""
    response = HttpResponse(
        "Sign in with your archive username and password to read this catalog.",
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    quoted = realm.replace("\\", "").replace('"', "'")
    response["WWW-Authenticate"] = f'Basic realm="{quoted}", charset="UTF-8"'
    return response
