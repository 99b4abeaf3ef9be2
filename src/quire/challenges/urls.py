from django.urls import path

from quire.challenges import maintainer_views, meme_views, views

app_name = "challenges"

COLLECTION = "collections/<str:name>/"

urlpatterns = [
    path("challenges/signups/", views.my_signups, name="my_signups"),
    path("challenges/assignments/", views.my_assignments, name="my_assignments"),
    path("challenges/claims/", views.my_claims, name="my_claims"),
    path(COLLECTION + "challenge/", views.home, name="home"),
    path(COLLECTION + "challenge/settings/", maintainer_views.settings, name="settings"),
    path(COLLECTION + "signups/", maintainer_views.signups, name="signups"),
    path(COLLECTION + "signups/new/", views.sign_up, name="sign_up"),
    path(COLLECTION + "signups/<int:signup_id>/", views.signup, name="signup"),
    path(COLLECTION + "signups/<int:signup_id>/edit/", views.edit_signup, name="edit_signup"),
    path(COLLECTION + "signups/<int:signup_id>/delete/", views.delete_signup, name="delete_signup"),
    path(COLLECTION + "summary/", views.summary, name="summary"),
    path(COLLECTION + "tag-set/", views.tag_set, name="tag_set"),
    path(COLLECTION + "tag-set/review/", views.review_nominations, name="review_nominations"),
    path(
        COLLECTION + "tag-set/nominations/<int:nomination_id>/withdraw/",
        views.withdraw_nomination,
        name="withdraw_nomination",
    ),
    path(COLLECTION + "matching/", maintainer_views.matching, name="matching"),
    path(COLLECTION + "matching/run/", maintainer_views.run_matching, name="run_matching"),
    path(COLLECTION + "matching/pair/", maintainer_views.pair, name="pair"),
    path(
        COLLECTION + "matching/<int:assignment_id>/remove/",
        maintainer_views.remove_pair,
        name="remove_pair",
    ),
    path(COLLECTION + "matching/send/", maintainer_views.send, name="send"),
    path(COLLECTION + "assignments/", maintainer_views.assignments, name="assignments"),
    path(COLLECTION + "assignments/pinch-hit/", maintainer_views.pinch_hit, name="pinch_hit"),
    path(COLLECTION + "assignments/remind/", maintainer_views.remind, name="remind"),
    path(COLLECTION + "assignments/<int:assignment_id>/", views.assignment, name="assignment"),
    path(COLLECTION + "assignments/<int:assignment_id>/default/", views.default, name="default"),
    path(
        COLLECTION + "assignments/<int:assignment_id>/fill/",
        views.choose_fill,
        name="choose_fill",
    ),
    path(COLLECTION + "prompts/", meme_views.prompts, name="prompts"),
    path(COLLECTION + "prompts/<int:prompt_id>/", meme_views.prompt, name="prompt"),
    path(COLLECTION + "prompts/<int:prompt_id>/claim/", meme_views.claim, name="claim"),
    path(
        COLLECTION + "prompts/<int:prompt_id>/claims/<int:claim_id>/unclaim/",
        meme_views.unclaim,
        name="unclaim",
    ),
    path(COLLECTION + "prompts/<int:prompt_id>/fill/", meme_views.link_fill, name="link_fill"),
    path(
        COLLECTION + "prompts/<int:prompt_id>/delete/",
        meme_views.delete_prompt,
        name="delete_prompt",
    ),
]
