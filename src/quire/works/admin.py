from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from quire.works.actions import do_save_chapter, do_save_work
from quire.works.models import Chapter, Creatorship, Series, SeriesPart, Tagging, Work


class CreatorshipInline(admin.TabularInline[Creatorship, Work]):
    model = Creatorship
    autocomplete_fields = ["pseud"]
    extra = 0


class TaggingInline(admin.TabularInline[Tagging, Work]):
    model = Tagging
    autocomplete_fields = ["tag"]
    extra = 0


class ChapterInline(admin.StackedInline[Chapter, Work]):
    model = Chapter
    extra = 0
    fields = ["position", "title", "posted", "published", "word_count"]
    readonly_fields = ["word_count"]
    show_change_link = True


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin[Work]):
    list_display = ["title", "posted", "hidden", "restricted", "complete", "word_count", "updated"]
    list_filter = ["posted", "hidden", "restricted", "complete", "language"]
    search_fields = ["title"]
    readonly_fields = ["word_count", "chapter_count", "created_at", "modified_at"]
    inlines = [CreatorshipInline, TaggingInline, ChapterInline]

    def save_model(
        self, request: HttpRequest, obj: Work, form: ModelForm[Work], change: bool
    ) -> None:
        do_save_work(obj)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin[Chapter]):
    list_display = ["__str__", "work", "posted", "word_count"]
    readonly_fields = ["word_count"]
    search_fields = ["title", "work__title"]

    def save_model(
        self, request: HttpRequest, obj: Chapter, form: ModelForm[Chapter], change: bool
    ) -> None:
        do_save_chapter(obj)


class SeriesPartInline(admin.TabularInline[SeriesPart, Series]):
    model = SeriesPart
    autocomplete_fields = ["work"]
    extra = 0


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin[Series]):
    list_display = ["title", "complete"]
    search_fields = ["title"]
    inlines = [SeriesPartInline]
