from django.db import migrations

from astep.territory.referential import referential_load


def load(apps, schema_editor):
    referential_load(
        region_model=apps.get_model("territory", "RegionAcademique"),
        academie_model=apps.get_model("territory", "Academie"),
        departement_model=apps.get_model("territory", "Departement"),
    )


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
