from django.urls import path

from quire.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.history, name="history"),
    path("imports/<int:batch_id>/", views.batch_detail, name="batch"),
    path("works/upload/", views.upload, name="upload"),
    path("works/upload/<int:batch_id>/", views.upload_batch, name="upload_batch"),
    path("works/upload/<int:batch_id>/<int:file_id>/", views.review, name="review"),
]
