from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_charter_2010")]

    operations = [
        migrations.RenameField("charterversion", "published_on", "effective_on"),
        # The free-text organisation becomes a link to a partner organisation (next migration).
        migrations.RemoveField("volunteerprofile", "organisation"),
    ]
