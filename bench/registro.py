"""Benchmark of the registro de entrada y salida.

    .venv/bin/python bench/registro.py [--asientos N] [--threads T] [--book B]
                                       [--justificantes J] [--queries Q] [--recreate] [--drop]

Prints figures beside a baseline measured in the same run; asserts nothing. Its own
database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_registro; the name must contain
'bench'), created if missing and kept (--recreate starts afresh, --drop drops it).

1. Registration, single-threaded: N asientos (one interesado, no anexo; then again with
   a small PDF anexo) through registro.services.registrar (validation, gap-free number
   from the counter row locked by UPDATE … RETURNING, audit record), against a plain
   INSERT of the same asiento and interesado rows in one transaction each (no counter,
   no audit): the ceiling.
2. The same with T concurrent threads (default 8), each with its own connection: every
   registration waits for the counter row of its book and year (held from the number to
   the commit; files and child rows are written before), so this measures the numbering
   lock's contention; the baseline's T threads insert without any shared row.
3. Justificantes de registro (PDF with CSV, WeasyPrint) per second.
4. The clerk's list and search page (/gestion/registro/asientos/) through Django's test
   client (middleware, template, pagination by 25) over a book of B asientos (default
   50,000, written with INSERT … SELECT generate_series, search columns then filled by
   registro.busqueda.rellenar), p50/p95 over Q requests each: no filter, by number, by
   interesado (document and surname), by text (full-text, GIN); against the bare SELECT
   of one page of asientos with the same ORDER BY, a bare ILIKE scan (what the search
   cost before) and the bare full-text query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_registro"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_SLUG = "bench-registro"
ENTITY_HOST = "bench-registro.bench.localhost"
BOOK_YEAR = 2025  # the generated book lives in a year of its own

DB_URL = benchdb.configure(DEFAULT_DB_URL, redis_db=11, settings_module="provincial.settings",
                           media_prefix="bench-registro-media-")
os.environ.setdefault("DJANGO_DEBUG", "0")
MEDIA_DIR = os.environ["MEDIA_ROOT"]


say, percentile = benchdb.say, benchdb.percentile


def setup():

    from tenants import actions
    from tenants.choices import MembershipRole
    from tenants.models import Membership, User

    entity = benchdb.ensure_entity(slug=ENTITY_SLUG, host=ENTITY_HOST,
                                   name="Ajuntament de Prova (bench)", inhabitants=8000,
                                   say=say)
    admin = benchdb.adhere(entity, "eadmin")
    clerk = User.objects.filter(email="clerk@bench.example").first()
    if clerk is None or not Membership.objects.filter(user=clerk, entity=entity).exists():
        clerk = actions.add_member(entity, acting_user=admin, email="clerk@bench.example",
                                   first_name="Clerk", last_name="Bench",
                                   password=uuid.uuid4().hex + "Aa1!",
                                   role=MembershipRole.CLERK,
                                   applications=["registro"]).user
    return entity, clerk


def _persona():
    from registro.services import InteresadoData

    return InteresadoData(tipo="fisica", tipo_documento="dni", documento="12345678Z",
                          nombre="María", apellido1="García", apellido2="López")


def register_many(entity, count: int, user, with_anexo: bool = False) -> None:
    from django_tenants.utils import schema_context

    from registro import services
    from tenants.demo import ACCEPTANCE_PDF

    anexos = [services.AnexoData("solicitud.pdf", ACCEPTANCE_PDF)] if with_anexo else []
    with schema_context(entity.schema_name):
        for i in range(count):
            services.registrar(libro="E", canal="presencial", asunto="Instancia general",
                               resumen=f"Solicitud de prueba {i}", interesados=[_persona()],
                               anexos=anexos, acting_user=user)


INSERT_ASIENTO = """
INSERT INTO registro_asiento (libro, year, numero, numero_registro, fecha_presentacion,
  fecha_computo, canal, asunto, resumen, expone, solicita, organismo_externo,
  organismo_externo_dir3, procedimiento, es_factura, estado, motivo_anulacion,
  anulado_por_nombre, estado_intercambio, identificador_intercambio,
  numero_registro_origen, intercambio_detalle, destino_sir_dir3, destino_sir_nombre,
  unidad_destino_sir_dir3, created_by_name, created_at, updated_at)
