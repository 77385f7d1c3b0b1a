"""Installs the admin with the site's own door (``admin_site.SiteAdmin``).

Kept apart from ``admin_site`` because INSTALLED_APPS imports this module before models can load.
"""

from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    default_site = "manabiba.accounts.admin_site.SiteAdmin"
