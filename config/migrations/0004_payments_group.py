"""A third support group for money moves: moving declarations to payable and paid, voiding them and completing
clawbacks (declarations.move_payments). The editing group does not have it; a person who does both is in both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAYMENTS = "Support (payments)"
EDITING = "Support (editing)"
APPS = ("core", "participants", "schools", "schedules", "declarations")


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; this group needs the new one now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS)
    viewing = list(ours.filter(codename__startswith="view_"))
    moving = ours.get(content_type__app_label="declarations", codename="move_payments")
    Group.objects.get_or_create(name=PAYMENTS)[0].permissions.set([*viewing, moving])
    # 0002 gives the editing group every permission its models had when it ran, which may already include this one.
    for editing in Group.objects.filter(name=EDITING):
        editing.permissions.remove(moving)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PAYMENTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_reason_and_ticket"),
        ("declarations", "0003_move_payments_permission"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
