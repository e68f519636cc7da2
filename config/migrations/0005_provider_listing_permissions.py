"""Support staff may look at the providers' listings (participants.ProviderListing), derived rows no one edits."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Support (read only)", "Support (editing)", "Support (payments)")


def grant(apps, schema_editor, codename="view_providerlisting"):
    app_config = apps.get_app_config("participants")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    viewing = Permission.objects.get(content_type__app_label="participants", codename=codename)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(viewing)


def revoke(apps, schema_editor, codename="view_providerlisting"):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_payments_group"),
        ("participants", "0004_provider_listing"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
