from django.urls import path

from quire.comments import views

app_name = "comments"

urlpatterns = [
    path("works/<int:work_id>/comments/", views.post_comment, name="post"),
    path("works/<int:work_id>/comments/unreviewed/", views.unreviewed, name="unreviewed"),
    path("comments/<int:comment_id>/", views.permalink, name="comment"),
    path("comments/<int:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
]
urlpatterns += [
    path(f"comments/<int:comment_id>/{act}/", views.moderate, {"act": act}, name=act)
    for act in views.MODERATION
]
