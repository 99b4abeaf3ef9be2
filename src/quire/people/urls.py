from django.urls import path

from quire.people import account_views, dashboard_views, staff_views, views

app_name = "people"

urlpatterns = [
    # Public pages about a member.
    path("users/<str:username>/", views.user_detail, name="user"),
    path("users/<str:username>/works/", views.user_detail, name="user_works"),
    path("users/<str:username>/profile/", views.profile, name="profile"),
    path("users/<str:username>/pseuds/", views.pseud_list, name="pseuds"),
    path("users/<str:username>/pseuds/<str:pseud_name>/", views.pseud_detail, name="pseud"),
    # Getting in.
    path("signup/", account_views.sign_up, name="signup"),
    path("signup/sent/", account_views.signup_sent, name="signup_sent"),
    path("signup/confirm/<str:uidb64>/<str:token>/", account_views.confirm, name="confirm"),
    path("signup/resend/", account_views.resend_confirmation, name="resend_confirmation"),
    path("invitations/request/", account_views.request_invitation, name="request_invitation"),
    path("invitations/status/", account_views.invitation_status, name="invitation_status"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        account_views.PasswordResetSentView.as_view(),
        name="password_reset_sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The member's own pages.
    path("account/", dashboard_views.dashboard, name="dashboard"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/profile/", dashboard_views.edit_profile, name="edit_profile"),
    path("account/preferences/", dashboard_views.preferences, name="preferences"),
    path("account/invitations/", dashboard_views.invitations, name="invitations"),
    path("account/pseuds/new/", dashboard_views.pseud_new, name="pseud_new"),
    path("account/pseuds/<int:pseud_id>/edit/", dashboard_views.pseud_edit, name="pseud_edit"),
    path(
        "account/pseuds/<int:pseud_id>/delete/", dashboard_views.pseud_delete, name="pseud_delete"
    ),
    path(
        "account/pseuds/<int:pseud_id>/default/",
        dashboard_views.pseud_make_default,
        name="pseud_default",
    ),
    # Admins.
    path("staff/archive-settings/", staff_views.archive_settings, name="archive_settings"),
    path("staff/invitations/", staff_views.invitations, name="staff_invitations"),
]
