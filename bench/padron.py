"""Benchmark of the padrón at the size of a large municipality.

    .venv/bin/python bench/padron.py [--inhabitants N] [--queries Q] [--volantes V]
                                     [--export-rows R] [--recreate] [--drop]

Prints figures, and ratios to a baseline measured in the same run; asserts nothing.
It runs on its own database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_padron; the name must contain
'bench'), which it creates if missing and keeps, so that a second run reuses the
generated padrón (--recreate starts afresh, --drop drops it at the end). One entity is
provisioned and filled with N inhabitants (default 400,000) by padron.demo.

1. Generation: `padron.demo.generate` (COPY in batches), rows per second.
2. Search as the list screen does it: filter_habitantes({"q": …}) paginated by 25, the
   first page and the paginator's count query; by document and by name (p50/p95 over
   Q queries each), against a plain ILIKE '%x%' scan of the same table.
3. Volantes (PDF) per second through padron.documents, if that module exists.
4. xlsx export of R rows (default 20,000), against csv of the same rows and against
   reading the rows alone.
5. The statistics page's figures (padron.stats.compute).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/padron.py`, sys.path[0] is bench/, where this very file would
# shadow the project's `padron` app: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_padron"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_SLUG = "bench-padron"
ENTITY_HOST = "bench-padron.bench.localhost"

# Issued volantes are stored files: keep them out of the developer's media directory.
DB_URL = benchdb.configure(DEFAULT_DB_URL, media_prefix="bench-padron-media-")
MEDIA_DIR = os.environ["MEDIA_ROOT"]


# --- the benchmark database -------------------------------------------------------------


say, percentile = benchdb.say, benchdb.percentile


# --- helpers ----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


# --- setup ------------------------------------------------------------------------------


def ensure_entity(inhabitants: int):
    return benchdb.ensure_entity(slug=ENTITY_SLUG, host=ENTITY_HOST,
                                 name="Ajuntament de Prova (bench)", inhabitants=inhabitants, say=say)


def bench_generation(entity, inhabitants: int, seed: int) -> dict:
    from django_tenants.utils import schema_context

    from padron import demo
    from padron.models import Habitante

    say(f"== 1. Generation of {inhabitants:,} inscribed inhabitants (padron.demo)")
    with schema_context(entity.schema_name):
        present = Habitante.objects.inscritos().count()
    missing = inhabitants - present
    if missing <= 0:
        say(f"   reusing the {present:,} inhabitants already generated (--recreate to redo)")
        say()
        return {"present": present, "seconds": None}
    if present:
        say(f"   {present:,} already there; adding {missing:,}")
    last = [time.perf_counter()]

    def log(line: str) -> None:
        now = time.perf_counter()
        if now - last[0] > 15:
            say(f"   … {line}")
            last[0] = now

    report = demo.generate(entity, inhabitants=missing, seed=seed + present, log=log)
    rows = report.inhabitants + report.former + report.movimientos + report.periodos \
        + report.domicilios + report.households
    say(f"   {report.summary()}")
    say(f"   {report.seconds:.1f} s: {report.inhabitants / report.seconds:,.0f} inhabitants/s, "
        f"{rows / report.seconds:,.0f} rows/s over the five tables")
    with schema_context(entity.schema_name):
        from django.db import connection

        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("ANALYZE")
            say(f"   ANALYZE {time.perf_counter() - started:.1f} s")
    say()
    return {"present": present + report.inhabitants, "seconds": report.seconds}


def sample_queries(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Documents and name searches a clerk would type, drawn from the inhabitants."""
    from django.db import connection

    from padron.actions import normalize

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT documento FROM padron_habitante WHERE is_registered "
                       "AND documento <> '' ORDER BY md5(id::text || %s) LIMIT %s",
                       [str(seed), count])
        documents = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT nombre, apellido1, apellido2 FROM padron_habitante "
                       "WHERE is_registered ORDER BY md5(id::text || %s) LIMIT %s",
                       [str(seed + 1), count])
        people = cursor.fetchall()
    names = []
    for nombre, apellido1, apellido2 in people:
        first, second = normalize(apellido1), normalize(apellido2 or nombre)
        if rng.random() < 0.5:
            names.append(f"{first} {second[:3]}")  # "garcia lop"
        else:
            names.append(f"{normalize(nombre).split()[0]} {first}")  # "maria garcia"
    return documents, names


def search_like_the_list(text: str) -> tuple[int, int]:
    from django.core.paginator import Paginator

    from padron.queries import filter_habitantes

    page = Paginator(filter_habitantes({"q": text}), 25).get_page(1)
    return len(list(page.object_list)), page.paginator.count


