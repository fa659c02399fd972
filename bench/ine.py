"""Benchmark of the INE exchange files at the size of a large municipality.

    .venv/bin/python bench/ine.py [--inhabitants N] [--return-records R]
                                  [--retorno-kind KIND] [--recreate] [--drop]

Prints figures, and ratios to a ceiling measured in the same run; asserts nothing.
It runs on its own database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_ine; the name must contain 'bench'),
which it creates if missing and keeps, so that a second run reuses the generated padrón
(--recreate starts afresh, --drop drops it at the end). One entity is provisioned and
filled with N inhabitants (default 400,000) by padron.demo.

1. Generation of the padrón (padron.demo), only when the database does not have it yet.
2. The full padrón file: `padron.ine.intercambio.generar_padron_a_fecha(today)`, seconds,
   records per second, bytes and queries per record.
3. A return file of R records (default 100,000), built from the inhabitants of that file
   with `registro.write_file`: the records come back as INE returns errors, TIPOINF "E"
   and CDEV the last two digits of padron.demo's INE error codes (placeholders: INE's
   table of CDEV is not public), 30 % as altas (CR) and 70 % as modificaciones (MD) with
   the identifying block filled. Timed:
   a. `registro.read_file` of the whole file (parsing and checking every record);
   b. `padron.ine.retornos.load_retorno(kind, data, filename)` when that module exists
      (looked up at run time), inside a transaction rolled back afterwards, so that the
      same file can be loaded again by the next run;
   c. the ceiling: the same rows loaded with PostgreSQL COPY (psycopg2 copy_expert) into a
      scratch table with one text column per layout field (the split into fields done in
      Python, inside the timing), and into a table with one column per record (the file's
      bytes as they are), median of 3 runs each.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib
import importlib.util
import io
import os
import resource
import shutil
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/ine.py`, sys.path[0] is bench/: keep the project root first so that
# the project's apps are found (and never a module of bench/ shadowing one).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_ine"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_SLUG = "bench-ine"
ENTITY_HOST = "bench-ine.bench.localhost"
SCRATCH_SCHEMA = "bench_ine_scratch"
COPY_RUNS = 3

# Generated INE files are stored files: keep them out of the developer's media directory.
DB_URL = benchdb.configure(DEFAULT_DB_URL, media_prefix="bench-ine-media-")
MEDIA_DIR = os.environ["MEDIA_ROOT"]


# --- the benchmark database -------------------------------------------------------------


say, percentile = benchdb.say, benchdb.percentile


# --- helpers ----------------------------------------------------------------------------


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} records/s" if seconds > 0 else "-"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class QueryCounter:
    """connection.execute_wrapper that counts the queries of a block."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def throttled_log(prefix: str = "   … ", every: float = 15.0):
    last = [time.perf_counter()]

    def log(line: str) -> None:
        now = time.perf_counter()
        if now - last[0] > every:
            say(f"{prefix}{line}")
            last[0] = now

    return log


# --- setup ------------------------------------------------------------------------------


def ensure_entity(inhabitants: int):
    return benchdb.ensure_entity(slug=ENTITY_SLUG, host=ENTITY_HOST,
                                 name="Ajuntament de Prova INE (bench)", inhabitants=inhabitants, say=say)


def bench_generation(entity, inhabitants: int, seed: int) -> dict:
    from django_tenants.utils import schema_context

    from padron import demo
    from padron.models import Habitante

    say(f"== 1. Generation of {inhabitants:,} inscribed inhabitants (padron.demo; setup)")
    with schema_context(entity.schema_name):
        present = Habitante.objects.inscritos().count()
    missing = inhabitants - present
    if missing <= 0:
        say(f"   reusing the {present:,} inhabitants already generated (--recreate to redo)")
        say()
        return {"present": present, "seconds": None}
    if present:
        say(f"   {present:,} already there; adding {missing:,}")
    report = demo.generate(entity, inhabitants=missing, seed=seed + present,
                           log=throttled_log())
    say(f"   {report.summary()}")
    say(f"   {report.seconds:.1f} s: {report.inhabitants / report.seconds:,.0f} inhabitants/s")
    with schema_context(entity.schema_name):
        from django.db import connection

        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("ANALYZE")
            say(f"   ANALYZE {time.perf_counter() - started:.1f} s")
    say()
    return {"present": present + report.inhabitants, "seconds": report.seconds}


