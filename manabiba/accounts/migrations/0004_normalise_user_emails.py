"""Stored addresses in the one normal form (``core.addresses.normalise_email``) that sign-up,
login, the token endpoint and the lockout now use, so an exact lookup finds every account.

Reverse is a no-op: the forms the addresses had before are not kept, and the normal form is
still a valid address for the same mailbox. An address whose normal form another account
already has is left as it is (and named in the output) for an administrator to resolve.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from manabiba.core.addresses import normalise_email


def normalise(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    user_model = apps.get_model("accounts", "User")
    # Compared in lower case, as the table's unique constraint compares them.
    taken = {address.lower() for address in user_model.objects.values_list("email", flat=True)}
    for user in user_model.objects.only("pk", "email").order_by("pk").iterator():
        normal = normalise_email(user.email)
        if normal == user.email:
            continue
        if normal.lower() != user.email.lower() and normal.lower() in taken:
            print(f"\n  accounts: user {user.pk} keeps its address; another account has its normal form.")  # noqa: T201
            continue
        taken.discard(user.email.lower())
        taken.add(normal.lower())
        user_model.objects.filter(pk=user.pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_totp_last_step")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
