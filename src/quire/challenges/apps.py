from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "quire.challenges"
    label = "challenges"
    verbose_name = "Gift exchanges and prompt memes"
