from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "quire.community"
    label = "community"
    verbose_name = "Kudos, bookmarks and subscriptions"
