from django.urls import path

from quire.community import views

app_name = "community"

urlpatterns = [
    path("works/<int:work_id>/kudos/", views.kudos, name="kudos"),
    path("works/<int:work_id>/bookmark/", views.bookmark_work, name="bookmark_work"),
    path("works/<int:work_id>/bookmarks/", views.work_bookmarks, name="work_bookmarks"),
    path("series/<int:series_id>/bookmark/", views.bookmark_series, name="bookmark_series"),
    path("series/<int:series_id>/bookmarks/", views.series_bookmarks, name="series_bookmarks"),
    path("bookmarks/", views.bookmark_search, name="bookmarks"),
    path("bookmarks/<int:bookmark_id>/delete/", views.delete_bookmark, name="delete_bookmark"),
    path("users/<str:username>/bookmarks/", views.user_bookmarks, name="user_bookmarks"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:subscription_id>/delete/", views.unsubscribe, name="unsubscribe"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:entry_id>/", views.open_entry, name="open_entry"),
]
