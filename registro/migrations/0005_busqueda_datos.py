"""Fill the search columns of the asientos registered before they existed."""

from django.db import migrations


def forwards(apps, schema_editor):
    from registro.busqueda import rellenar

    rellenar(apps.get_model("registro", "Asiento"))


class Migration(migrations.Migration):

    dependencies = [
        ("registro", "0004_busqueda"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
