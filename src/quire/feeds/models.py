"""Feed tokens: how an e-reader app that cannot sign in reads a member's catalog."""

from __future__ import annotations

from django.db import models

from quire.people.models import User

SELECTOR_LENGTH = 12
SECRET_LENGTH = 32


class FeedToken(models.Model):
    """A reader's key to the OPDS catalog, carried in the catalog's URL.

    It grants reading the catalog and its downloads as that reader, nothing else: no
    session, no writes. The selector finds the row; the secret is compared in constant
    time. It is kept readable (not hashed) so that its owner can copy the URL again to
    another device; replacing or revoking it is one click on the catalog page.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="feed_token")
    selector = models.CharField(max_length=SELECTOR_LENGTH, unique=True)
    secret = models.CharField(max_length=SECRET_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed token of {self.user.username}"

    @property
    def key(self) -> str:
        """What the catalog URL carries: the selector, then the secret."""
        return self.selector + self.secret
