"""Benchmark of the incident desk: the agents' queue and search with 100,000 incidents
across 250 entities.

    .venv/bin/python bench/soporte.py [--incidents N] [--entities E] [--requests R]
                                      [--recreate] [--drop]

It runs on its own database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_soporte; the name must contain
'bench'), created if missing and kept, so a second run reuses the generated incidents
(--recreate starts afresh, --drop drops it at the end). Incidents live in the public
schema, so the entities are registered without schemas of their own (the desk never
enters them).

Each page is requested R times (default 60) through Django's test client on the
provincial host, logged in as a support agent with the second factor verified: full
request → middleware → view → template. Prints p50/p95 in ms and the queries per page.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_soporte"
PUBLIC_HOST = "diputacion.bench.localhost"
# The project's own settings (the desk's real URLconfs); no spare schemas, no debug.
DB_URL = benchdb.configure(DEFAULT_DB_URL, settings_module="provincial.settings")
os.environ["TENANT_SPARE_SCHEMAS"] = "0"
os.environ["DJANGO_DEBUG"] = "0"
os.environ["PROVINCIAL_DOMAIN"] = PUBLIC_HOST

THINGS = ["impresora", "certificado", "padrón", "volante", "correo", "contraseña", "escritorio virtual",
          "registro de entrada", "expediente", "factura electrónica", "portafirmas", "sede electrónica",
          "red", "escáner", "nómina", "contabilidad", "web municipal", "usuario", "copia de seguridad"]
PROBLEMS = ["no funciona", "da error al abrir", "va muy lento", "no imprime", "no se puede firmar",
            "no llega", "caducado", "se bloquea", "pide la contraseña otra vez", "sale en blanco"]
PLACES = ["en alcaldía", "en secretaría", "en intervención", "en la biblioteca", "en el registro",
          "en la oficina de atención", "desde casa", "en el juzgado de paz"]
SEARCHES = ["impresora", "certificado caducado", "volantes en blanco", "contraseña", "firmar portafirmas",
            "escáner lento", "factura electrónica error", "copia de seguridad"]


say, percentile = benchdb.say, benchdb.percentile


# --- data -----------------------------------------------------------------------------------


def ensure_entities(count: int) -> list:
    """`count` adhered entities (rows only; the desk lives in the public schema)."""
    from tenants.choices import EntityKind
    from tenants.models import Entity

    present = list(Entity.objects.filter(slug__startswith="bench-sop-").order_by("pk"))
    missing = count - len(present)
    if missing > 0:
        start = len(present)
        Entity.objects.bulk_create([
            Entity(name=f"Ajuntament de Prova {n:03d}", slug=f"bench-sop-{n:03d}",
                   kind=EntityKind.AYUNTAMIENTO, ine_code=f"{n:06d}", dir3_code=f"L9{n:07d}",
                   cif=f"P{n:07d}X", province="Alicante", schema_name=f"bench_sop_{n:03d}")
            for n in range(start, start + missing)])
        present = list(Entity.objects.filter(slug__startswith="bench-sop-").order_by("pk"))
    return present[:count]


def ensure_people(entities: list) -> tuple:
    from soporte.models import Grupo
    from tenants.models import Membership, User

    agents = []
    for n in range(20):
        agent, _ = User.objects.get_or_create(username=f"bench-agente-{n:02d}", defaults={
            "email": f"agente{n}@bench.localhost", "is_support_agent": True,
            "first_name": "Agente", "last_name": f"{n:02d}"})
        agents.append(agent)
    groups = []
    for n in range(4):
        grupo, _ = Grupo.objects.get_or_create(name=f"Grupo bench {n}")
        grupo.members.add(*agents[n * 5:(n + 1) * 5])
        groups.append(grupo)
    reporters = []
    for index, entity in enumerate(entities):
        user, created = User.objects.get_or_create(username=f"bench-clerk-{index:03d}", defaults={
            "email": f"clerk{index}@bench.localhost"})
        if created:
            Membership.objects.create(user=user, entity=entity, applications=["soporte"])
        reporters.append(user)
    return agents, groups, reporters


def generate(total: int, entities: list, agents: list, groups: list, reporters: list, seed: int) -> float:
    from django.db import connection

    from soporte import actions
    from soporte.choices import Estado
    from soporte.models import Contador, Incidencia
    from tenants.models import Service

    present = Incidencia.objects.count()
    missing = total - present
    if missing <= 0:
        say(f"   reusing the {present:,} incidents already generated (--recreate to redo)")
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed + present)
    services = list(Service.objects.all()) + [None] * 4
    now = datetime.datetime.now(datetime.UTC)
    closed = [Estado.CERRADA] * 7 + [Estado.RESUELTA]
    open_states = [Estado.NUEVA, Estado.ASIGNADA, Estado.EN_CURSO, Estado.PENDIENTE]
    counters: dict[int, int] = dict(Contador.objects.values_list("year", "last"))
    batch = []
    for n in range(missing):
        index = rng.randrange(len(entities))
        created = now - datetime.timedelta(minutes=rng.randint(0, 7 * 365 * 24 * 60))
        is_open = created > now - datetime.timedelta(days=60) and rng.random() < 0.6
        state = rng.choice(open_states) if is_open else rng.choice(closed)
        assignee = None if state == Estado.NUEVA else rng.choice(agents)
        counters[created.year] = counters.get(created.year, 0) + 1
        subject = f"{rng.choice(THINGS).capitalize()} {rng.choice(PROBLEMS)} {rng.choice(PLACES)}"
        resolved = created + datetime.timedelta(hours=rng.randint(1, 200)) if not is_open else None
        batch.append(Incidencia(
            reference=f"INC-{created.year}-{counters[created.year]:06d}", entity=entities[index],
            reporter=reporters[index], service=rng.choice(services), priority=rng.randint(1, 4),
            subject=subject, description=f"{subject}. {rng.choice(PROBLEMS).capitalize()} "
                                         f"también con {rng.choice(THINGS)}.",
            state=state, grupo=rng.choice(groups), assignee=assignee,
            first_response_due_at=created + datetime.timedelta(hours=4),
            resolution_due_at=created + datetime.timedelta(hours=rng.choice([8, 24, 60, 120])),
            first_response_at=None if state == Estado.NUEVA else created + datetime.timedelta(minutes=90),
            paused_since=now if state == Estado.PENDIENTE else None,
            resolved_at=resolved, closed_at=resolved if state == Estado.CERRADA else None,
            resolution_breached=rng.random() < 0.12, created_at=created, updated_at=resolved or created))
        if len(batch) == 10_000:
            Incidencia.objects.bulk_create(batch)
            batch.clear()
            say(f"   … {n + 1:,} of {missing:,}")
    Incidencia.objects.bulk_create(batch)
    for year, last in counters.items():
        Contador.objects.update_or_create(year=year, defaults={"last": last})
    say("   computing the full-text vectors")
    actions.refresh_search()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE soporte_incidencia")
    return time.perf_counter() - started


# --- requests -------------------------------------------------------------------------------


def client_for(agent):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST=PUBLIC_HOST)
    client.force_login(agent)
    device = TOTPDevice.objects.filter(user=agent, confirmed=True).first() or \
        TOTPDevice.objects.create(user=agent, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(client, label: str, urls: list[str], requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(urls[0])  # warm: templates, calendar, connection
    times, queries = [], []
    for n in range(requests):
        url = urls[n % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        queries.append(len(captured))
    result = {"label": label, "p50": percentile(times, 0.5) * 1000,
              "p95": percentile(times, 0.95) * 1000, "queries": max(queries),
              "mean_queries": statistics.mean(queries)}
    say(f"   {label:<46} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
        f"{result['queries']} queries/page")
    return result


def bench_pages(agent, entities: list, requests: int) -> list[dict]:
    from urllib.parse import urlencode

    from soporte.models import Incidencia

    client = client_for(agent)
    rng = random.Random(7)
    references = list(Incidencia.objects.order_by("?").values_list("reference", flat=True)[:20])
    entity_ids = [e.pk for e in rng.sample(entities, min(20, len(entities)))]
    pages = [
        ("queue: open incidents, page 1", ["/soporte/"]),
        ("queue: open incidents, page 40", ["/soporte/?page=40"]),
        ("queue: all states, page 1", ["/soporte/?estado=todas"]),
        ("queue: mine", ["/soporte/?vista=mias"]),
        ("queue: my groups", ["/soporte/?vista=grupo"]),
        ("queue: unassigned", ["/soporte/?vista=sin_asignar"]),
        ("queue: breaching", ["/soporte/?vista=incumplidas"]),
        ("queue: by entity, all states", [f"/soporte/?estado=todas&entity={e}" for e in entity_ids]),
        ("search: words, all states (full text)",
         [f"/soporte/?{urlencode({'estado': 'todas', 'q': q})}" for q in SEARCHES]),
        ("search: words, open only", [f"/soporte/?{urlencode({'q': q})}" for q in SEARCHES]),
        ("search: reference", [f"/soporte/?estado=todas&q={r}" for r in references]),
        ("incident page", [f"/soporte/{r}/" for r in references]),
        ("statistics page (current year)", ["/soporte/estadisticas/"]),
    ]
    return [measure(client, label, urls, requests if "statistics" not in label else 10)
            for label, urls in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=250)
    parser.add_argument("--requests", type=int, default=60, help="requests per page (60)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    run_started = time.perf_counter()
    benchdb.open_database(DB_URL, args.recreate)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from tenants import actions

        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"PostgreSQL {connection.cursor().connection.server_version}, {os.cpu_count()} CPUs")
        started = time.perf_counter()
        call_command("migrate_schemas", "--shared", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante", dir3_code="L02000003",
                                  cif="P0300000G", province="Alicante", domain=PUBLIC_HOST)
        say(f"Public schema migrated in {time.perf_counter() - started:.1f} s")
        entities = ensure_entities(args.entities)
        agents, groups, reporters = ensure_people(entities)
        say(f"== 1. {args.incidents:,} incidents across {len(entities)} entities")
        seconds = generate(args.incidents, entities, agents, groups, reporters, args.seed)
        if seconds:
            say(f"   generated in {seconds:.1f} s")
        say(f"== 2. Pages as a support agent ({args.requests} requests each)")
        results = bench_pages(agents[0], entities, args.requests)
        say("== Summary")
        for r in results:
            say(f"   {r['label']:<46}{r['p50']:8.1f}{r['p95']:9.1f} ms{r['queries']:5d} q")
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    finally:
        if args.drop:
            benchdb.drop_database(DB_URL)


if __name__ == "__main__":
    main()
