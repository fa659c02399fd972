"""Seed the code list of municipalities (INE CPRO + CMUN) from padron/data/municipios.csv.

Later changes (a merger, a new official name) are made by provincial admins in the admin.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent.parent / "padron" / "data" / "municipios.csv"


def forward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Codigo = apps.get_model("codigos", "Codigo")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    Codigo.objects.bulk_create(
        [Codigo(tabla="municipios", codigo=row["cpro"] + row["cmun"], descripcion=row["nombre"],
                extra={"poblacion": int(row["poblacion"]), "anio": int(row["anio"])})
         for row in rows], batch_size=2000, ignore_conflicts=True)


def backward(apps, schema_editor):
    if schema_editor.connection.schema_name == "public":
        apps.get_model("codigos", "Codigo").objects.filter(tabla="municipios").delete()


class Migration(migrations.Migration):
    dependencies = [("codigos", "0004_tabla_municipios")]
    operations = [migrations.RunPython(forward, backward)]