def ilike_scan(text: str, column: str) -> tuple[int, int]:
    """The baseline: the same page and count with a plain ILIKE '%x%' on one column."""
    from django.core.paginator import Paginator

    from padron.models import Habitante

    qs = Habitante.objects.inscritos().filter(**{f"{column}__icontains": text}) \
        .select_related("hoja__domicilio__via", "hoja__domicilio__tramo__seccion__distrito") \
        .prefetch_related("hoja__domicilio__via__names__tipo") \
        .order_by("apellido1", "apellido2", "nombre", "pk")
    page = Paginator(qs, 25).get_page(1)
    return len(list(page.object_list)), page.paginator.count


def run_timed(function, inputs: list[str], *args) -> tuple[list[float], int]:
    times, found = [], 0
    for text in inputs:
        elapsed, (_rows, count) = timed(function, text, *args)
        times.append(elapsed)
        found += count
    return times, found


def bench_search(entity, queries: int, seed: int) -> dict:
    from django_tenants.utils import schema_context

    say(f"== 2. Search as the list screen does it ({queries} queries each; first page of 25 "
        "plus the count)")
    results = {}
    with schema_context(entity.schema_name):
        documents, names = sample_queries(queries, seed)
        for text in documents[:10] + names[:10]:  # warm-up: plans, caches
            search_like_the_list(text)
        rows = [
            ("document", "filter_habitantes (exact document)", search_like_the_list, documents,
             ()),
            ("document_ilike", "baseline: documento ILIKE '%x%'", ilike_scan, documents,
             ("documento",)),
            ("name", "filter_habitantes (full-text prefixes)", search_like_the_list, names, ()),
            ("name_ilike", "baseline: search_name ILIKE '%x%'", ilike_scan, names,
             ("search_name",)),
        ]
        say(f"   {'query':<44}{'p50':>11}{'p95':>11}{'matches/query':>15}")
        for key, label, function, inputs, args in rows:
            times, found = run_timed(function, inputs, *args)
            results[key] = {"p50": statistics.median(times), "p95": percentile(times, 0.95),
                            "found": found / max(1, len(inputs))}
            say(f"   {label:<44}{ms(results[key]['p50']):>11}{ms(results[key]['p95']):>11}"
                f"{results[key]['found']:>15.1f}")
        for key, base in (("document", "document_ilike"), ("name", "name_ilike")):
            say(f"   {key}: p50 {results[base]['p50'] / results[key]['p50']:.1f}x faster than "
                f"the ILIKE scan (p95 {results[base]['p95'] / results[key]['p95']:.1f}x)")
        results["plans"] = explain(documents[0], names[0])
    say()
    return results


def explain(document: str, name: str) -> dict[str, str]:
    """Top line of the plan of the list's count query, to see index use."""
    from padron.queries import filter_habitantes

    plans = {}
    for key, text in (("document", document), ("name", name)):
        plan = filter_habitantes({"q": text}).explain()
        scans = [line.strip() for line in plan.splitlines()
                 if "Scan" in line and "padron_habitante" in line]
        plans[key] = scans[0] if scans else plan.splitlines()[0]
        say(f"   plan ({key}): {plans[key][:110]}")
    return plans


def bench_volantes(entity, count: int) -> dict | None:
    from django_tenants.utils import schema_context

    say(f"== 3. Volantes de empadronamiento (PDF), {count} in a row")
    if not (ROOT / "padron" / "documents.py").exists():
        say("   skipped: padron/documents.py does not exist yet")
        say()
        return None
    from padron import documents
    from padron.models import Habitante
    from tenants.models import User

    user, _ = User.objects.get_or_create(username="bench_clerk",
                                         defaults={"email": "bench_clerk@bench.localhost"})
    with schema_context(entity.schema_name):
        people = list(Habitante.objects.inscritos().filter(errores_ine__isnull=True)
                      .order_by("?")[:count + 2])
        try:
            for habitante in people[:2]:  # warm-up: fonts, templates
                documents.volante_individual(habitante, acting_user=user)
            started = time.perf_counter()
            for habitante in people[2:]:
                documents.volante_individual(habitante, acting_user=user)
            elapsed = time.perf_counter() - started
        except Exception as exc:  # the module is someone else's work in progress
            say(f"   skipped: volante_individual failed ({type(exc).__name__}: {exc})")
            say()
            return None
    rate = (len(people) - 2) / elapsed
    say(f"   {len(people) - 2} volantes in {elapsed:.2f} s: {rate:.1f} per second "
        f"({elapsed / max(1, len(people) - 2) * 1000:.0f} ms each, one process)")
    say()
    return {"rate": rate}


