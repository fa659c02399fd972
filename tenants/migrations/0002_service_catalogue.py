"""The provincial service catalogue (MISSION.md rows 3-16) with the seeds' thresholds."""

from django.db import migrations

AY, ELM, MANC = "ayuntamiento", "elm", "mancomunidad"

SERVICES = [
    # code, name, applications, kinds, min, max (exclusive), order
    ("padron", "Padrón municipal de habitantes e intercambio con el INE", ["padron"],
     [AY], None, 20000, 10),
    ("contabilidad", "Contabilidad pública y factura electrónica (FACe)", ["contabilidad"],
     [AY, ELM, MANC], None, 20000, 20),
    ("eadmin", "Administración electrónica: registro, expedientes y sede",
     ["registro", "expedientes", "sede"], [AY, MANC], 2000, 20000, 30),
    ("eadmin-simplificada", "Administración electrónica simplificada (menos de 2.000 habitantes)",
     ["registro", "expedientes", "sede"], [AY, ELM], None, 2000, 31),
    ("portales", "Portal web municipal", ["portales"], [AY, ELM, MANC], None, 20000, 40),
    ("correo", "Correo electrónico y dominio", ["correo"], [AY, ELM, MANC], None, 20000, 50),
    ("certificados", "Certificados electrónicos y sello de órgano", ["certificados"],
     [AY, ELM, MANC], None, 50000, 60),
    ("soporte", "Soporte e incidencias", ["soporte"], [AY, ELM, MANC], None, None, 70),
    ("formacion", "Formación", ["formacion"], [AY, ELM, MANC], None, None, 80),
    ("nube", "Ayuntamiento en la nube (escritorios y servidores virtuales)", ["nube"],
     [AY], None, 10000, 90),
    ("licencias", "Acuerdos de licencias de software", ["licencias"], [AY, ELM, MANC], None,
     None, 100),
]


def forward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Service = apps.get_model("tenants", "Service")
    for code, name, applications, kinds, minimum, maximum, order in SERVICES:
        Service.objects.update_or_create(code=code, defaults={
            "name": name, "applications": applications, "eligible_kinds": kinds,
            "min_population": minimum, "max_population": maximum, "order": order})


def backward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    apps.get_model("tenants", "Service").objects.filter(
        code__in=[row[0] for row in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
