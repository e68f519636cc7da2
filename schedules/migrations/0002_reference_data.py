from django.db import migrations


def load_reference_data(apps, schema_editor):
    from schedules import reference

    reference.load(
        apps.get_model("schedules", "Cohort"),
        apps.get_model("schedules", "Schedule"),
        apps.get_model("schedules", "Milestone"),
    )


class Migration(migrations.Migration):
    dependencies = [("schedules", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
