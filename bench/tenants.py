"""Benchmark of the multi-tenant machinery: provisioning, no-op migrations, routing.

    .venv/bin/python bench/tenants.py [--entities N] [--extra-tables T] [--stock-samples S]
                                      [--reps R] [--migrate-reps M] [--stock-migrate-max E]
                                      [--requests K] [--rounds R] [--sections 1,2,3,4]
                                      [--keep]

Prints figures and ratios to a baseline measured in the same run; asserts nothing.
It runs on its own database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench), which it drops and recreates at
start and drops at the end (unless --keep). REDIS_URL defaults to redis://127.0.0.1:6379/15.

1. Provisioning one entity (tenants.actions.provision_entity): renaming a spare schema,
   copying the template schema (its DDL replayed, tenants.template_ddl), and replaying
   every migration (the stock way).
2. Making a schema as the entities grow to N (checkpoints at 10, 250 and 1,000): each
   entity is provisioned with the template's DDL replayed, on one process whose
   connection is recycled every TENANT_SCHEMAS_PER_CONNECTION schemas; at each checkpoint
   the cost per schema (median of the last ones), the backend's memory, and S samples
   of django-tenants' stock clone_schema on a fresh connection. --extra-tables T adds T
   Django-shaped tables to the template first (the ~100 the next apps bring).
3. A no-op `manage.py migrate_schemas` over N entities, in a subprocess (so that the
   time includes interpreter start and django.setup(), like a deploy): the stock
   standard and multiprocessing executors (MIGRATE_ALL_SCHEMAS=1; skipped above
   --stock-migrate-max entities: they grow with the square of the schema count) and
   ours, which skips schemas with nothing pending (provincial.migrations_executor).
4. Requests per second of a trivial page through the full middleware stack, in-process
   through a WSGIHandler: with our cached tenant routing, without tenant routing, and
   with django-tenants' stock TenantMainMiddleware (one domain query per request).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
import traceback
import warnings
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/tenants.py`, sys.path[0] is bench/, where this very file would
# shadow the project's `tenants` app: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_CACHE_REDIS_URL = "redis://127.0.0.1:6379/14"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_HOST_SUFFIX = "bench.localhost"

# Variables that would change what "stock" and "ours" mean below.
for _name in ("MIGRATE_ALL_SCHEMAS", "EXECUTOR"):
    os.environ.pop(_name, None)
DB_URL = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DB_URL
os.environ["DATABASE_URL"] = DB_URL
if "REDIS_URL" not in os.environ:
    os.environ["REDIS_URL"] = DEFAULT_REDIS_URL
    # The cache uses REDIS_URL's neighbour database unless told; make it explicit here.
    os.environ.setdefault("CACHE_REDIS_URL", DEFAULT_CACHE_REDIS_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
# WhiteNoise warns that STATIC_ROOT (collectstatic's output) does not exist: irrelevant here.
warnings.filterwarnings("ignore", message="No directory at")


# --- the benchmark database -------------------------------------------------------------


def _db_name() -> str:
    name = urlsplit(DB_URL).path.lstrip("/")
    if not name or "bench" not in name:
        # Never drop a database that is not obviously a benchmark's.
        sys.exit(f"refusing to use database {name!r}: its name must contain 'bench'")
    return name


def _admin(sql: str) -> None:
    import psycopg2

    parts = urlsplit(DB_URL)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def recreate_database() -> None:
    name = _db_name()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django never got set up; WITH (FORCE) ends its connections anyway
        pass
    _admin(f'DROP DATABASE IF EXISTS "{_db_name()}" WITH (FORCE)')


# --- helpers ----------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


class EntityFactory:
    """Unique, valid ayuntamiento data: INE with control digit, CIF, DIR3, slug, host."""

    def __init__(self) -> None:
        self.index = 0

    def next(self) -> dict:
        from stdnum.es import cif

        from tenants.choices import EntityKind
        from tenants.validators import ine_control_digit

        province = 3 + self.index // 999  # 03 (Alicante), then 04, 05...
        municipality = 1 + self.index % 999  # never 000: P0300000G is the Diputación's CIF
        self.index += 1
        code5 = f"{province:02d}{municipality:03d}"
        ine = f"{code5}{ine_control_digit(code5)}"
        cif_base = f"P{code5}00"
        slug = f"ayto-{ine}"
        return {
            "name": f"Ayuntamiento de prueba {ine}",
            "slug": slug,
            "kind": EntityKind.AYUNTAMIENTO,
            "ine_code": ine,
            "dir3_code": f"L01{ine}",
            "cif": cif_base + cif.calc_check_digits(cif_base)[1],
            "province": "Alicante" if province == 3 else f"Provincia {province:02d}",
            "domains": [f"{slug}.{ENTITY_HOST_SUFFIX}"],
            "population": 1000 + municipality,
            "population_year": 2024,
            "acting_user": None,
        }


def provision(factory: EntityFactory):
    """provision_entity with fresh data; returns (result, seconds spent creating the schema)."""
    from unittest import mock

    from tenants import actions, provisioning

    original = provisioning.create_entity_schema
    spent: list[float] = []

    def timed_create(schema_name):
        started = time.perf_counter()
        try:
            return original(schema_name)
        finally:
            spent.append(time.perf_counter() - started)

    with mock.patch.object(provisioning, "create_entity_schema", timed_create):
        result = actions.provision_entity(**factory.next())
    return result, spent[0]


# --- 1. provisioning one entity ---------------------------------------------------------


def bench_provisioning(factory: EntityFactory, reps: int) -> dict[str, dict[str, float]]:
    from unittest import mock

    from tenants import provisioning

    say(f"== 1. Provisioning one entity (provision_entity, {reps} repetitions each, median)")
    runs: dict[str, list[tuple[float, float]]] = {"spare": [], "clone": [], "migrate": []}

    def run(expected: str) -> None:
        started = time.perf_counter()
        result, schema_seconds = provision(factory)
        total = time.perf_counter() - started
        if result.method != expected:
            say(f"   ! expected method {expected!r}, provision_entity used {result.method!r}")
        runs[expected].append((total, schema_seconds))

    # Interleaved so that a slow spell of the machine hits every method alike.
    for _ in range(reps):
        provisioning.refill_spares(1)  # not timed: a worker does it ahead of time
        run("spare")
        leftover = provisioning.spare_schemas()
        if leftover:
            say(f"   ! spares left before the clone run: {leftover}")
        run("clone")
        # The stock replay: every migration, standard executor (in this process, inside
        # provision_entity's transaction, like the fallback of create_entity_schema).
        os.environ.update(MIGRATE_ALL_SCHEMAS="1", EXECUTOR="standard")
        try:
            with mock.patch.object(provisioning, "template_is_ready", return_value=False):
                run("migrate")
        finally:
            os.environ.pop("MIGRATE_ALL_SCHEMAS", None)
            os.environ.pop("EXECUTOR", None)

    medians = {method: {"total": statistics.median(t for t, _ in values),
                        "schema": statistics.median(s for _, s in values)}
               for method, values in runs.items()}
    base = medians["migrate"]
    labels = {"spare": "(a) rename a spare schema", "clone": "(b) copy the template",
              "migrate": "(c) replay migrations"}
    say(f"   {'method':<28}{'whole action':>14}{'schema step':>14}{'time vs (c)':>13}"
        f"{'speed-up':>10}")
    for method in ("spare", "clone", "migrate"):
        m = medians[method]
        say(f"   {labels[method]:<28}{fmt_ms(m['total']):>14}{fmt_ms(m['schema']):>14}"
            f"{m['total'] / base['total']:>12.3f}x{base['total'] / m['total']:>9.1f}x")
    say("   (whole action = provision_entity: entity, domain, population, audit and schema;")
    say("    (b) replays the template's DDL, tenants.template_ddl;")
    say("    (c) forces the fallback of create_entity_schema with MIGRATE_ALL_SCHEMAS=1 and")
    say("    EXECUTOR=standard, i.e. CREATE SCHEMA + migrate_schemas --schema in this process)")
    say()
    return medians


# --- 2. making a schema as the entities grow ---------------------------------------------


def add_template_tables(count: int) -> None:
    """`count` tables shaped like Django's in the template: identity key, a dozen columns,
    a foreign key to the previous one (and its index), a unique code with its LIKE index,
    a check; as if the next apps had been migrated."""
    from django.db import connection

    from tenants.provisioning import template_schema

    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{template_schema()}"')
        for i in range(count):
            table = f"bench_extra_{i:03d}"
            previous = f"bench_extra_{i - 1:03d}" if i else "padron_habitante"
            cursor.execute(f"""
                CREATE TABLE {table} (
                    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    code varchar(40) NOT NULL UNIQUE, name varchar(200) NOT NULL,
                    description text NOT NULL, amount numeric(14, 2) NOT NULL,
                    quantity integer NOT NULL CHECK (quantity >= 0),
                    is_active boolean NOT NULL, day date, created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL, data jsonb NOT NULL,
                    parent_id bigint REFERENCES {previous} (id) DEFERRABLE INITIALLY DEFERRED);
                CREATE INDEX {table}_parent_id ON {table} (parent_id);
                CREATE INDEX {table}_code_like ON {table} (code varchar_pattern_ops);""")
        cursor.execute("RESET search_path")
    connection.close()  # django-tenants sets the search_path again on the next connection


class BackendClock:
    """Wall time of a piece of database work, and the CPU time its backend spent on it
    (with how long that backend waited for a CPU), when /proc shows the backend."""

    def __init__(self, connection) -> None:
        from bench.benchdb import backend_pid, process_schedstat

        self._schedstat = process_schedstat
        self.pid = backend_pid(connection)
        self.before = process_schedstat(self.pid)
        self.started = time.perf_counter()

    def stop(self) -> tuple[float, float | None, float | None]:
        wall = time.perf_counter() - self.started
        after = self._schedstat(self.pid)
        if self.before is None or after is None:
            return wall, None, None
        return wall, (after[0] - self.before[0]) / 1e9, (after[1] - self.before[1]) / 1e9


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def stock_clone_samples(count: int) -> tuple[list[float], float | None, dict[str, int] | None]:
    """`count` django-tenants clone_schema calls on a fresh connection, each schema dropped
    afterwards (untimed); returns their times, the median CPU time of the backend for one,
    and the backend's memory after them."""
    from django.db import connection, connections
    from django_tenants.clone import CloneSchema

    from bench.benchdb import backend_memory
    from tenants.provisioning import template_schema

    connections.close_all()
    times, cpu = [], []
    for i in range(count):
        name = f"_bench_stock_{i}"
        clock = BackendClock(connection)
        CloneSchema().clone_schema(template_schema(), name, "DATA")
        wall, on_cpu, _waiting = clock.stop()
        times.append(wall)
        cpu.append(on_cpu)
    memory = backend_memory(connection)
    with connection.cursor() as cursor:
        for i in range(count):
            cursor.execute(f'DROP SCHEMA "_bench_stock_{i}" CASCADE')
    connections.close_all()
    return times, _median(cpu), memory[1] if memory else None


