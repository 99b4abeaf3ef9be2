from django.urls import path

from quire.tags import views, wrangling

app_name = "tags"

urlpatterns = [
    path("tags/wrangle/", wrangling.queue, name="wrangle"),
    path("tags/wrangle/bulk/", wrangling.bulk, name="wrangle_bulk"),
    path("tags/autocomplete/", wrangling.autocomplete, name="autocomplete"),
    path("works/<int:work_id>/suggested-tags/", views.work_suggestions, name="suggestions"),
    path("tags/<str:name>/", views.tag_detail, name="tag"),
    path("tags/<str:name>/works/", views.tag_detail, name="works"),
    path("tags/<str:name>/edit/", wrangling.edit, name="edit"),
]
