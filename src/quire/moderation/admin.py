"""The Django admin shows moderation records read-only: every change goes through
quire.moderation.actions, which writes the audit log, and the log itself is
append-only (no add, change or delete here, even for superusers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from quire.moderation.models import AccountWarning, AuditEntry, Hiding, Report


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "target_kind", "target_label"]
    list_filter = ["action", "target_kind"]
    search_fields = ["actor_name", "target_label", "note"]
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "target_label", "reason", "status"]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["target_label", "description", "reporter_email"]


@admin.register(AccountWarning)
class AccountWarningAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "issued_by", "seen_at"]


@admin.register(Hiding)
class HidingAdmin(ReadOnlyAdmin):
    list_display = ["work", "reason", "hidden_by", "created_at"]
