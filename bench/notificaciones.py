"""Benchmark of the notificaciones: making a remesa, the comparecencia, the periodic
rejection by deadline.

    .venv/bin/python bench/notificaciones.py [--remesas N] [--vencidas V]
                                             [--recreate] [--drop]

Prints figures beside a baseline measured in the same run; asserts nothing. Its own
database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_notificaciones; the name must
contain 'bench'), created if missing and kept (--recreate starts afresh, --drop drops it).
The sello comes from the test PKI (tests/pki.py, RSA 2048): every acuse is sealed (PAdES),
without a timestamp.

The baseline of each step is the acuse alone: `documents.issue_rendered` of the acuse
template (WeasyPrint + PAdES seal + stored file), which every change of state issues.

1. `crear_remesa` to one destinatario (N times, default 30): validation, channel, the salida
   registered in the registro with the content as anexo, the notification, its acuse of
   puesta a disposición incorporated into the expediente, the avisos queued.
2. `acceder` (comparecencia) of those N: locked row, evidence, acuse, audit.
3. `vencer_pendientes` with V (default 100) notifications past their ten days (the action
   is given the moment eleven days ahead): each rejected as of its vence_at with its acuse,
   in one run of the periodic action.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_notificaciones"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_SLUG = "bench-notificaciones"
ENTITY_HOST = "bench-notificaciones.bench.localhost"
DB_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provincial.settings")
say = benchdb.say
DNI = "12345678Z"


def rate(label: str, count: int, seconds: float, ceiling: float | None = None) -> float:
    per_second = count / seconds
    ratio = f"  ({per_second / ceiling:.0%} of the baseline)" if ceiling else ""
    say(f"   {label:<56}{per_second:>8.1f} /s  {1000 * seconds / count:8.1f} ms each{ratio}")
    return per_second


def setup():
    """The entity (e-administración), a clerk, an expediente with a signed resolution."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from expedientes import actions as expedientes
    from expedientes.catalogo import actions as catalogo
    from expedientes.choices import EstadoDocumento, TipoDocumental
    from expedientes.models import Documento, Procedimiento
    from tenants import actions
    from tenants.choices import MembershipRole
    from tenants.demo import ACCEPTANCE_PDF
    from tenants.models import User

    entity = benchdb.ensure_entity(slug=ENTITY_SLUG, host=ENTITY_HOST,
                                   name="Ajuntament de Bench", inhabitants=4989, say=say)
    admin = benchdb.adhere(entity, "eadmin")
    clerk = User.objects.filter(username="bench_notifica").first()
    if clerk is None:
        clerk = User.objects.create_user("bench_notifica", email="notifica@bench.localhost",
                                         first_name="Marta", last_name="Notifica Bench")
        actions.add_member(entity, acting_user=admin, email=clerk.email,
                           role=MembershipRole.CLERK, applications=["expedientes", "registro"])
    with schema_context(entity.schema_name):
        catalogo.adoptar_todos(acting_user=clerk)
        procedimiento = Procedimiento.objects.order_by("pk").first()
        expediente = expedientes.abrir(
            procedimiento, asunto="Notificaciones (bench)", acting_user=clerk,
            interesados=[expedientes.InteresadoData(
                tipo_documento="dni", documento=DNI, nombre="Lucía", apellido1="Pérez",
                apellido2="Sanz", rol="solicitante")])
        documento = Documento(expediente=expediente, titulo="Resolución (bench)",
                              tipo_documental=TipoDocumental.RESOLUCION,
                              estado=EstadoDocumento.FIRMADO, is_resolucion=True,
                              nombre_fichero="resolucion.pdf", mime_type="application/pdf",
                              size=len(ACCEPTANCE_PDF), origen="1",
                              fecha_captura=timezone.now(), frozen_at=timezone.now())
        import hashlib

        documento.sha256 = documento.sha256_original = hashlib.sha256(ACCEPTANCE_PDF).hexdigest()
        documento.contenido.save("resolucion", ContentFile(ACCEPTANCE_PDF), save=False)
        documento.save()
    return entity, clerk, documento


def destinatario(index: int):
    """One person per remesa (a second pending one of the same document is refused)."""
    from stdnum.es import dni

    from notificaciones.actions import Destinatario

    number = f"{10000000 + index:08d}"
    return Destinatario(tipo_documento="NIF", documento=number + dni.calc_check_digit(number),
                        nombre="Persona", apellido1=f"Bench {index}", email="",
                        eligio_electronica=True)


