from django.contrib import admin

from quire.tags.models import MetaTagging, Tag, TagParent


class MetaTagInline(admin.TabularInline[MetaTagging, Tag]):
    model = MetaTagging
    fk_name = "sub_tag"
    autocomplete_fields = ["meta_tag"]
    extra = 0
    verbose_name = "meta tag"


class ParentInline(admin.TabularInline[TagParent, Tag]):
    model = TagParent
    fk_name = "child"
    autocomplete_fields = ["parent"]
    extra = 0
    verbose_name = "parent tag"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "type", "canonical", "merger"]
    list_filter = ["type", "canonical"]
    search_fields = ["name"]
    autocomplete_fields = ["merger"]
    inlines = [MetaTagInline, ParentInline]
