"""What readers give back and keep: kudos, hits, bookmarks, subscriptions and the inbox;
their reading history and marked-for-later list; whom they muted or blocked.

Counts live in WorkStats, one row per work beside it (AO3 keeps its stat counters
apart from the work the same way), so a hit never rewrites the work's own row and
listings read the counts with one join. quire.community.actions keeps them right.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from quire.people.models import Pseud, User
from quire.tags.models import Tag
from quire.works.models import Chapter, Series, Work


class WorkStats(models.Model):
    """A work's public figures: kudos, hits, and public bookmarks."""

    work = models.OneToOneField(
        Work, primary_key=True, on_delete=models.CASCADE, related_name="stats"
    )
    kudos = models.PositiveIntegerField(default=0)
    hits = models.PositiveBigIntegerField(default=0)
    bookmarks = models.PositiveIntegerField(default=0, help_text="Public bookmarks only.")
    comments = models.PositiveIntegerField(
        default=0, help_text="Comments everyone can read (quire.comments keeps it)."
    )

    class Meta:
        verbose_name_plural = "work stats"

    def __str__(self) -> str:
        return f"Stats of {self.work_id}"


def stats_of(work: Work) -> WorkStats:
    """The work's figures (select_related("stats") loads them with it), zero before
    the first kudos, hit or bookmark made the row."""
    try:
        return work.stats
    except WorkStats.DoesNotExist:
        return WorkStats(work=work)


class HitVisit(models.Model):
    """Who opened a work today, as a keyed hash, so each visitor counts once a day.

    Only today's rows matter: counting a new visit clears the work's older ones.
    """

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=40)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint("work", "visitor", "day", name="one_hit_per_visitor_day"),
        ]

    def __str__(self) -> str:
        return f"Visit to {self.work_id} on {self.day}"


class Kudos(models.Model):
    """One reader's thanks: an account, or a guest known only by keyed hashes of their
    address and their browser session (either one already used means no more kudos)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos"
    )
    guest_address = models.CharField(max_length=40, blank=True)
    guest_session = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        indexes = [models.Index(fields=["work", "-created_at"], name="kudos_by_work")]
        constraints = [
            models.UniqueConstraint(
                "work", "user", condition=Q(user__isnull=False), name="one_kudos_per_user"
            ),
            models.UniqueConstraint(
                "work",
                "guest_address",
                condition=Q(user__isnull=True) & ~Q(guest_address=""),
                name="one_kudos_per_guest_address",
            ),
            models.UniqueConstraint(
                "work",
                "guest_session",
                condition=Q(user__isnull=True) & ~Q(guest_session=""),
                name="one_kudos_per_guest_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_address=""),
                name="kudos_from_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos on {self.work_id} from {self.user or 'a guest'}"


class Bookmark(models.Model):
    """A reader's bookmark of a work or a series, under one of their pseuds."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookmarks")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    notes = models.TextField(blank=True, help_text="Sanitized HTML, at most 5,000 characters.")
    tags = models.ManyToManyField(Tag, through="BookmarkTagging", related_name="bookmarks")
    private = models.BooleanField(default=False, help_text="Only its owner sees it.")
    rec = models.BooleanField(default=False, help_text="A recommendation.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True)
                | Q(work__isnull=True, series__isnull=False),
                name="bookmark_of_a_work_or_a_series",
            ),
            models.UniqueConstraint(
                "user", "work", condition=Q(work__isnull=False), name="one_bookmark_per_work"
            ),
            models.UniqueConstraint(
                "user", "series", condition=Q(series__isnull=False), name="one_bookmark_per_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} bookmarked {self.work or self.series}"

    @property
    def item(self) -> Work | Series:
        """What is bookmarked."""
        return self.work if self.work is not None else self.series  # type: ignore[return-value]

    def get_edit_url(self) -> str:
        """The bookmark form of what is bookmarked, which edits the reader's own."""
        if self.work_id is not None:
            return reverse("community:bookmark_work", args=[self.work_id])
        return reverse("community:bookmark_series", args=[self.series_id])

    @property
    def bookmarker_tags(self) -> list[Tag]:
        """The bookmarker's tags, in their order (uses prefetched taggings)."""
        return [tagging.tag for tagging in self.taggings.all()]


class BookmarkTagging(models.Model):
    """A tag the bookmarker put on their bookmark (not on the work)."""

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="bookmark_taggings")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("bookmark", "tag", name="unique_bookmark_tagging"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} on {self.bookmark}"