def fmt_opt_ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else fmt_ms(seconds)


def fmt_mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:,.0f} MB"


def bench_growth(factory: EntityFactory, total: int, stock_samples: int,
                 window: int = 10) -> list[dict]:
    from django.conf import settings
    from django.db import connection

    from bench.benchdb import backend_memory
    from tenants import provisioning
    from tenants.models import Entity
    from tenants.provisioning import template_schema

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                       [template_schema()])
        tables = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace",
                       [template_schema()])
        relations = cursor.fetchone()[0]
    checkpoints = sorted({c for c in (10, 250, 1000) if c <= total} | {total})
    per_connection = settings.TENANT_SCHEMAS_PER_CONNECTION
    say(f"== 2. Making one schema as the entities grow to {total} (template: {tables} tables, "
        f"{relations} relations)")
    say(f"   ours: provision_entity with the template's DDL replayed, one process, its "
        f"connection recycled every {per_connection} schemas; the schema step's median over "
        f"the last {window} entities before each checkpoint")
    say(f"   stock: django-tenants clone_schema('{template_schema()}', ..., 'DATA'), "
        f"{stock_samples} on a fresh connection at each checkpoint (median), then dropped")
    results = []
    made = Entity.objects.exclude(schema_name="public").count()
    pid = None
    for checkpoint in checkpoints:
        schema_times: list[float] = []
        schema_cpu: list[float | None] = []
        schema_waits: list[float | None] = []
        action_times: list[float] = []
        anon_max = rss_max = 0
        recycled = 0
        started = time.perf_counter()
        while made < checkpoint:
            one = time.perf_counter()
            clock = BackendClock(connection)
            result, schema_seconds = provision(factory)
            _wall, on_cpu, waiting = clock.stop()  # the backend's whole provision_entity
            action_times.append(time.perf_counter() - one)
            schema_times.append(schema_seconds)
            schema_cpu.append(on_cpu)
            schema_waits.append(waiting)
            made += 1
            if result.method != "clone":
                say(f"   ! entity {made} made by {result.method!r}")
            memory = backend_memory(connection)
            if memory:
                if pid is not None and memory[0] != pid:
                    recycled += 1
                pid = memory[0]
                anon_max = max(anon_max, memory[1].get("RssAnon", 0))
                rss_max = max(rss_max, memory[1].get("VmRSS", 0))
        elapsed = time.perf_counter() - started
        if not schema_times:
            continue
        grown = len(schema_times)
        # Too few entities made since the last checkpoint (section 1 made some): throwaway
        # copies on the same connection make up the window.
        throwaway = 0
        while len(schema_times) < window:
            clock = BackendClock(connection)
            provisioning.clone_template(f"_bench_copy_{throwaway}")
            wall, on_cpu, waiting = clock.stop()
            schema_times.append(wall)
            schema_cpu.append(on_cpu)
            schema_waits.append(waiting)
            throwaway += 1
        with connection.cursor() as cursor:
            for i in range(throwaway):
                cursor.execute(f'DROP SCHEMA "_bench_copy_{i}" CASCADE')
        load = os.getloadavg()[0]
        stock, stock_cpu, stock_memory = (stock_clone_samples(stock_samples) if stock_samples
                                          else ([], None, None))
        pid = None  # the samples closed the connection: not a recycling
        row = {
            "entities": checkpoint, "ours": statistics.median(schema_times[-window:]),
            "ours_action": statistics.median(action_times[-window:]),
            "ours_max": max(schema_times[-window:]),
            "ours_cpu": _median(schema_cpu[-window:]), "ours_wait": _median(schema_waits[-window:]),
            "stock_cpu": stock_cpu,
            "stock": statistics.median(stock) if stock else None,
            "stock_all": stock, "anon_max": anon_max or None, "rss_max": rss_max or None,
            "stock_anon": (stock_memory or {}).get("RssAnon"),
            "stock_rss": (stock_memory or {}).get("VmRSS"), "recycled": recycled,
            "made": grown, "elapsed": elapsed, "load": load,
        }
        results.append(row)
        stock_text = ("not sampled" if not stock else
                      f"{fmt_ms(row['stock'])} (" + ", ".join(f"{t:.2f}" for t in stock)
                      + f" s; backend CPU {fmt_opt_ms(stock_cpu)}), backend then "
                      + fmt_mb(row["stock_anon"]) + " own / " + fmt_mb(row["stock_rss"])
                      + " resident")
        extra = f" and {throwaway} throwaway copies" if throwaway else ""
        say(f"   at {checkpoint:>5,} entities: ours {fmt_ms(row['ours'])} per schema "
            f"(max {fmt_ms(row['ours_max'])}; whole provision_entity {fmt_ms(row['ours_action'])}"
            f", its backend CPU {fmt_opt_ms(row['ours_cpu'])}, waiting for a CPU "
            f"{fmt_opt_ms(row['ours_wait'])})"
            f"; {grown} made{extra} in {elapsed:.0f} s, connection recycled {recycled}x, "
            f"backend at most {fmt_mb(row['anon_max'])} own / {fmt_mb(row['rss_max'])} resident; "
            f"load average {load:.1f}")
        say(f"   {'':>18}stock clone_schema {stock_text}")
    say(f"   {'entities':>10}{'ours':>12}{'stock clone':>14}{'stock / ours':>14}"
        f"{'ours < 0.5 s':>14}{'CPU: ours':>12}{'stock':>12}")
    for row in results:
        ratio = f"{row['stock'] / row['ours']:.1f}x" if row["stock"] else "n/a"
        stock = fmt_ms(row["stock"]) if row["stock"] else "n/a"
        say(f"   {row['entities']:>10,}{fmt_ms(row['ours']):>12}{stock:>14}{ratio:>14}"
            f"{'yes' if row['ours'] < 0.5 else 'NO':>14}{fmt_opt_ms(row['ours_cpu']):>12}"
            f"{fmt_opt_ms(row['stock_cpu']):>12}")
    say("   (CPU = the PostgreSQL backend's time on a CPU, /proc/<pid>/schedstat: for ours, the"
        " whole provision_entity; it does not count waiting for the disk or for a CPU)")
    say("   (own = the backend's private memory, RssAnon: catalog caches and plans; resident ="
        " VmRSS, which also counts the shared buffers it touched)")
    say()
    return results


