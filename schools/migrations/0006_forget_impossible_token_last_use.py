"""O12: a token's last use stored at a travelled moment Python cannot read (year 10000, or BC) is forgotten.

Before time travel was bounded and a token's last use moved to the real clock, a sandbox request could
store one, and then every read of the token (the admin's token list) failed.
"""

from django.db import migrations

FORGET = """
    UPDATE schools_apitoken SET last_used_at = NULL
     WHERE last_used_at < '0001-01-02T00:00:00Z' OR last_used_at >= '9999-12-31T00:00:00Z'
"""


def forget_impossible_last_use(apps, schema_editor):
    schema_editor.execute(FORGET)


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_constraint_messages")]

    operations = [migrations.RunPython(forget_impossible_last_use, migrations.RunPython.noop)]