def actor(notificacion):
    from notificaciones.actions import Actor

    return Actor(documento=notificacion.documento, nombre="Persona", metodo="clave",
                 nivel="sustancial", ip="192.0.2.1", user_agent="bench")


def baseline(notificacion, count: int) -> float:
    """The acuse alone: the acuse template of an existing event rendered and issued
    (WeasyPrint, PAdES seal, stored file), as acuses.emitir does, without the rest."""
    from notificaciones import acuses
    from provincial.documents import services as documents

    evento = notificacion.eventos.exclude(acuse=None).order_by("pk").first()
    context = {"evento": evento, "notificacion": notificacion, "remesa": notificacion.remesa,
               "expediente": notificacion.remesa.expediente,
               "asiento": notificacion.asiento_salida, "is_papel": False,
               "puesta_madrid": acuses.madrid(notificacion.puesta_at),
               "puesta_utc": acuses.utc(notificacion.puesta_at),
               "vence_madrid": acuses.madrid(notificacion.vence_at),
               "evento_madrid": acuses.madrid(evento.at), "evento_utc": acuses.utc(evento.at),
               "estado_label": "", "detalle": {}}
    begin = time.perf_counter()
    for _ in range(count):
        documents.issue_rendered(acuses.KIND, acuses.TEMPLATE, context, title="Acuse (bench)",
                                 issuer=None)
    return count / (time.perf_counter() - begin)


def bench(documento, clerk, remesas: int, vencidas: int, run: int) -> None:
    from django.utils import timezone

    from notificaciones import actions

    made = []
    first = actions.crear_remesa(documento=documento, concepto="Calentamiento",
                                 destinatarios=[destinatario(run)], acting_user=clerk)
    ceiling = baseline(first.notificaciones.get(), max(5, remesas // 3))
    rate("bare acuse (WeasyPrint + PAdES seal + file)", 1, 1 / ceiling)
    begin = time.perf_counter()
    for i in range(remesas):
        remesa = actions.crear_remesa(documento=documento, concepto=f"Bench {i}",
                                      destinatarios=[destinatario(run + 1 + i)],
                                      acting_user=clerk)
        made.append(remesa.notificaciones.get())
    rate("crear_remesa (salida, notification, acuse, avisos)", remesas,
         time.perf_counter() - begin, ceiling)
    begin = time.perf_counter()
    for notificacion in made:
        actions.acceder(notificacion, actor(notificacion))
    rate("acceder (comparecencia: evidence, acuse, audit)", remesas,
         time.perf_counter() - begin, ceiling)

    for i in range(vencidas):
        actions.crear_remesa(documento=documento, concepto=f"Vencida {i}",
                             destinatarios=[destinatario(run + 10000 + i)], acting_user=clerk)
    # The periodic action as it will run eleven days from now (the sello signs now).
    begin = time.perf_counter()
    rejected = actions.vencer_pendientes(timezone.now() + datetime.timedelta(days=11))
    elapsed = time.perf_counter() - begin
    rate(f"vencer_pendientes ({rejected} rejected in one run)", max(rejected, 1), elapsed,
         ceiling)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--remesas", type=int, default=30, help="remesas made and accessed (30)")
    parser.add_argument("--vencidas", type=int, default=100,
                        help="notifications rejected by deadline in one run (100)")
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()

    run_started = time.perf_counter()
    benchdb.open_database(DB_URL, args.recreate, redis_url=os.environ["REDIS_URL"])
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django_tenants.utils import schema_context

        from provincial.signing import base as signing
        from tenants import actions
        from tests.pki import identity, trusting_test_ca

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ENTITY_HOST]
        settings.SIGNING_TSA_URL = ""
        settings.NOTIFICACIONES_SMS_BACKEND = ""
        settings.MEDIA_ROOT = str(Path(os.environ.get("BENCH_MEDIA",
                                                      "/tmp/bench-notificaciones")))
        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs")
        call_command("migrate_schemas", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante",
                                  dir3_code="L02000003", cif="P0300000G",
                                  province="Alicante", domain=PUBLIC_HOST)
        entity, clerk, documento = setup()
        run = int(uuid.uuid4().int % 900) * 20000  # keeps each run's DNIs apart
        sello = identity("sello")
        with trusting_test_ca(), schema_context(entity.schema_name), \
                signing.providers_override(sello=[lambda entity: sello]):
            say(f"== Notificaciones: {args.remesas} remesas, {args.vencidas} past their "
                f"deadline")
            bench(documento, clerk, args.remesas, args.vencidas, run)
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    finally:
        if args.drop:
            benchdb.drop_database(DB_URL)


if __name__ == "__main__":
    main()