# --- 2. the full padrón file ------------------------------------------------------------


def bench_padron_file(entity) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from padron.ine import intercambio

    fecha = timezone.localdate()
    say(f"== 2. Full padrón file on {fecha:%d/%m/%Y} (intercambio.generar_padron_a_fecha)")
    log = throttled_log()

    def progress(done: int, total: int) -> None:
        log(f"{done:,} of {total:,} records")

    with schema_context(entity.schema_name):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            fichero = intercambio.generar_padron_a_fecha(fecha, on_progress=progress)
        seconds = time.perf_counter() - started
        with fichero.file.open("rb") as handle:
            content = handle.read()
        cpro, cmun = intercambio.codigos_municipio()
    records = fichero.records
    say(f"   {fichero.name}: {records:,} records, {fichero.size / 1e6:,.1f} MB "
        f"(SHA-256 {fichero.sha256[:12]}…)")
    say(f"   {seconds:.1f} s: {rate(records, seconds)}, {fichero.size / 1e6 / seconds:,.2f} MB/s, "
        f"{counter.count:,} queries ({counter.count / max(1, records):.1f} per record), "
        f"peak RSS of the process {peak_rss_mb():,.0f} MB")
    say()
    return {"seconds": seconds, "records": records, "bytes": fichero.size,
            "queries": counter.count, "content": content, "cpro": cpro, "cmun": cmun,
            "fecha": fecha}


# --- 3. the return file -----------------------------------------------------------------

# TIPOINF / CDEV of the returned records: INE's table of causes of devolución is not
# public; these are the codes padron.demo gives its pending INE errors (E011 → "E", "11").
RETURN_ERRORS = (("E", "11"), ("E", "24"), ("E", "37"), ("E", "52"))


def _returned(record, index: int, fvar: datetime.date):
    """`record` of the full padrón file as INE would return it with an error."""
    from padron.choices import Causa
    from padron.ine import registro

    tipoinf, cdev = RETURN_ERRORS[index % len(RETURN_ERRORS)]
    common = {"tipoinf": tipoinf, "cdev": cdev, "fvar": fvar, "line": 0}
    if index % 10 < 3:  # an alta: the identifying block blank but CPRO/CMUN
        return dataclasses.replace(
            record, cvar="A", cauv=registro.CAUV[Causa.ALTA_CAMBIO_RESIDENCIA.value], **common)
    # A modificación: the identifying block holds the person as INE has it.
    identifying = {name: getattr(record, f"{name}_dv")
                   for name in registro.IDENTIFYING_FIELDS if name not in ("cpro", "cmun")}
    return dataclasses.replace(record, cvar="M",
                               cauv=registro.CAUV[Causa.MODIFICACION_DATOS.value],
                               **identifying, **common)


