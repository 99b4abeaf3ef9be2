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
    path("history/", views.history, name="history"),
    path("history/clear/", views.clear_history, name="clear_history"),
    path("history/setting/", views.history_setting, name="history_setting"),
    path("history/<int:work_id>/delete/", views.delete_from_history, name="delete_reading"),
    path("marked-for-later/", views.marked_for_later, name="marked_for_later"),
    path("works/<int:work_id>/mark-for-later/", views.mark_for_later, name="mark_for_later"),
    path("works/<int:work_id>/mark-as-read/", views.mark_as_read, name="mark_as_read"),
    path("muted/", views.chosen, {"kind": "mute"}, name="muted"),
    path("blocked/", views.chosen, {"kind": "block"}, name="blocked"),
    path("users/<str:username>/mute/", views.choose, {"kind": "mute"}, name="mute"),
    path("users/<str:username>/unmute/", views.unchoose, {"kind": "mute"}, name="unmute"),
    path("users/<str:username>/block/", views.choose, {"kind": "block"}, name="block"),
    path("users/<str:username>/unblock/", views.unchoose, {"kind": "block"}, name="unblock"),
]
