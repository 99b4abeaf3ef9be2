from django.urls import path

from quire.tags import views

app_name = "tags"

urlpatterns = [
    path("tags/<str:name>/", views.tag_detail, name="tag"),
    path("tags/<str:name>/works/", views.tag_detail, name="works"),
]
