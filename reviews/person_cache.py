"""What every page shows of the signed-in person, kept in the cache until it changes, so that a page does not ask
the database for it each time: their permissions (the header's links) and their count of unread notifications.

- Permissions change only through groups and permissions (Django admin, or a migration): any change to a group, a
  permission, a group's permissions or a person's groups or permissions replaces one generation, and everyone's
  permissions are worked out again when next asked for. A superuser's are kept apart from the same account's as a
  non-superuser, so granting or removing superuser status takes effect at once; an inactive account has none
  (the backend asks nothing for it).
- A review's members show on the programme dashboard (its leads), which is kept until a review changes
  (reviews/derived.py): a membership made, changed or ended anywhere (an invitation accepted, say, at an address
  that names no review) is a change to its review.
- A person's unread count is dropped whenever one of their notifications is saved or deleted (a new one, a
  cascade from a review or an account), and when they are marked read (`forget_unread`, called by the services
  that update them in bulk).

Both are dropped now and again when the transaction commits, as derived figures are (reviews/derived.py), so a
value worked out in between, from the records before the commit, is not kept. Both also expire after
PERSON_FIGURES_SECONDS, a backstop for a change made by hand in the database; 0 keeps nothing.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import derived
from .models import ReviewMembership
from .notifications.models import Notification

PERMISSIONS_GENERATION = "person:permissions:generation"


def _keeping() -> bool:
    return settings.PERSON_FIGURES_SECONDS > 0


# Permissions


def permissions(user, compute: Callable[[], set[str]]) -> set[str]:
    """The permissions `compute` works out for this active account, from the cache while nothing changed them."""
    if not _keeping():
        return compute()
    key = f"person:permissions:{user.pk}:{int(user.is_superuser)}"
    found = cache.get_many([PERMISSIONS_GENERATION, key])
    generation = found.get(PERMISSIONS_GENERATION)
    if generation is None:
        generation = secrets.randbits(62) + 1
        if not cache.add(PERMISSIONS_GENERATION, generation, None):
            generation = cache.get(PERMISSIONS_GENERATION, generation)
    kept = found.get(key)
    if kept is not None and kept[0] == generation:
        return set(kept[1])
    value = compute()
    cache.set(key, (generation, sorted(value)), settings.PERSON_FIGURES_SECONDS)
    return value


def forget_permissions() -> None:
    """Groups or permissions changed: everyone's are worked out again."""
    if _keeping():
        derived.now_and_on_commit(lambda: cache.set(PERMISSIONS_GENERATION, secrets.randbits(62) + 1, None))


@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
@receiver(post_save, sender=Permission)
@receiver(post_delete, sender=Permission)
def _group_or_permission_changed(sender, **kwargs) -> None:
    forget_permissions()


def _membership_changed(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        forget_permissions()


for _through in (get_user_model().groups.through, get_user_model().user_permissions.through, Group.permissions.through):
    m2m_changed.connect(_membership_changed, sender=_through, dispatch_uid=f"person-permissions-{_through.__name__}")


@receiver(post_save, sender=ReviewMembership)
@receiver(post_delete, sender=ReviewMembership)
def _review_membership_changed(sender, instance: ReviewMembership, **kwargs) -> None:
    derived.changed(instance.review_id)


# Unread notifications


def _unread_key(user_id: int) -> str:
    return f"person:unread:{user_id}"


def unread(user, compute: Callable[[], int]) -> int:
    """This person's count of unread notifications, from the cache while none of theirs changed."""
    if not _keeping():
        return compute()
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = compute()
        cache.set(key, count, settings.PERSON_FIGURES_SECONDS)
    return count


def forget_unread(user_id: int) -> None:
    """One of this person's notifications was added, removed or marked read."""
    if _keeping():
        key = _unread_key(user_id)
        derived.now_and_on_commit(lambda: cache.delete(key))


@receiver(post_save, sender=Notification)
@receiver(post_delete, sender=Notification)
def _notification_changed(sender, instance: Notification, **kwargs) -> None:
    forget_unread(instance.recipient_id)