VALUES ('S', 1999, %s, %s, now(), now(), 'presencial', 'Instancia general', %s, '', '',
  '', '', '', false, 'registrado', '', '', '', '', '', '', '', '', '', '', now(), now())
RETURNING id"""
INSERT_INTERESADO = """
INSERT INTO registro_interesado (asiento_id, orden, es_representante, tipo,
  tipo_documento, documento, nombre, apellido1, apellido2, razon_social, email, telefono,
  direccion) VALUES (%s, 0, false, 'fisica', 'N', '12345678Z', 'María', 'García', 'López',
  '', '', '', '')"""
_baseline_lock = threading.Lock()
_baseline_numbers = iter(())  # set by bench_registration after the rows already there


def insert_many(entity, count: int) -> None:
    """The baseline: the same rows with plain INSERTs, one transaction per asiento."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    with schema_context(entity.schema_name):
        for i in range(count):
            with _baseline_lock:
                numero = next(_baseline_numbers)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(INSERT_ASIENTO, [numero, f"1999/S/{numero:09d}",
                                                f"Solicitud de prueba {i}"])
                cursor.execute(INSERT_INTERESADO, [cursor.fetchone()[0]])


def threaded(target, threads: int, per_thread: int, *args) -> float:
    from django.db import connections

    errors: list[BaseException] = []

    def run() -> None:
        try:
            target(*args[:1], per_thread, *args[1:])
        except BaseException as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def bench_registration(entity, clerk, count: int, threads: int) -> list[tuple[str, float]]:
    from django.db import connection

    global _baseline_numbers
    from django_tenants.utils import schema_context

    with schema_context(entity.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(numero), 0) FROM registro_asiento WHERE year = 1999")
        _baseline_numbers = iter(range(cursor.fetchone()[0] + 1, 10**9))
    rows = []
    register_many(entity, 5, clerk)  # warm
    insert_many(entity, 5)
    started = time.perf_counter()
    register_many(entity, count, clerk)
    rows.append(("registrar, 1 thread", count / (time.perf_counter() - started)))
    started = time.perf_counter()
    insert_many(entity, count)
    rows.append(("plain INSERT, 1 thread (baseline)", count / (time.perf_counter() - started)))
    per_thread = max(1, count // threads)
    connection.close()
    seconds = threaded(register_many, threads, per_thread, entity, clerk)
    rows.append((f"registrar, {threads} threads", threads * per_thread / seconds))
    seconds = threaded(insert_many, threads, per_thread, entity)
    rows.append((f"plain INSERT, {threads} threads (baseline)", threads * per_thread / seconds))
    started = time.perf_counter()
    register_many(entity, count, clerk, True)
    rows.append(("registrar with a PDF anexo, 1 thread", count / (time.perf_counter() - started)))
    seconds = threaded(register_many, threads, per_thread, entity, clerk, True)
    rows.append((f"registrar with a PDF anexo, {threads} threads",
                 threads * per_thread / seconds))
    return rows


def bench_justificantes(entity, count: int) -> float:
    from django_tenants.utils import schema_context

    from registro import services
    from registro.models import Asiento

    with schema_context(entity.schema_name):
        asientos = list(Asiento.objects.filter(year__gt=2000).order_by("-pk")[:count + 1])
        services.justificante(asientos[-1])  # warm: fonts, templates
        started = time.perf_counter()
        for asiento in asientos[:count]:
            services.justificante(asiento)
        return count / (time.perf_counter() - started)


def ensure_book(entity, size: int) -> None:
    """A book of `size` asientos in BOOK_YEAR, each with an interesado, written in bulk."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from registro import busqueda
    from registro.models import Asiento

    with schema_context(entity.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registro_asiento WHERE year = %s", [BOOK_YEAR])
        present = cursor.fetchone()[0]
        if present >= size:
            say(f"   reusing the {present:,} asientos of {BOOK_YEAR}")
            return
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO registro_asiento (libro, year, numero, numero_registro,
              fecha_presentacion, fecha_computo, canal, asunto, resumen, expone, solicita,
              organismo_externo, organismo_externo_dir3, procedimiento, es_factura, estado,
              motivo_anulacion, anulado_por_nombre, estado_intercambio,
              identificador_intercambio, numero_registro_origen, intercambio_detalle,
              destino_sir_dir3, destino_sir_nombre, unidad_destino_sir_dir3,
              created_by_name, created_at, updated_at)
            SELECT CASE WHEN n %% 5 = 0 THEN 'S' ELSE 'E' END, %(y)s, n,
              format('%(y)s/%%s/%%s', CASE WHEN n %% 5 = 0 THEN 'S' ELSE 'E' END,
                     lpad(n::text, 6, '0')),
              timestamptz '%(y)s-01-01 09:00+01' + (n * interval '9 minutes'),
              timestamptz '%(y)s-01-01 09:00+01' + (n * interval '9 minutes'),
              (ARRAY['presencial','sede','correo'])[1 + n %% 3],
              (ARRAY['Licencia de obra menor','Queja por ruidos','Solicitud de vado',
                     'Factura de suministro','Instancia general'])[1 + n %% 5],
              'Resumen del escrito número ' || n, 'Que expone el asunto ' || md5(n::text),
              'Que se tramite.', '', '', '', n %% 5 = 3, 'registrado', '', '', '', '', '',
              '', '', '', '', 'bench', now(), now()
            FROM generate_series(%(start)s, %(end)s) AS n""",
                       {"y": BOOK_YEAR, "start": present + 1, "end": size})
        cursor.execute("""
            INSERT INTO registro_interesado (asiento_id, orden, es_representante, tipo,
              tipo_documento, documento, nombre, apellido1, apellido2, razon_social, email,
              telefono, direccion)
            SELECT a.id, 0, false, 'fisica', 'N',
              lpad((a.numero * 7919 %% 100000000)::text, 8, '0') ||
                substr('TRWAGMYFPDXBNJZSQVHLCKE', (a.numero * 7919 %% 100000000) %% 23 + 1, 1),
              (ARRAY['María','José','Lucía','Antonio','Carmen','Vicent'])[1 + a.numero %% 6],
              (ARRAY['García','Martínez','Pérez','Sanchis','Vidal','Ferrer','Mira'])
                [1 + a.numero %% 7],
              (ARRAY['López','Soler','Gil','Navarro','Beltrán'])[1 + a.numero %% 5],
              '', '', '', ''
            FROM registro_asiento a WHERE a.year = %s AND a.numero > %s""",
                       [BOOK_YEAR, present])
        written = time.perf_counter() - started
        started = time.perf_counter()
        filled = busqueda.rellenar(Asiento)
        cursor.execute("ANALYZE registro_asiento; ANALYZE registro_interesado")
        say(f"   {size - present:,} asientos of {BOOK_YEAR} written in {written:.1f} s; "
            f"search columns of {filled:,} filled in {time.perf_counter() - started:.1f} s")