class Subscription(models.Model):
    """A reader following a work (new chapters), a creator (new works) or a series
    (new works in it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    creator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="subscribers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=False, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=True, creator__isnull=False),
                name="subscription_to_one_thing",
            ),
            models.UniqueConstraint(
                "user", "work", condition=Q(work__isnull=False), name="one_subscription_per_work"
            ),
            models.UniqueConstraint(
                "user",
                "series",
                condition=Q(series__isnull=False),
                name="one_subscription_per_series",
            ),
            models.UniqueConstraint(
                "user",
                "creator",
                condition=Q(creator__isnull=False),
                name="one_subscription_per_creator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.work or self.series or self.creator}"


class Update(models.TextChoices):
    """What an inbox entry announces."""

    CHAPTER = "chapter", "New chapter"
    WORK = "work", "New work"
    SERIES = "series", "New work in a series"
    COMMENT = "comment", "New comment"
    REPLY = "reply", "Reply to your comment"


class Announcement(models.Model):
    """An event that has been announced to subscribers, so it never is twice (posting a
    work that was posted, moving a work within its series)."""

    key = models.CharField(max_length=80, unique=True, help_text='e.g. "chapter:12".')
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class InboxEntry(models.Model):
    """One update for one member: a chapter, a work, or a work added to a series (for a
    subscriber); a comment on their work or a reply to their comment (quire.comments)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox")
    kind = models.CharField(max_length=10, choices=Update.choices)
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a digest carried it; empty until then."
    )

    class Meta:
        verbose_name_plural = "inbox entries"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_by_user"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="inbox_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}: {self.work_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def target_url(self) -> str:
        """Where the update is: the comment, the new chapter, else the work."""
        if self.comment_id is not None:
            return reverse("comments:comment", args=[self.comment_id])
        if self.chapter_id is not None:
            return reverse("works:chapter", args=[self.work_id, self.chapter_id])
        return reverse("works:work", args=[self.work_id])


class Reading(models.Model):
    """A reader's history with one work (AO3's Reading): when they last opened it, how
    often, the chapter they were on, and whether they marked it for later.

    A work only marked for later has no visit yet (last_visited empty); deleting it from
    the history keeps the mark, and marking it read forgets a row with no visit.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readings")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="readings")
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The chapter last opened on its own; empty after reading the whole work.",
    )
    last_visited = models.DateTimeField(null=True, blank=True)
    visits = models.PositiveIntegerField(default=0)
    chapters_seen = models.PositiveIntegerField(
        default=0, help_text="The work's posted chapters at the last visit: more now is an update."
    )
    marked_for_later = models.BooleanField(default=False)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "work", name="one_reading_per_work"),
        ]
        indexes = [
            models.Index(fields=["user", "-last_visited"], name="history_by_user"),
            models.Index(
                fields=["user", "-marked_at"],
                condition=Q(marked_for_later=True),
                name="marked_for_later_by_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"

    @property
    def update_available(self) -> bool:
        """The work has more posted chapters than when the reader last opened it."""
        return self.last_visited is not None and self.work.chapter_count > self.chapters_seen


class HistorySetting(models.Model):
    """Whether the archive keeps a member's reading history (kept unless they say not);
    the row is made the first time they change it."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="history_setting"
    )
    keep_history = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"History of {self.user_id}: {'kept' if self.keep_history else 'not kept'}"


class _PersonalChoice(models.Model):
    """What one member chose about another, for themselves alone: nobody else is told."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="%(class)ss")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


def _once_and_not_oneself(other: str, noun: str, gerund: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint("user", other, name=f"one_{noun}_per_pair"),
        models.CheckConstraint(condition=~Q(user=F(other)), name=f"no_{gerund}_oneself"),
    ]


class Mute(_PersonalChoice):
    """A member who never wants to see another's works or comments in their listings.

    quire.permissions reads it by its relation name ("muted_by") to leave muted
    creators' works out of listings.
    """

    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by")

    class Meta(_PersonalChoice.Meta):
        constraints = _once_and_not_oneself("muted", "mute", "muting")

    def __str__(self) -> str:
        return f"{self.user_id} muted {self.muted_id}"


class Block(_PersonalChoice):
    """A member who does not want another to reach them: no comments, replies or kudos
    on their works, no co-creator invitation or gift from the one blocked."""

    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")

    class Meta(_PersonalChoice.Meta):
        constraints = _once_and_not_oneself("blocked", "block", "blocking")

    def __str__(self) -> str:
        return f"{self.user_id} blocked {self.blocked_id}"
