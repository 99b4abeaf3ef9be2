from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "quire.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from quire.people import signals, throttle  # noqa: F401  (connect their receivers)
