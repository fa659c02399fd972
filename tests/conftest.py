"""Shared fixtures: a small province built once per session, and the standard cast.

Tenants are expensive, so the Diputación and entities A, B and C (with their schemas)
are created once and committed; each test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from provincial.routing import clear_host_cache
from tenants import actions, provisioning
from tenants.choices import EntityKind, MembershipRole
from tenants.demo import ACCEPTANCE_PDF
from tenants.models import Entity, Service, User

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "clave-de-prueba-2026"

HOST_PROVINCIAL = settings.PROVINCIAL_DOMAIN
HOST_A = "agost.localhost"
HOST_B = "castalla.localhost"
HOST_C = "alcoi.localhost"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The port of the browser tests' web server (tests/browser.py), chosen once per session so
# that the session's Celery worker prints the same public address in documents.
BROWSER_PORT = _free_port()


# How `./dev test` shares the suite between its pytest-xdist workers (--dist loadgroup):
# the tests on the demo site form one unit, sent first (they start `./dev run` once and
# are the longest); every other file is one unit (its module fixtures, a web server and
# Chromium, are set up once), except the isolation probes, spread test by test.
DEMO_SITE_GROUP = "demo_site"
SPREAD_FILES = {"tests/isolation/test_isolation.py"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    on_demo = [item for item in items if "demo_site" in getattr(item, "fixturenames", ())]
    demo_ids = {item.nodeid for item in on_demo}
    items[:] = on_demo + [item for item in items if item.nodeid not in demo_ids]
    for item in items:
        path = item.nodeid.split("::")[0]
        if item.nodeid in demo_ids:
            item.add_marker(pytest.mark.xdist_group(DEMO_SITE_GROUP))
        elif path not in SPREAD_FILES:
            item.add_marker(pytest.mark.xdist_group(path))


@dataclass
class Province:
    diputacion: Entity
    a: Entity
    b: Entity
    c: Entity
    clerk_a: User
    clerk_b: User
    admin_a: User
    admin_b: User
    shared_official: User
    provincial_admin: User
    support_agent: User
    sender: User


def pdf(name: str = "aceptacion.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ACCEPTANCE_PDF, content_type="application/pdf")


def _user(username: str, **flags) -> User:
    user = User(username=username, email=f"{username}@pruebas.localhost",
                first_name=username.split("_")[0].title(), last_name="Pruebas", **flags)
    user.set_password(PASSWORD)
    user.save()
    return user


def _adhere(entity: Entity, code: str, admin: User) -> None:
    adhesion = actions.request_adhesion(entity, Service.objects.get(code=code), acting_user=admin,
                                        acceptance_document=pdf())
    actions.approve_adhesion(adhesion, acting_user=admin)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database, created whether or not a collected test is marked django_db.

    pytest-django only sets up the databases named by markers; the worker tests commit
    their rows without the marker, and must never reach the developer's database. Under
    pytest-xdist, `django_db_modify_db_settings` gives each worker its own database
    (`test_…_gw0`, `test_…_gw1`).
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def province(django_db_setup, django_db_blocker) -> Province:
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        diputacion = actions.ensure_diputacion(
            name="Diputación de Pruebas", dir3_code="L02000003", cif="P0300000G",
            province="Alicante", domain=HOST_PROVINCIAL)
        provincial_admin = _user("provincial_admin", is_staff=True, is_superuser=True,
                                 can_send_communications=True)

        def make(slug, name, ine, population, host, comarca):
            from tenants.demo import _cif_for

            return actions.provision_entity(
                name=name, slug=slug, kind=EntityKind.AYUNTAMIENTO, ine_code=ine,
                dir3_code=f"L01{ine}", cif=_cif_for(ine[:5]), province="Alicante",
                comarca=comarca, domains=[host], population=population, population_year=2024,
                acting_user=provincial_admin).entity

        a = make("agost", "Ajuntament d'Agost", "030020", 4989, HOST_A, "Alacantí")
        b = make("castalla", "Ajuntament de Castalla", "030535", 11136, HOST_B, "Alcoià")
        c = make("alcoi", "Ajuntament d'Alcoi", "030092", 60283, HOST_C, "Alcoià")
        for entity, codes in ((a, ["padron", "contabilidad", "eadmin", "soporte"]),
                              (b, ["padron", "eadmin", "soporte"]), (c, ["soporte"])):
            for code in codes:
                _adhere(entity, code, provincial_admin)
        cast = Province(
            diputacion=diputacion, a=a, b=b, c=c,
            clerk_a=_user("clerk_a"), clerk_b=_user("clerk_b"), admin_a=_user("admin_a"),
            admin_b=_user("admin_b"), shared_official=_user("shared_official"),
            provincial_admin=provincial_admin, support_agent=_user("support_agent",
                                                                   is_support_agent=True),
            sender=_user("sender", can_send_communications=True))
        for user, entity, role, apps in [
            (cast.clerk_a, a, MembershipRole.CLERK, ["padron", "registro", "expedientes", "sede",
                                                     "soporte"]),
            (cast.clerk_b, b, MembershipRole.CLERK, ["padron", "registro", "expedientes", "sede",
                                                     "soporte"]),
            (cast.admin_a, a, MembershipRole.USER_ADMIN, []),
            (cast.admin_b, b, MembershipRole.USER_ADMIN, []),
            (cast.shared_official, a, MembershipRole.CLERK, ["contabilidad"]),
            (cast.shared_official, b, MembershipRole.CLERK, ["padron"]),
        ]:
            actions.add_member(entity, acting_user=provincial_admin, email=user.email, role=role,
                               applications=apps)
        provisioning.refill_spares(1)
    return cast


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_routing(settings, tmp_path):
    """Each test starts on the public schema, with an empty host cache, an empty Django
    cache (rate-limit counters live there) and its own media directory."""
    import contextlib

    from django.core.cache import cache

    from codigos import cache as code_lists

    settings.MEDIA_ROOT = str(tmp_path / "media")
    connection.set_schema_to_public()
    clear_host_cache()
    code_lists.clear()
    with contextlib.suppress(Exception):
        cache.clear()
    yield
    connection.set_schema_to_public()
    clear_host_cache()
    code_lists.clear()


def totp_device(user: User):
    """The user's confirmed authenticator (created on first use)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="pruebas", confirmed=True)


