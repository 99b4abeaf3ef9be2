from django.urls import path

from quire.moderation import staff_views, views

app_name = "moderation"

urlpatterns = [
    path("report/<str:kind>/<int:object_id>/", views.report, name="report"),
    path("account/warnings/", views.my_warnings, name="mine"),
    # Admins.
    path("staff/moderation/", staff_views.home, name="home"),
    path("staff/moderation/reports/", staff_views.queue, name="queue"),
    path("staff/moderation/audit/", staff_views.audit_log, name="audit_log"),
    path("staff/moderation/accounts/", staff_views.find_account, name="find_account"),
    path("staff/moderation/<str:kind>/<int:object_id>/", staff_views.target, name="target"),
]
