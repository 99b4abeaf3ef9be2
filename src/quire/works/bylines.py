"""Who a byline names, for one viewer: a work's pseuds, or "Anonymous" while a
collection keeps them secret (quire.core.visibility.can_see_creators).

Pages render bylines with the `{% byline %}` and `{% series_byline %}` tags
(quire.works.templatetags.quire_works); emails, feeds, files and the command line
take the text from here, so every surface names the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

from quire.core.visibility import GUEST, Viewer, can_see_creators
from quire.people.models import Pseud
from quire.permissions import secret_series_filter
from quire.works.models import Series, Work

ANONYMOUS = "Anonymous"
"""What a byline says instead of creators it may not name (AO3's word)."""


@dataclass(frozen=True, slots=True)
class Byline:
    """A byline as one viewer gets it."""

    pseuds: list[Pseud]
    """The creators it names: none while they are a secret from the viewer."""
    anonymous: bool
    """The work is anonymous: "Anonymous" comes first, then (for those in the secret)
    the names in brackets, as AO3 shows a creator their own anonymous work."""

    @property
    def names(self) -> list[str]:
        return [str(pseud) for pseud in self.pseuds]

    @property
    def credits(self) -> list[str]:
        """The creators as a list of names (a file's authors, JSON): "Anonymous" alone
        for an anonymous work, the names in brackets after it for those in the secret."""
        return [self.text] if self.anonymous else self.names

    @property
    def text(self) -> str:
        """The byline as plain text: "A, B", "Anonymous", or "Anonymous [A, B]"."""
        names = ", ".join(self.names)
        if self.anonymous:
            return f"{ANONYMOUS} [{names}]" if names else ANONYMOUS
        return names or ANONYMOUS


def byline_of(viewer: Viewer, work: Work) -> Byline:
    """The work's byline for `viewer` (uses the prefetch of works.queries.with_secrets)."""
    named = can_see_creators(viewer, work.access())
    return Byline(work.creator_pseuds if named else [], anonymous=work.anonymous)


def public_byline(work: Work) -> Byline:
    """The byline that leaves the archive in files and feed entries: what a guest sees,
    whoever asks, since a file cannot be taken back at the reveal."""
    return byline_of(GUEST, work)


def series_creators_secret(viewer: Viewer, series: Series) -> bool:
    """Whether the series' byline says "Anonymous" to `viewer`: one of its works is
    anonymous to them. Reads `creators_secret` from works.queries.visible_series when
    it is there (one query otherwise)."""
    known: bool | None = getattr(series, "creators_secret", None)
    if known is not None:
        return known
    return Series.objects.filter(secret_series_filter(viewer), pk=series.pk).exists()