@pytest.fixture
def client_for(client):
    """`client_for(user, host, verified=True)`: a test client logged in as `user` on `host`,
    with the second factor already verified unless `verified=False`."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    def make(user: User | None, host: str, *, verified: bool = True) -> Client:
        new = Client(HTTP_HOST=host)
        if user is not None:
            new.force_login(user)
            if verified:
                session = new.session
                session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
                session.save()
        return new

    return make


def database_url_for_subprocess() -> str:
    """URL of the test database, for processes the tests start (Celery workers)."""
    cfg = connection.settings_dict
    host = cfg.get("HOST") or ""
    user = cfg.get("USER") or "postgres"
    password = cfg.get("PASSWORD") or ""
    if host.startswith("/"):
        from urllib.parse import quote

        return f"postgresql://{user}@{quote(host, safe='')}/{cfg['NAME']}"
    return f"postgresql://{user}:{password}@{host}:{cfg.get('PORT') or 5432}/{cfg['NAME']}"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port; `.messages` holds what it got."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list[tuple[str, list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 OK mensaje aceptado"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def celery_worker_process(province, smtp_server, django_db_blocker):
    """A real Celery worker process on the test database and the tests' Redis database."""
    with django_db_blocker.unblock():
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(),
               "REDIS_URL": settings.REDIS_URL, "EMAIL_HOST": "127.0.0.1",
               "EMAIL_PORT": str(smtp_server.port), "PUBLIC_URL_SCHEME": "http",
               "PUBLIC_URL_PORT": str(BROWSER_PORT)}
    from provincial.celery import app

    app.control.purge()
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log = open(ROOT / ".data" / f"test-worker-{worker_id}.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "provincial", "worker", "-Q",
         "default,intercambios,provision", "-c", "1", "--loglevel", "INFO", "-n",
         f"pruebas-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        if process.poll() is not None:
            raise RuntimeError(f"worker exited; see {log.name}")
    else:
        process.kill()
        raise RuntimeError(f"worker did not answer; see {log.name}")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_for(predicate, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """`./dev run` on an empty data directory of its own, shared by the tests that use the
    demo province as a newcomer does (see tests/demo_site.py)."""
    from tests import demo_site as site

    if os.environ.get("DEMO_SITE_PORT"):
        # A `./dev run` already serving (while working on the crawl): used, never stopped.
        yield site.attach(int(os.environ["DEMO_SITE_PORT"]))
        return
    running = site.start(tmp_path_factory.mktemp("demo-site"))
    yield running
    running.stop()
