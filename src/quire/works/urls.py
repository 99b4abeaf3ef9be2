from django.urls import path

from quire.works import posting_views, views

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
    # Writing (quire.works.posting_views).
    path("works/new/", posting_views.new_work, name="new"),
    path("works/drafts/", posting_views.drafts, name="drafts"),
    path("works/gifts/", posting_views.gifts, name="gifts"),
    path(
        "works/co-creator-invitations/",
        posting_views.creator_invitations,
        name="creator_invitations",
    ),
    path("works/<int:work_id>/edit/", posting_views.edit_work, name="edit"),
    path("works/<int:work_id>/post/", posting_views.post_work, name="post"),
    path("works/<int:work_id>/delete/", posting_views.delete_work, name="delete"),
    path("works/<int:work_id>/orphan/", posting_views.orphan_work, name="orphan"),
    path("works/<int:work_id>/chapters/new/", posting_views.new_chapter, name="new_chapter"),
    path(
        "works/<int:work_id>/chapters/order/",
        posting_views.reorder_chapters,
        name="reorder_chapters",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/edit/",
        posting_views.edit_chapter,
        name="edit_chapter",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/post/",
        posting_views.post_chapter,
        name="post_chapter",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/delete/",
        posting_views.delete_chapter,
        name="delete_chapter",
    ),
]
