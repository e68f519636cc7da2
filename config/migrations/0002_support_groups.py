"""The two groups DfE support staff belong to: one that can look at everything, one that can also change it.

Rows written only by the system (the audit trail, provider enrolments, status runs and merge records) are view-only
for both: they change through the services, never by hand. Models added later need their permissions granted by
a later migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_ONLY = "Support (read only)"
EDITING = "Support (editing)"
APPS = ("core", "participants", "schools", "schedules", "declarations")
SYSTEM_WRITTEN = {
    ("core", "auditevent"),
    ("participants", "providerenrolment"),
    ("participants", "dailystatusrun"),
    ("participants", "participantidchange"),
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; these groups need them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS).select_related("content_type")
    viewing = [p for p in ours if p.codename.startswith("view_")]
    editing = [
        p
        for p in ours
        if p.codename.startswith("view_") or (p.content_type.app_label, p.content_type.model) not in SYSTEM_WRITTEN
    ]
    Group.objects.get_or_create(name=READ_ONLY)[0].permissions.set(viewing)
    Group.objects.get_or_create(name=EDITING)[0].permissions.set(editing)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[READ_ONLY, EDITING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("participants", "0002_daily_status_run"),
        ("schools", "0003_school_eligible_for_training"),
        ("schedules", "0002_reference_data"),
        ("declarations", "0002_provider_and_fingerprint"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
