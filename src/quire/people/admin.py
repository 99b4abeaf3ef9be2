from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from quire.people.models import Pseud, User


class PseudInline(admin.TabularInline[Pseud, User]):
    model = Pseud
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [PseudInline]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("Profile", {"fields": ("about",)}))


@admin.register(Pseud)
class PseudAdmin(admin.ModelAdmin[Pseud]):
    list_display = ["name", "user", "is_default"]
    search_fields = ["name", "user__username"]
