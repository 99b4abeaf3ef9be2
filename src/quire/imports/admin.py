from django.contrib import admin

from quire.imports.models import ImportBatch, ImportedFile, WorkOrigin


class ImportedFileInline(admin.TabularInline[ImportedFile, ImportBatch]):
    model = ImportedFile
    extra = 0
    can_delete = False
    fields = ("name", "format", "outcome", "message", "work")
    readonly_fields = fields


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["__str__", "description", "started_by", "finished_at"]
    inlines = [ImportedFileInline]


@admin.register(WorkOrigin)
class WorkOriginAdmin(admin.ModelAdmin[WorkOrigin]):
    list_display = ["key", "source_format", "work"]
    search_fields = ["key", "work__title"]