def build_return_file(padron: dict, count: int) -> dict:
    """R return records from the full padrón file's, cycling over them when R is larger."""
    from padron.ine import registro

    content = padron["content"]
    lines = content.split(b"\r\n")[:-1]
    take = min(count, len(lines))
    if take == 0:
        raise SystemExit("the padrón file is empty: nothing to return")
    started = time.perf_counter()
    source = registro.read_file(b"".join(line + b"\r\n" for line in lines[:take]),
                                filename="padron.txt", expected_cpro=padron["cpro"],
                                expected_cmun=padron["cmun"])
    read_seconds = time.perf_counter() - started
    first = padron["fecha"].replace(day=1)
    fvar = (first - datetime.timedelta(days=1)).replace(day=1)  # last month's file
    records = [_returned(source[i % take], i, fvar) for i in range(count)]
    started = time.perf_counter()
    data = registro.write_file(records)
    write_seconds = time.perf_counter() - started
    say(f"   built from the first {take:,} records of the padrón file"
        + (f" (cycled: each inhabitant {count / take:.1f} times)" if take < count else "")
        + f"; {len(data) / 1e6:,.1f} MB; 30 % altas (CR), 70 % modificaciones (MD), "
        "TIPOINF E, CDEV 11/24/37/52")
    say(f"   (side figures: read_file of those {take:,} source records {read_seconds:.2f} s, "
        f"write_file of the {count:,} return records {write_seconds:.2f} s, "
        f"{rate(count, write_seconds)})")
    return {"data": data, "write_seconds": write_seconds}


def time_parse(data: bytes, padron: dict, filename: str) -> tuple[float, int]:
    from padron.ine import registro

    started = time.perf_counter()
    records = registro.read_file(data, filename=filename, expected_cpro=padron["cpro"],
                                 expected_cmun=padron["cmun"])
    return time.perf_counter() - started, len(records)


def _retorno_kind(module, override: str | None) -> str:
    if override:
        return override
    for owner in (module, importlib.import_module("padron.models")):
        tipo = getattr(owner, "TipoRetornoINE", None)
        if tipo is not None and hasattr(tipo, "ERRORES"):
            return str(tipo.ERRORES.value if hasattr(tipo.ERRORES, "value") else tipo.ERRORES)
    return "errores"


def _describe_load(result) -> str:
    """What load_retorno made of the file, as far as it can be told without knowing it."""
    parts = []
    records = getattr(result, "records", None)
    if isinstance(records, int):
        parts.append(f"{records:,} records")
    incidencias = getattr(result, "incidencias", None)
    if incidencias is not None and hasattr(incidencias, "values"):
        from django.db.models import Count

        try:
            by_match = incidencias.values("coincidencia").annotate(n=Count("pk")) \
                .order_by("-n")
            parts.append("incidencias by match: " + ", ".join(
                f"{row['coincidencia'] or '-'} {row['n']:,}" for row in by_match))
        except Exception as exc:  # the module is someone else's work in progress
            parts.append(f"(incidencias not countable: {type(exc).__name__})")
    return "; ".join(parts) or repr(result)[:120]


