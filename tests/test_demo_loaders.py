"""Demo loaders come from the apps (tenants.demo_loaders): tenants.demo makes the entities
and people, then calls what each app registered, in order."""

import pytest
from django_tenants.utils import schema_context

from tenants import demo_loaders

pytestmark = pytest.mark.django_db


def test_each_service_app_registers_its_demo_loader_in_order():
    assert [(loader.name, loader.load, loader.order) for loader in demo_loaders.all_loaders()] == [
        ("padron", "padron.demo.load_demo", 10), ("registro", "registro.demo.load_demo", 20),
        ("sede", "sede.demo.load_demo", 30), ("certificados", "certificados.demo.load_demo", 40),
        ("expedientes", "expedientes.demo.load_demo", 45),
        ("notificaciones", "notificaciones.demo.load_demo", 50),
        ("soporte", "soporte.demo.load_demo", 80)]


def test_run_all_calls_every_loader_in_order_with_the_entities_and_say(monkeypatch):
    calls = []
    monkeypatch.setattr(demo_loaders, "_loaders", {})
    demo_loaders.register("segunda", lambda entities, say: calls.append(("segunda", entities)),
                          order=50)
    demo_loaders.register("primera", lambda entities, say: say("primera\n"), order=5)
    lines = []
    demo_loaders.run_all({"agost": "entidad"}, lines.append)
    assert lines == ["primera\n"]
    assert calls == [("segunda", {"agost": "entidad"})]


def test_with_service_keeps_the_order_and_only_approved_adhesions(province):
    a, b, c = province.a, province.b, province.c
    assert demo_loaders.with_service([c, b, a], "eadmin") == [b, a]
    assert demo_loaders.with_service([c, b, a], "soporte") == [c, b, a]
    assert demo_loaders.with_service([c, b, a], "portales") == []


def test_the_sede_loader_fills_each_eadmin_entity_once(province):
    from sede.demo import PROCEDIMIENTOS
    from sede.models import Edicto, Procedimiento

    lines = []
    entities = {"agost": province.a, "alcoi": province.c}  # Alcoi has no e-administración
    counts = []
    for _run in range(2):
        demo_loaders.get("sede")(entities, lines.append)
        with schema_context(province.a.schema_name):
            counts.append((Procedimiento.objects.count(), Edicto.objects.count()))
    assert lines == ["  Ajuntament d'Agost: sede electrónica de ejemplo\n"] * 2
    assert counts == [(len(PROCEDIMIENTOS), 4)] * 2
    with schema_context(province.c.schema_name):
        assert not Procedimiento.objects.exists()
