from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "quire.imports"
    label = "imports"
    verbose_name = "Imports"
