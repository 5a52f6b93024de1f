from django.db import migrations

from astep.volunteers import charter_2010


def publish(apps, schema_editor):
    # Frozen at this migration's schema: the date field was then called published_on.
    apps.get_model("volunteers", "CharterVersion").objects.get_or_create(
        version=charter_2010.VERSION,
        defaults={"published_on": charter_2010.EFFECTIVE_ON, "text": charter_2010.TEXT},
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
