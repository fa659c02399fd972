"""Initial data of the desk: categories, SLA targets per priority, the Diputación's
business hours (Monday–Thursday 8–15, Friday 8–14), the reopening period and the
historical yearly figures of the Diputación's reports (2012–2018)."""

import datetime

from django.db import migrations

CATEGORIES = ["Consulta de uso", "Error de la aplicación", "Alta o baja de usuarios",
              "Certificados y firma", "Comunicaciones y red", "Petición de mejora"]
# priority: (first response, resolution) in business minutes
TARGETS = {4: (30, 240), 3: (60, 840), 2: (240, 2100), 1: (480, 4200)}
HOURS = [(day, datetime.time(8), datetime.time(15)) for day in range(4)] + \
    [(4, datetime.time(8), datetime.time(14))]
# "Soporte a las EELL: número de soportes" of the Diputación's service report.
HISTORICO = {2012: 1936, 2013: 1148, 2014: 2288, 2015: 3313, 2016: 3535, 2017: 5303, 2018: 4829}
SOURCE = "Memoria de servicios a las entidades locales de la Diputación"


def forward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Categoria = apps.get_model("soporte", "Categoria")
    for order, name in enumerate(CATEGORIES):
        Categoria.objects.get_or_create(name=name, defaults={"order": order})
    ObjetivoSLA = apps.get_model("soporte", "ObjetivoSLA")
    for priority, (first, resolution) in TARGETS.items():
        ObjetivoSLA.objects.get_or_create(priority=priority, defaults={
            "first_response_minutes": first, "resolution_minutes": resolution})
    Calendario = apps.get_model("soporte", "Calendario")
    if not Calendario.objects.exists():
        calendario = Calendario.objects.create(name="Calendario laboral de la Diputación",
                                               is_default=True)
        for weekday, start, end in HOURS:
            calendario.horarios.create(weekday=weekday, start=start, end=end)
    apps.get_model("soporte", "Configuracion").objects.get_or_create(pk=1)
    HistoricoAnual = apps.get_model("soporte", "HistoricoAnual")
    for year, count in HISTORICO.items():
        HistoricoAnual.objects.update_or_create(year=year, defaults={"count": count, "source": SOURCE})


def backward(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    apps.get_model("soporte", "HistoricoAnual").objects.filter(year__in=HISTORICO).delete()


class Migration(migrations.Migration):
    dependencies = [("soporte", "0002_evento_append_only")]

    operations = [migrations.RunPython(forward, backward)]
