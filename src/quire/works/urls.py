from django.urls import path

from quire.works import views

app_name = "works"

urlpatterns = [
    path("", views.home, name="home"),
    path("works/", views.work_index, name="index"),
    path("works/<int:work_id>/", views.work_detail, name="work"),
    path("works/<int:work_id>/navigate/", views.chapter_index, name="navigate"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/", views.chapter_detail, name="chapter"),
    path("downloads/<int:work_id>/<str:filename>", views.download, name="download"),
    path("series/", views.series_index, name="series_index"),
    path("series/<int:series_id>/", views.series_detail, name="series"),
]
