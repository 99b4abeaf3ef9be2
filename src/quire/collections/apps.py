from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "quire.collections"
    label = "collections"
    verbose_name = "Collections and challenges"