def bench_pages(entity, clerk, queries: int) -> list[tuple[str, list[float]]]:
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    device = TOTPDevice.objects.filter(user=clerk, confirmed=True).first() or \
        TOTPDevice.objects.create(user=clerk, name="bench", confirmed=True)
    client = Client(HTTP_HOST=ENTITY_HOST)
    client.force_login(clerk)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = "/gestion/registro/asientos/"
    cases = [
        ("list, no filter, page 1", lambda i: ""),
        ("list, page 200", lambda i: "page=200"),
        ("search by number", lambda i: f"numero={BOOK_YEAR}/E/{1 + i * 97:06d}"),
        ("search by interesado document", lambda i: f"interesado={(i * 7919):08d}"),
        ("search by interesado surname", lambda i: "interesado=" +
         ["sanchis", "ferrer gil", "mira", "vidal lópez"][i % 4]),
        ("search by text", lambda i: "texto=" + ["vado", "ruidos", "número 123",
                                                  "obra menor"][i % 4]),
    ]
    results = []
    for label, query in cases:
        response = client.get(f"{url}?{query(0)}")
        assert response.status_code == 200, (label, response.status_code)
        times = []
        for i in range(queries):
            started = time.perf_counter()
            response = client.get(f"{url}?{query(i)}")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        results.append((label, times))
    with schema_context(entity.schema_name), connection.cursor() as cursor:
        times = []
        for i in range(queries):
            started = time.perf_counter()
            cursor.execute("SELECT * FROM registro_asiento ORDER BY fecha_presentacion DESC, "
                           "numero DESC LIMIT 25 OFFSET %s", [25 * (i % 10)])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
        results.append(("bare SELECT of one page (baseline)", times))
        times = []
        for i in range(queries):
            term = "%" + ["vado", "ruidos", "número 123", "obra menor"][i % 4] + "%"
            started = time.perf_counter()
            cursor.execute("SELECT * FROM registro_asiento WHERE asunto ILIKE %s OR resumen "
                           "ILIKE %s OR expone ILIKE %s ORDER BY fecha_presentacion DESC, "
                           "numero DESC LIMIT 25", [term, term, term])
            cursor.fetchall()
            cursor.execute("SELECT count(*) FROM registro_asiento WHERE asunto ILIKE %s OR "
                           "resumen ILIKE %s OR expone ILIKE %s", [term, term, term])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
        results.append(("bare ILIKE page + count (baseline)", times))
        times = []
        for i in range(queries):
            term = ["vado:*", "ruidos:*", "numero:* & 123:*", "obra:* & menor:*"][i % 4]
            where = ("to_tsvector('simple', COALESCE(busqueda_texto, '')) @@ "
                     "to_tsquery('simple', %s)")
            started = time.perf_counter()
            cursor.execute(f"SELECT * FROM registro_asiento WHERE {where} "
                           "ORDER BY fecha_presentacion DESC, numero DESC LIMIT 25", [term])
            cursor.fetchall()
            cursor.execute(f"SELECT count(*) FROM registro_asiento WHERE {where}", [term])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
        results.append(("bare full-text page + count (baseline)", times))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--asientos", type=int, default=400, help="asientos to register (400)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent threads (8)")
    parser.add_argument("--book", type=int, default=50_000, help="asientos in the book (50,000)")
    parser.add_argument("--justificantes", type=int, default=20, help="PDFs to time (20)")
    parser.add_argument("--queries", type=int, default=40, help="requests per search (40)")
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

        from tenants import actions

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ENTITY_HOST]
        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs")
        call_command("migrate_schemas", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante",
                                  dir3_code="L02000003", cif="P0300000G",
                                  province="Alicante", domain=PUBLIC_HOST)
        entity, clerk = setup()
        run_id = uuid.uuid4().hex[:6]
        say(f"== 1-2. Registration ({args.asientos} asientos per line; run {run_id})")
        for label, rate in bench_registration(entity, clerk, args.asientos, args.threads):
            say(f"   {label:<44}{rate:>8.0f} asientos/s")
        say("== 3. Justificantes de registro (PDF with CSV)")
        say(f"   {bench_justificantes(entity, args.justificantes):.1f} justificantes/s")
        say(f"== 4. List and search page over a book of {args.book:,} asientos "
            f"({args.queries} requests each)")
        ensure_book(entity, args.book)
        for label, times in bench_pages(entity, clerk, args.queries):
            say(f"   {label:<40} p50 {percentile(times, .5) * 1000:7.1f} ms   "
                f"p95 {percentile(times, .95) * 1000:7.1f} ms   "
                f"mean {statistics.mean(times) * 1000:7.1f} ms")
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    finally:
        if args.drop:
            benchdb.drop_database(DB_URL)


if __name__ == "__main__":
    main()
