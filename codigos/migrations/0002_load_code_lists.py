"""Seed the code lists from the files shipped in padron/data and the INE codes of the
padrón's enumerations. Later changes are made by provincial admins in the admin."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent.parent / "padron" / "data"

# Provisional INE CAUV per cause (the official table is published only inside IDA-Padrón).
CAUV = {"AN": "NA", "AC": "CR", "AE": "CX", "AO": "OM", "BD": "DF", "BC": "CR", "BE": "CX",
        "BI": "II", "BU": "DU", "BK": "CA", "MD": "MD", "CD": "CD", "RN": "RN", "MT": "RT"}


def _rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def forward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    from padron.choices import Causa, NivelEstudios, TipoDocumento

    Codigo = apps.get_model("codigos", "Codigo")
    rows = []
    for row in _rows("paises.csv"):
        rows.append(Codigo(tabla="paises", codigo=row["code"], descripcion=row["name"],
                           extra={"eu_eea": row["eu_eea_ch"] == "1"}))
    for row in _rows("provincias.csv"):
        rows.append(Codigo(tabla="provincias", codigo=row["code"], descripcion=row["name"]))
    for row in _rows("tipos_via.csv"):
        rows.append(Codigo(tabla="tipos_via", codigo=row["code"], descripcion=row["description"]))
    for causa in Causa:
        rows.append(Codigo(tabla="causas_variacion", codigo=causa.value,
                           descripcion=str(causa.label), extra={"cauv": CAUV[causa.value]}))
    for value, label in TipoDocumento.choices:
        rows.append(Codigo(tabla="tipos_documento", codigo=value, descripcion=str(label)))
    for value, label in NivelEstudios.choices:
        rows.append(Codigo(tabla="niveles_estudios", codigo=value, descripcion=str(label)))
    Codigo.objects.bulk_create(rows, ignore_conflicts=True)


def backward(apps, schema_editor):
    if schema_editor.connection.schema_name == "public":
        apps.get_model("codigos", "Codigo").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("codigos", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