# --- 3. no-op migrate_schemas over N entities -------------------------------------------


def top_up_entities(factory: EntityFactory, total: int) -> None:
    from tenants.models import Entity

    existing = Entity.objects.exclude(schema_name="public").count()
    missing = max(0, total - existing)
    say(f"   creating {missing} entities (fast path) to reach {total} "
        f"({existing} already made in section 1)...")
    started = time.perf_counter()
    methods: dict[str, int] = {}
    each: list[float] = []
    for _ in range(missing):
        one = time.perf_counter()
        result, _schema = provision(factory)
        each.append(time.perf_counter() - one)
        methods[result.method] = methods.get(result.method, 0) + 1
    elapsed = time.perf_counter() - started
    if missing:
        detail = ", ".join(f"{count} by {method}" for method, count in sorted(methods.items()))
        say(f"   created in {elapsed:.1f} s ({detail}; {elapsed / missing * 1000:.0f} ms each on "
            f"average, min {min(each) * 1000:.0f}, max {max(each) * 1000:.0f} ms)")
        if missing >= 8:
            quarter = missing // 4
            medians = [statistics.median(each[i * quarter:(i + 1) * quarter]) for i in range(4)]
            say("   median per quarter of the creations (does it grow with the schema count?): "
                + " / ".join(f"{m * 1000:.0f}" for m in medians) + " ms")