def time_load(entity, data: bytes, filename: str, kind_override: str | None) -> dict | None:
    """load_retorno(kind, data, filename) if padron.ine.retornos has it, rolled back."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    if importlib.util.find_spec("padron.ine.retornos") is None:
        say("   b. load_retorno: skipped, padron/ine/retornos.py does not exist yet")
        return None
    try:
        module = importlib.import_module("padron.ine.retornos")
    except Exception as exc:
        say(f"   b. load_retorno: skipped, padron.ine.retornos does not import "
            f"({type(exc).__name__}: {exc})")
        return None
    load = getattr(module, "load_retorno", None)
    if load is None:
        say("   b. load_retorno: skipped, padron.ine.retornos has no load_retorno yet")
        return None
    kind = _retorno_kind(module, kind_override)
    counter = QueryCounter()
    with schema_context(entity.schema_name):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                with connection.execute_wrapper(counter):
                    result = load(kind, data, filename)
                seconds = time.perf_counter() - started
                described = _describe_load(result)
                transaction.set_rollback(True)  # the next run loads the same file again
        except Exception as exc:  # the module is someone else's work in progress
            messages = getattr(exc, "messages", None) or [str(exc)]
            say(f"   b. load_retorno({kind!r}, …): failed ({type(exc).__name__}: "
                f"{'; '.join(messages[:3])[:300]})")
            return None
    return {"seconds": seconds, "kind": kind, "queries": counter.count,
            "described": described}


def _copy_fields_buffer(data: bytes) -> bytes:
    """COPY text of the file: one row per record, one tab-separated value per field."""
    from padron.ine import registro

    slices = [spec.slice for spec in registro.LAYOUT]
    lines = data.decode("iso-8859-1").split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    text = "".join("\t".join([line[s] for s in slices]) + "\n" for line in lines)
    return text.replace("\\", "\\\\").encode("utf-8")


def time_copy(data: bytes, count: int) -> dict:
    """The ceiling: the same rows loaded with COPY, per field and per record."""
    from django.db import connection

    from padron.ine import registro

    names = [spec.name for spec in registro.LAYOUT]
    fields_table = f"{SCRATCH_SCHEMA}.retorno_campos"
    lines_table = f"{SCRATCH_SCHEMA}.retorno_lineas"
    results: dict[str, list[float]] = {"fields": [], "lines": []}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCRATCH_SCHEMA}")
        cursor.execute(f"CREATE TABLE {fields_table} ("
                       + ", ".join(f"{name} text" for name in names) + ")")
        cursor.execute(f"CREATE TABLE {lines_table} (line text)")
        try:
            for _run in range(COPY_RUNS):
                cursor.execute(f"TRUNCATE {fields_table}, {lines_table}")
                started = time.perf_counter()
                buffer = _copy_fields_buffer(data)
                cursor.copy_expert(f"COPY {fields_table} ({', '.join(names)}) FROM STDIN",
                                   io.BytesIO(buffer))
                results["fields"].append(time.perf_counter() - started)
                started = time.perf_counter()
                raw = data.replace(b"\\", b"\\\\") if b"\\" in data else data
                cursor.copy_expert(f"COPY {lines_table} (line) FROM STDIN "
                                   "WITH (FORMAT text, ENCODING 'LATIN1')", io.BytesIO(raw))
                results["lines"].append(time.perf_counter() - started)
            cursor.execute(f"SELECT count(*) FROM {fields_table}")
            loaded_fields = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*), min(length(line)), max(length(line)) "
                           f"FROM {lines_table}")
            loaded_lines, shortest, longest = cursor.fetchone()
        finally:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")
    if loaded_fields != count or loaded_lines != count or (shortest, longest) != (
            registro.RECORD_LENGTH, registro.RECORD_LENGTH):
        say(f"   warning: COPY loaded {loaded_fields:,} / {loaded_lines:,} rows "
            f"(lines of {shortest}-{longest} characters) for {count:,} records")
    return {key: statistics.median(values) for key, values in results.items()}


def bench_return(entity, padron: dict, count: int, kind_override: str | None) -> dict:
    say(f"== 3. Return file of {count:,} records (INE errors)")
    built = build_return_file(padron, count)
    data = built["data"]
    filename = (f"INE-{padron['cpro']}{padron['cmun']}-errores-"
                f"{padron['fecha']:%Y%m%d}-bench.txt")

    parse_seconds, parsed = time_parse(data, padron, filename)
    say(f"   a. registro.read_file: {parsed:,} records in {parse_seconds:.2f} s, "
        f"{rate(parsed, parse_seconds)}")

    load = time_load(entity, data, filename, kind_override)
    if load:
        say(f"   b. load_retorno({load['kind']!r}, …): {load['seconds']:.2f} s, "
            f"{rate(count, load['seconds'])}, {load['queries']:,} queries "
            f"({load['queries'] / count:.2f} per record), rolled back; {load['described']}")

    copy = time_copy(data, count)
    say(f"   c. ceiling, COPY of the same {count:,} rows (median of {COPY_RUNS}):")
    say(f"      one text column per field ({len(_layout())} columns, split in Python "
        f"included): {copy['fields']:.2f} s, {rate(count, copy['fields'])}")
    say(f"      one column per record (the file's bytes as they are): {copy['lines']:.2f} s, "
        f"{rate(count, copy['lines'])}")
    say(f"   read_file takes {parse_seconds / copy['fields']:.1f}x the time of the per-field "
        f"COPY ({parse_seconds / copy['lines']:.1f}x the per-record COPY)")
    if load:
        say(f"   load_retorno takes {load['seconds'] / copy['fields']:.1f}x the time of the "
            f"per-field COPY ({load['seconds'] / copy['lines']:.1f}x the per-record COPY; "
            f"{load['seconds'] / parse_seconds:.1f}x read_file)")
    say()
    return {"parse": parse_seconds, "load": load, "copy": copy, "bytes": len(data),
            "write": built["write_seconds"]}


def _layout():
    from padron.ine import registro

    return registro.LAYOUT


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inhabitants", type=int, default=400_000,
                        help="inscribed inhabitants of the entity (400,000)")
    parser.add_argument("--return-records", type=int, default=100_000,
                        help="records of the return file (100,000)")
    parser.add_argument("--retorno-kind", default=None,
                        help="kind passed to load_retorno (default: TipoRetornoINE.ERRORES, "
                             "else 'errores')")
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
        from django.core.management import call_command
        from django.db import connection

        from tenants import actions

        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"PostgreSQL {connection.cursor().connection.server_version}, "
            f"{os.cpu_count()} CPUs")
        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante",
                                  dir3_code="L02000003", cif="P0300000G",
                                  province="Alicante", domain=PUBLIC_HOST)
        say(f"Schemas migrated in {time.perf_counter() - started:.1f} s")
        entity = ensure_entity(args.inhabitants)
        say()

        generation = bench_generation(entity, args.inhabitants, args.seed)
        padron = bench_padron_file(entity)
        retorno = bench_return(entity, padron, args.return_records, args.retorno_kind)

        say("== Summary")
        say(f"   {'measure':<50}{'value':>14}{'records/s':>13}{'ratio':>28}")
        rows = []
        if generation["seconds"]:
            rows.append((f"generate {args.inhabitants:,} inhabitants (setup)",
                         f"{generation['seconds']:.0f} s", "", ""))
        rows.append((f"padrón file, {padron['records']:,} records "
                     f"({padron['bytes'] / 1e6:,.0f} MB)", f"{padron['seconds']:.1f} s",
                     f"{padron['records'] / padron['seconds']:,.0f}",
                     f"{padron['queries'] / max(1, padron['records']):.1f} queries/record"))
        count = args.return_records
        ceiling = retorno["copy"]["fields"]
        rows.append((f"return file {count:,}: registro.read_file", f"{retorno['parse']:.2f} s",
                     f"{count / retorno['parse']:,.0f}",
                     f"{retorno['parse'] / ceiling:.1f}x COPY per field"))
        load = retorno["load"]
        rows.append((f"return file {count:,}: load_retorno",
                     f"{load['seconds']:.2f} s" if load else "skipped",
                     f"{count / load['seconds']:,.0f}" if load else "",
                     f"{load['seconds'] / ceiling:.1f}x COPY per field" if load else ""))
        rows.append((f"ceiling: COPY {count:,} rows, column per field", f"{ceiling:.2f} s",
                     f"{count / ceiling:,.0f}", "1.0x"))
        rows.append((f"ceiling: COPY {count:,} rows, column per record",
                     f"{retorno['copy']['lines']:.2f} s",
                     f"{count / retorno['copy']['lines']:,.0f}",
                     f"{retorno['copy']['lines'] / ceiling:.2f}x COPY per field"))
        for measure, value, per_second, ratio in rows:
            say(f"   {measure:<50}{value:>14}{per_second:>13}{ratio:>28}")
        say(f"Peak RSS {peak_rss_mb():,.0f} MB. Total run time: "
            f"{time.perf_counter() - run_started:.0f} s")
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
