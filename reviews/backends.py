"""Django's model backend, asking for a user's permissions in one query (their own and their groups' together)
rather than two. Every page asks once, for the header's links: the answer is kept in the cache until groups or
permissions change (reviews/person_cache.py). The signed-in account itself, which every page loads, is read by SQL
made once a process (reviews/compiled.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from . import person_cache
from .compiled import Compiled

_ACCOUNT = Compiled(lambda user_id: get_user_model()._default_manager.filter(pk=user_id))


class ModelBackendOneQuery(ModelBackend):
    def get_user(self, user_id):
        """Django's, with the account read by compiled SQL when its id is an integer (as the session holds it)."""
        if type(user_id) is not int:
            return super().get_user(user_id)
        found = _ACCOUNT(user_id)
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = person_cache.permissions(user_obj, lambda: self._held(user_obj))
        return user_obj._perm_cache

    @staticmethod
    def _held(user_obj) -> set[str]:
        held = Permission.objects.all()
        if not user_obj.is_superuser:
            held = held.filter(Q(user=user_obj) | Q(group__user=user_obj))
        return {
            f"{app_label}.{codename}"
            for app_label, codename in held.values_list("content_type__app_label", "codename").distinct()
        }
