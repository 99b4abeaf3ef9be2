from django.contrib import admin

from quire.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    """For looking a comment up; changes go through the site's own buttons, which keep
    counts and notifications right."""

    list_display = ["pk", "work", "chapter", "pseud", "guest_name", "created_at", "unreviewed"]
    list_filter = ["unreviewed", "hidden", "frozen", "deleted"]
    search_fields = ["content", "guest_name", "pseud__name"]
    raw_id_fields = ["work", "chapter", "parent", "thread", "user", "pseud"]
    readonly_fields = ["content", "created_at", "edited_at"]
