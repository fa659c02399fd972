"""The benchmark databases: named *bench*, created and dropped through the `postgres`
database. Shared by the bench scripts (no Django needed: they run before setup)."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit


def db_name(db_url: str) -> str:
    name = urlsplit(db_url).path.lstrip("/")
    if not name or "bench" not in name:
        # Never touch a database that is not obviously a benchmark's.
        sys.exit(f"refusing to use database {name!r}: its name must contain 'bench'")
    return name


def admin(db_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Run `sql` on the server's `postgres` database (autocommit)."""
    import psycopg2

    parts = urlsplit(db_url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def ensure_database(db_url: str, recreate: bool) -> bool:
    """Create the database if missing (or if asked to); True if it was created now."""
    name = db_name(db_url)
    if recreate:
        admin(db_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if admin(db_url, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
        return False
    admin(db_url, f'CREATE DATABASE "{name}"')
    return True


def drop_database(db_url: str) -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 - Django never got set up; FORCE ends its connections
        pass
    admin(db_url, f'DROP DATABASE IF EXISTS "{db_name(db_url)}" WITH (FORCE)')


def ensure_entity(*, slug: str, host: str, name: str, inhabitants: int, say):
    """The benchmark's municipality (Agost's codes), provisioned once per database."""
    import time

    from tenants import actions
    from tenants.choices import EntityKind
    from tenants.demo import _cif_for
    from tenants.models import Entity

    entity = Entity.objects.filter(slug=slug).first()
    if entity is not None:
        return entity
    started = time.perf_counter()
    result = actions.provision_entity(
        name=name, slug=slug, kind=EntityKind.AYUNTAMIENTO, ine_code="030020",
        dir3_code="L01030020", cif=_cif_for("03002"), province="Alicante", domains=[host],
        population=inhabitants, population_year=2024, acting_user=None)
    say(f"   entity provisioned ({result.method}) in {time.perf_counter() - started:.1f} s")
    return result.entity


def say(text: str = "") -> None:
    print(text, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def open_database(db_url: str, recreate: bool, *, redis_url: str = "") -> bool:
    """ensure_database, and say which database (and Redis) the run uses."""
    parts = urlsplit(db_url)
    created = ensure_database(db_url, recreate)
    say(f"Benchmark database: {parts.hostname}:{parts.port or 5432}/{db_name(db_url)} "
        f"({'created' if created else 'reused'})" + (f"; Redis: {redis_url}" if redis_url else ""))
    return created


def adhere(entity, code: str):
    """The entity adhered to the service `code` (once), approved by the bench's admin."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenants import actions
    from tenants.demo import ACCEPTANCE_PDF
    from tenants.models import Adhesion, Service, User

    admin = User.objects.filter(username="bench_admin").first() or User.objects.create_user(
        "bench_admin", is_staff=True, is_superuser=True)
    if not Adhesion.objects.filter(entity=entity, service__code=code).exists():
        adhesion = actions.request_adhesion(
            entity, Service.objects.get(code=code), acting_user=admin,
            acceptance_document=SimpleUploadedFile("a.pdf", ACCEPTANCE_PDF,
                                                   content_type="application/pdf"))
        actions.approve_adhesion(adhesion, acting_user=admin)
    return admin


def configure(default_db_url: str, *, redis_db: int = 15,
              settings_module: str = "bench.settings_bench", media_prefix: str = "") -> str:
    """The environment a bench script runs Django in, set before `django.setup()`: its own
    database (BENCH_DATABASE_URL overrides the default), a Redis database of its own unless
    REDIS_URL is given (the cache on the one below), and, with `media_prefix`, a temporary
    MEDIA_ROOT so stored files stay out of the developer's media. Returns the database URL."""
    import os
    import tempfile
    import warnings

    db_url = os.environ.get("BENCH_DATABASE_URL") or default_db_url
    os.environ["DATABASE_URL"] = db_url
    if "REDIS_URL" not in os.environ:
        os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
        os.environ.setdefault("CACHE_REDIS_URL", f"redis://127.0.0.1:6379/{redis_db - 1}")
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if media_prefix:
        os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=media_prefix)
    warnings.filterwarnings("ignore", message="No directory at")
    return db_url


def backend_memory(connection) -> tuple[int, dict[str, int]] | None:
    """(pid, {'VmRSS': kB, 'RssAnon': kB, ...}) of the PostgreSQL backend serving
    `connection` (a Django connection), read from /proc: only when the server runs on
    this machine and its processes are readable. RssAnon is the backend's own memory
    (catalog caches, plans); VmRSS also counts the shared buffers it has touched."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/status") as status:
            lines = status.read().splitlines()
    except OSError:
        return None
    memory = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            memory[name] = int(value.split()[0])
    return pid, memory


def backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_schedstat(pid: int) -> tuple[int, int] | None:
    """(nanoseconds on a CPU, nanoseconds waiting for one) of process `pid` so far, from
    /proc/<pid>/schedstat; None if it is gone or not readable. The first is what a piece of
    work costs whatever else the machine runs; the second is how long it queued."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            on_cpu, waiting, _slices = schedstat.read().split()
    except (OSError, ValueError):
        return None
    return int(on_cpu), int(waiting)
