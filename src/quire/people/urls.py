from django.urls import path

from quire.people import views

app_name = "people"

urlpatterns = [
    path("users/<str:username>/", views.user_detail, name="user"),
    path("users/<str:username>/works/", views.user_detail, name="user_works"),
    path("users/<str:username>/pseuds/<str:pseud_name>/", views.pseud_detail, name="pseud"),
]
