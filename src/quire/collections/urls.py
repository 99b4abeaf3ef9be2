from django.urls import path

from quire.collections import views

app_name = "collections"

urlpatterns = [
    path("collections/", views.index, name="all"),
    path("collections/new/", views.new, name="new"),
    path("collection-items/", views.my_items, name="my_items"),
    path("works/<int:work_id>/collections/", views.work_collections, name="work"),
    path("collections/<str:name>/", views.profile, name="collection"),
    path("collections/<str:name>/works/", views.works, name="works"),
    path("collections/<str:name>/edit/", views.edit, name="edit"),
    path("collections/<str:name>/delete/", views.delete, name="delete"),
    path("collections/<str:name>/join/", views.join, name="join"),
    path("collections/<str:name>/reveal/", views.reveal, name="reveal"),
    path("collections/<str:name>/members/", views.members, name="members"),
    path("collections/<str:name>/items/", views.items, name="items"),
]
