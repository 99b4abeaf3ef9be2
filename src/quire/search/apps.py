from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "quire.search"
    label = "search"
    verbose_name = "Search"