def run_migrate(label: str, *, stock: bool, executor: str | None) -> float | None:
    from django.db import connections

    connections.close_all()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "provincial.settings"  # exactly what a deploy runs
    env.pop("MIGRATE_ALL_SCHEMAS", None)
    env.pop("EXECUTOR", None)
    if stock:
        env["MIGRATE_ALL_SCHEMAS"] = "1"
    command = [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"]
    if executor:
        command += ["--executor", executor]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        say(f"   ! {label}: exit status {completed.returncode}")
        say("     " + (completed.stderr or completed.stdout).strip().replace("\n", "\n     ")[-3000:])
        return None
    return elapsed


def bench_migrate(factory: EntityFactory, n: int, reps: int,
                  stock_max: int) -> dict[str, float | None]:
    from django.conf import settings
    from django.utils import timezone

    from provincial.models import SchemaMigrationState
    from tenants import provisioning

    say(f"== 3. No-op migrate_schemas over {n} entities")
    top_up_entities(factory, n)
    spares = len(provisioning.spare_schemas())
    say(f"   schemas: public + {n} entities + template{f' + {spares} spares' if spares else ''}")
    say("   each run: `manage.py migrate_schemas --noinput -v 0 [--executor X]` in a subprocess "
        "(times include interpreter start and django.setup(), as in a deploy)")

    # Untimed warm-up: bytecode, OS page cache, PostgreSQL buffers.
    run_migrate("warm-up", stock=False, executor=None)

    default = (os.environ.get("TENANT_MIGRATION_EXECUTOR")
               or getattr(settings, "TENANT_MIGRATION_EXECUTOR", None) or "standard")
    variants = [
        ("a", "(a) stock, standard executor", True, "standard"),
        ("b", "(b) stock, multiprocessing executor", True, "multiprocessing"),
        ("c", f"(c) ours, skipping ({default})", False, None),
    ]
    if n > stock_max:
        say(f"   (a) and (b) skipped: more than --stock-migrate-max={stock_max} entities "
            "(they take ~110 s at 251 schemas and grow with the square of the count)")
        variants = variants[2:]
    times: dict[str, list[float]] = {key: [] for key, *_ in variants}
    check_from = timezone.now()
    for _ in range(reps):
        for key, label, stock, executor in variants:
            elapsed = run_migrate(label, stock=stock, executor=executor)
            if elapsed is not None:
                times[key].append(elapsed)
    medians = {key: statistics.median(values) if values else None for key, values in times.items()}

    medians = {"a": None, "b": None, **medians}
    base = medians["a"]
    say(f"   {'variant':<38}{'seconds':>9}{'speed-up vs (a)':>17}")
    for key, label, _stock, _executor in variants:
        value = medians[key]
        if value is None:
            say(f"   {label:<38}{'failed':>9}")
            continue
        ratio = f"{base / value:.1f}x" if base else "n/a"
        say(f"   {label:<38}{value:>9.2f}{ratio:>17}")
    if reps > 1:
        say(f"   (median of {reps} runs each)")

    # Was the skipping run a real no-op, and did it look at every schema?
    states = SchemaMigrationState.objects.filter(checked_at__gte=check_from)
    with_pending = [s.schema_name for s in states if s.pending]
    migrated = states.filter(migrated_at__gte=check_from).count()
    say(f"   check: ours examined {states.count()} schemas, {len(with_pending)} with pending "
        f"migrations, {migrated} migrated")
    say()
    return medians


# --- 4. requests per second -------------------------------------------------------------


def bench_requests(requests: int, rounds: int) -> dict[str, float]:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import override_settings

    from tenants.models import Domain

    ours = "provincial.routing.TenantRoutingMiddleware"
    stock = "django_tenants.middleware.main.TenantMainMiddleware"
    middleware = list(settings.MIDDLEWARE)
    if ours not in middleware:
        say(f"   ! {ours} is not in MIDDLEWARE; section 3 compares nothing useful")
    bypassed = [m for m in middleware if m != ours]
    with_stock = [stock if m == ours else m for m in middleware]

    hosts = sorted(Domain.objects.exclude(tenant__schema_name="public")
                   .values_list("domain", flat=True))
    say(f"== 4. Requests/second of a trivial page (in-process WSGIHandler, full middleware "
        f"stack, {len(hosts)} entity hosts round-robin)")

    configs = []
    for key, label, stack in (
        ("bypass", "no tenant routing (public schema)", bypassed),
        ("ours", "ours: TenantRoutingMiddleware (cached)", middleware),
        ("stock", "stock TenantMainMiddleware (uncached)", with_stock),
    ):
        with override_settings(MIDDLEWARE=stack):
            configs.append((key, label, WSGIHandler()))

    def environ(host: str) -> dict:
        return {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/bench/", "SCRIPT_NAME": "",
            "QUERY_STRING": "", "SERVER_NAME": host, "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "text/plain",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": BytesIO(b""),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    statuses: dict[str, set[int]] = {}

    def start_response(status, headers, exc_info=None):
        start_response.code = int(status.split()[0])

    def hit(key: str, handler, count: int, offset: int = 0) -> float:
        codes = statuses.setdefault(key, set())
        if key == "bypass":
            connection.set_schema_to_public()
        gc.collect()
        started = time.perf_counter()
        for i in range(count):
            response = handler(environ(hosts[(offset + i) % len(hosts)]), start_response)
            b"".join(response)
            response.close()
            codes.add(start_response.code)
        return time.perf_counter() - started

    # Warm-up, enough to put every host in our routing cache.
    warm = max(300, 2 * len(hosts))
    for key, _label, handler in configs:
        hit(key, handler, warm)

    # Database statements per request (outside the timed rounds).
    queries: dict[str, float] = {}
    for key, _label, handler in configs:
        seen = [0]

        def counter(execute, sql, params, many, context, seen=seen):
            seen[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            hit(key, handler, 100)
        queries[key] = seen[0] / 100

    # Interleaved rounds; each configuration's rate is the median of its rounds.
    per_round = max(1, requests // rounds)
    rates: dict[str, list[float]] = {key: [] for key, *_ in configs}
    for r in range(rounds):
        for key, _label, handler in configs:
            rates[key].append(per_round / hit(key, handler, per_round, offset=r * per_round))
    result = {key: statistics.median(values) for key, values in rates.items()}

    base = result["bypass"]
    say(f"   {per_round * rounds} requests per configuration in {rounds} interleaved rounds "
        f"(median), after {warm} warm-up requests; persistent DB connection")
    say(f"   {'configuration':<42}{'req/s':>9}{'vs bypass':>11}{'queries/req':>13}{'status':>8}")
    for key, label, _handler in configs:
        codes = ",".join(str(c) for c in sorted(statuses[key]))
        say(f"   {label:<42}{result[key]:>9,.0f}{result[key] / base:>10.2f}x"
            f"{queries[key]:>13.2f}{codes:>8}")
    ratio = result["ours"] / base
    say(f"   routing overhead: ours serves {ratio:.2f} of the bypassed rate "
        f"(goal >= 0.90: {'met' if ratio >= 0.90 else 'NOT met'}); "
        f"stock serves {result['stock'] / base:.2f}")
    say()
    return result


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=50,
                        help="entities for sections 2 and 3 (50)")
    parser.add_argument("--extra-tables", type=int, default=0,
                        help="Django-shaped tables added to the template first (0)")
    parser.add_argument("--stock-samples", type=int, default=3,
                        help="stock clone_schema calls at each checkpoint of section 2 (3)")
    parser.add_argument("--stock-migrate-max", type=int, default=250,
                        help="most entities for the stock migrate_schemas runs (250)")
    parser.add_argument("--reps", type=int, default=3,
                        help="repetitions of each provisioning method (3)")
    parser.add_argument("--migrate-reps", type=int, default=1,
                        help="runs of each migrate_schemas variant (1)")
    parser.add_argument("--requests", type=int, default=3000,
                        help="timed requests per routing configuration (3000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved request rounds (5)")
    parser.add_argument("--sections", default="1,2,3,4",
                        help="sections to run, comma-separated (1,2,3,4)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    run_started = time.perf_counter()
    parts = urlsplit(DB_URL)
    say(f"Benchmark database: {parts.hostname}:{parts.port or 5432}/{_db_name()} "
        f"(recreated); Redis: {os.environ['REDIS_URL']}")
    recreate_database()
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from tenants import actions

        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"PostgreSQL {connection.cursor().connection.server_version}, "
            f"{os.cpu_count()} CPUs, CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}")
        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante",
                                  dir3_code="L02000003", cif="P0300000G",
                                  province="Alicante", domain=PUBLIC_HOST)
        say(f"Fresh database migrated (public + template schema) in "
            f"{time.perf_counter() - started:.1f} s")
        if args.extra_tables:
            add_template_tables(args.extra_tables)
            say(f"Template schema: {args.extra_tables} Django-shaped tables added")
        say()

        factory = EntityFactory()
        sections = {part.strip() for part in args.sections.split(",")}
        pm = bench_provisioning(factory, args.reps) if "1" in sections else None
        growth = (bench_growth(factory, args.entities, args.stock_samples)
                  if "2" in sections else [])
        migrate_medians = (bench_migrate(factory, args.entities, args.migrate_reps,
                                         args.stock_migrate_max) if "3" in sections else None)
        rates = bench_requests(args.requests, args.rounds) if "4" in sections else None

        say("== Summary")
        say(f"   {'measure':<52}{'value':>14}{'ratio':>24}")
        rows = []
        if pm:
            rows += [
                ("provision: spare rename", fmt_ms(pm["spare"]["total"]),
                 f"{pm['migrate']['total'] / pm['spare']['total']:.1f}x faster than (c)"),
                ("provision: template copy", fmt_ms(pm["clone"]["total"]),
                 f"{pm['migrate']['total'] / pm['clone']['total']:.1f}x faster than (c)"),
                ("provision: replay migrations (c)", fmt_ms(pm["migrate"]["total"]), "baseline"),
            ]
        for row in growth:
            rows.append((f"one schema at {row['entities']:,} entities: ours",
                         fmt_ms(row["ours"]),
                         f"{row['stock'] / row['ours']:.1f}x faster than stock"
                         if row["stock"] else "stock not sampled"))
            if row["stock"]:
                rows.append((f"one schema at {row['entities']:,} entities: stock clone",
                             fmt_ms(row["stock"]), "baseline"))
        base = migrate_medians["a"] if migrate_medians else None
        for key, label in (("a", "stock standard"), ("b", "stock multiproc."),
                           ("c", "ours (skipping)")) if migrate_medians else ():
            value = migrate_medians[key]
            skipped = key in ("a", "b") and args.entities > args.stock_migrate_max
            rows.append((f"no-op migrate, {args.entities} entities: {label}",
                         "skipped" if skipped else "failed" if value is None else f"{value:.2f} s",
                         "baseline" if key == "a" else
                         (f"{base / value:.1f}x faster than (a)" if base and value else "n/a")))
        for key, label in (("bypass", "no tenant routing"), ("ours", "ours (cached routing)"),
                           ("stock", "stock TenantMainMiddleware")) if rates else ():
            rows.append((f"trivial page: {label}", f"{rates[key]:,.0f} req/s",
                         "baseline" if key == "bypass" else
                         f"{rates[key] / rates['bypass']:.2f} of bypass"))
        for measure, value, ratio in rows:
            say(f"   {measure:<52}{value:>14}{ratio:>24}")
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    except Exception:
        traceback.print_exc()
        raise SystemExit(1) from None
    finally:
        if args.keep:
            say(f"Database {_db_name()} kept (--keep).")
        else:
            drop_database()
            say(f"Database {_db_name()} dropped.")


if __name__ == "__main__":
    main()
