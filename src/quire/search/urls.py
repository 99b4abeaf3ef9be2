from django.urls import path

from quire.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/save/", views.save_search, name="save"),
    path("search/saved/", views.saved, name="saved"),
    path("works/<int:work_id>/search/", views.search_work, name="within_work"),
]
