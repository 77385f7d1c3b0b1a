"""Lets ``user.has_perm("app.verb")`` and ``{{ perms }}`` answer from the role registry."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from manabiba.accounts.permissions import PERMISSIONS, has_permission


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in PERMISSIONS and has_permission(user_obj, perm)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(name.startswith(f"{app_label}.") and has_permission(user_obj, name) for name in PERMISSIONS)
