from django.urls import include, path

from quire.feeds import views

app_name = "feeds"

# The catalog answers at /opds/ (HTTP Basic or the browser's session) and, for apps
# that cannot send a password, at /opds/t/<token>/ with every link carrying the token.
catalog = [
    path("", views.root, name="root"),
    path("recent/", views.recent, name="recent"),
    path("fandoms/", views.tags_of_type, {"tag_type": "fandom"}, name="fandoms"),
    path("tags/", views.tag_types, name="tag_types"),
    path("tags/<str:tag_type>/", views.tags_of_type, name="tags_of_type"),
    path("tag/<str:name>/", views.tag_works, name="tag"),
    path("creators/", views.creators, name="creators"),
    path("creators/<int:pseud_id>/", views.creator_works, name="creator"),
    path("series/", views.series_index, name="series_index"),
    path("series/<int:series_id>/", views.series_works, name="series"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("search/", views.search, name="search"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("downloads/<int:work_id>/<str:filename>", views.download, name="download"),
    path("sign-in/", views.sign_in, name="sign_in"),
]

urlpatterns = [
    path("opds/access/", views.access, name="access"),
    path("opds/", include((catalog, "opds"))),
    path("opds/t/<str:token>/", include((catalog, "opds_token"))),
    path("tags/<str:name>/feed.atom", views.tag_feed, name="tag_feed"),
    path("users/<str:username>/feed.atom", views.creator_feed, name="creator_feed"),
    path(
        "users/<str:username>/pseuds/<str:pseud_name>/feed.atom",
        views.creator_feed,
        name="pseud_feed",
    ),
]
