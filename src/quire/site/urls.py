from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quire administration"
admin.site.site_title = "Quire admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("quire.feeds.urls")),
    path("", include("quire.challenges.urls")),
    path("", include("quire.collections.urls")),
    path("", include("quire.community.urls")),
    path("", include("quire.moderation.urls")),
    path("", include("quire.comments.urls")),
    path("", include("quire.imports.urls")),
    path("", include("quire.search.urls")),
    path("", include("quire.people.urls")),
    path("", include("quire.tags.urls")),
    path("", include("quire.works.urls")),
]
