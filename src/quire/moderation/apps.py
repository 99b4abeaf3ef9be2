from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "quire.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from quire.moderation import signals  # noqa: F401 (connects its receivers)
