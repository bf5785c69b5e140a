from django.db import migrations


def load(apps, schema_editor):
    from hamdeli.partners.reference import load_networks

    load_networks(apps.get_model("partners", "Network"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
