from django.db import migrations

from astep.volunteers.charter_2010 import charter_2010_publish


def publish(apps, schema_editor):
    charter_2010_publish(version_model=apps.get_model("volunteers", "CharterVersion"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
