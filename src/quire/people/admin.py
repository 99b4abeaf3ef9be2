from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from quire.people.models import (
    ArchiveSettings,
    Invitation,
    InvitationRequest,
    Preferences,
    Pseud,
    User,
)


class PseudInline(admin.TabularInline[Pseud, User]):
    model = Pseud
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [PseudInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Profile", {"fields": ("about",)}),
        ("Quire", {"fields": ("is_placeholder", "awaiting_confirmation")}),
    )
    list_display = ["username", "email", "is_active", "is_staff", "is_placeholder", "date_joined"]
    list_filter = [*DjangoUserAdmin.list_filter, "is_placeholder", "awaiting_confirmation"]


@admin.register(Pseud)
class PseudAdmin(admin.ModelAdmin[Pseud]):
    list_display = ["name", "user", "is_default"]
    search_fields = ["name", "user__username"]


@admin.register(ArchiveSettings)
class ArchiveSettingsAdmin(admin.ModelAdmin[ArchiveSettings]):
    """One row: it can be changed, never added twice or deleted (the archive's own
    "Archive settings" page edits the same row)."""

    list_display = ["__str__", "archive_name", "signup_mode", "invitation_queue_open"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ArchiveSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: ArchiveSettings | None = None
    ) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["code", "email", "owner", "created_at", "expires_at", "used_by"]
    search_fields = ["code", "email", "owner__username", "used_by__username"]
    raw_id_fields = ["owner", "issued_by", "used_by"]


@admin.register(InvitationRequest)
class InvitationRequestAdmin(admin.ModelAdmin[InvitationRequest]):
    list_display = ["email", "created_at", "invitation"]
    search_fields = ["email"]
    raw_id_fields = ["invitation"]


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin[Preferences]):
    list_display = ["user", "view_adult", "view_full_work", "hide_warnings", "hide_freeforms"]
    raw_id_fields = ["user"]
