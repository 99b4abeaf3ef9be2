"""Every account gets a default pseud, however it was made (sign-up, admin, createsuperuser)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from quire.people.models import Pseud, User


@receiver(post_save, sender=User, dispatch_uid="quire-default-pseud")
def give_default_pseud(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Pseud.objects.get_or_create(
            user=instance, is_default=True, defaults={"name": instance.username}
        )
