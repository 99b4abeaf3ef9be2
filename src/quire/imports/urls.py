from django.urls import path

from quire.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.history, name="history"),
    path("imports/<int:batch_id>/", views.batch_detail, name="batch"),
]
