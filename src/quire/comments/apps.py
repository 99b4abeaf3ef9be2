from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "quire.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        """Comments can be reported (quire.moderation), as works and bookmarks can."""
        from quire.comments.queries import visible_comments
        from quire.core.visibility import GUEST
        from quire.moderation.targets import TargetKind, register

        register(
            TargetKind(
                "comment",
                "Comment",
                visible_comments,
                lambda comment: [comment.user],
                # Named as a guest would read it: the report page is anyone's.
                title=lambda comment: (
                    "Comment by "
                    + (comment.author_name_for(GUEST, comment.work.access()) or "a deleted account")
                    + f" on {comment.work.title}"
                ),
            )
        )