def bench_export(entity, rows: int) -> dict:
    from django_tenants.utils import schema_context

    from padron import exports
    from padron.queries import filter_habitantes

    say(f"== 4. Export of {rows:,} rows of the list")
    result = {}
    with schema_context(entity.schema_name):
        meta = exports.ExportMeta(title="Relación de habitantes", entity_name=entity.name)

        def rows_only():
            return sum(1 for _ in exports.iter_rows(filter_habitantes({})[:rows]))

        def write(code):
            return exports.FORMATS[code].write(
                exports.iter_rows(filter_habitantes({})[:rows]), meta)

        rows_only()  # warm-up
        result["read"], count = timed(rows_only)
        sizes = {}
        for code in ("xlsx", "csv"):
            result[code], content = timed(write, code)
            sizes[code] = len(content)
    say(f"   reading {count:,} rows (queries + rows): {result['read']:.2f} s")
    say(f"   xlsx: {result['xlsx']:.2f} s ({sizes['xlsx'] / 1e6:.1f} MB), "
        f"{count / result['xlsx']:,.0f} rows/s; writing alone ~{result['xlsx'] - result['read']:.2f} s")
    say(f"   csv (baseline): {result['csv']:.2f} s ({sizes['csv'] / 1e6:.1f} MB); "
        f"xlsx takes {result['xlsx'] / result['csv']:.1f}x the time of csv")
    say()
    return result


def bench_stats(entity) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from padron import stats

    say("== 5. Statistics page figures (padron.stats.compute)")
    with schema_context(entity.schema_name):
        stats.compute(timezone.localdate())  # warm-up
        seen = [0]

        def counter(execute, sql, params, many, context):
            seen[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            elapsed, data = timed(stats.compute, timezone.localdate())
    say(f"   {elapsed * 1000:,.0f} ms, {seen[0]} queries, for {data.total:,} inscribed "
        f"({data.extranjeros_percent:.1f} % foreign, {len(data.secciones)} secciones)")
    say()
    return {"seconds": elapsed, "queries": seen[0]}


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inhabitants", type=int, default=400_000,
                        help="inscribed inhabitants of the entity (400,000)")
    parser.add_argument("--queries", type=int, default=200, help="searches of each kind (200)")
    parser.add_argument("--volantes", type=int, default=30, help="volantes to time (30)")
    parser.add_argument("--export-rows", type=int, default=20_000,
                        help="rows of the timed export (20,000)")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed (2026)")
    parser.add_argument("--recreate", action="store_true",
                        help="drop and recreate the benchmark database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    run_started = time.perf_counter()
    benchdb.open_database(DB_URL, args.recreate, redis_url=os.environ["REDIS_URL"])
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
        say(f"Schemas migrated in {time.perf_counter() - started:.1f} s")
        entity = ensure_entity(args.inhabitants)
        say()

        generation = bench_generation(entity, args.inhabitants, args.seed)
        search = bench_search(entity, args.queries, args.seed)
        volantes = bench_volantes(entity, args.volantes)
        export = bench_export(entity, args.export_rows)
        figures = bench_stats(entity)

        say("== Summary")
        say(f"   {'measure':<52}{'value':>16}{'ratio':>30}")
        rows = []
        if generation["seconds"]:
            rows.append((f"generate {args.inhabitants:,} inhabitants",
                         f"{generation['seconds']:.0f} s", ""))
        for key, label in (("document", "search by document"), ("name", "search by name")):
            base = search[f"{key}_ilike"]
            rows.append((f"{label} p50 / p95", f"{ms(search[key]['p50'])} / "
                         f"{ms(search[key]['p95'])}",
                         f"{base['p50'] / search[key]['p50']:.1f}x faster than ILIKE"))
        rows.append(("volantes per second", f"{volantes['rate']:.1f}/s" if volantes
                     else "skipped", ""))
        rows.append((f"xlsx export of {args.export_rows:,} rows", f"{export['xlsx']:.2f} s",
                     f"{export['xlsx'] / export['csv']:.1f}x csv"))
        rows.append(("statistics figures", f"{figures['seconds'] * 1000:,.0f} ms",
                     f"{figures['queries']} queries"))
        for measure, value, ratio in rows:
            say(f"   {measure:<52}{value:>16}{ratio:>30}")
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    except Exception:
        traceback.print_exc()
        raise SystemExit(1) from None
    finally:
        shutil.rmtree(MEDIA_DIR, ignore_errors=True)
        if args.drop:
            benchdb.drop_database(DB_URL)
            say(f"Database {benchdb.db_name(DB_URL)} dropped.")
        else:
            say(f"Database {benchdb.db_name(DB_URL)} kept for the next run (--drop to remove it).")


if __name__ == "__main__":
    main()
