"""Support staff may look at the unfunded mentor listings (participants.UnfundedMentorListing), derived rows no
one edits, as they may look at the providers' listings (0005)."""

import importlib

from django.db import migrations

CODENAME = "view_unfundedmentorlisting"
_listing_permissions = importlib.import_module("config.migrations.0005_provider_listing_permissions")


def grant(apps, schema_editor):
    _listing_permissions.grant(apps, schema_editor, codename=CODENAME)


def revoke(apps, schema_editor):
    _listing_permissions.revoke(apps, schema_editor, codename=CODENAME)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_provider_listing_permissions"),
        ("participants", "0008_unfunded_mentor_listing"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
