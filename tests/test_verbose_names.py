"""Every name the admin shows is Spanish: each model and field of the project names itself
(an automatic name is the English identifier: "login handoff", "updated at"), and the
third-party apps are named in Spanish where their packages are not."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.apps import apps
from django.utils.text import camel_case_to_spaces

from tests.conftest import HOST_PROVINCIAL

PROJECT_APPS = {"tenants", "provincial", "documents", "padron", "registro", "sede", "soporte",
                "codigos", "certificados"}
# Words of identifiers that are English: a verbose name equal to its field name made of
# them ("created at", "file", "schema name") was never translated.
ENGLISH = {"at", "by", "created", "updated", "name", "file", "key", "hash", "user", "job",
           "state", "email", "size", "token", "used", "expires", "primary", "domain",
           "schema", "search", "version", "data", "attempts", "sent", "last", "year",
           "direction", "content", "type", "is", "message", "id", "author",
           "paused", "since", "breached", "response", "first", "resolution", "uploaded",
           "reviewed", "requested", "approved", "device", "otp", "epoch", "session", "celery",
           "task", "communication", "entity", "tenant", "smtp"}


def _project_models():
    return [model for model in apps.get_models()
            if model._meta.app_label in PROJECT_APPS and not model._meta.auto_created]


def test_the_check_covers_the_project_models():
    labels = {model._meta.label for model in _project_models()}
    assert {"tenants.LoginHandoff", "provincial.JobFile", "padron.Habitante",
            "registro.Asiento", "sede.Edicto", "soporte.Incidencia"} <= labels


@pytest.mark.parametrize("model", _project_models(), ids=lambda model: model._meta.label)
def test_every_project_model_and_field_has_a_spanish_name(model):
    opts = model._meta
    assert "verbose_name" in opts.original_attrs, f"{opts.label}: Meta.verbose_name"
    assert "verbose_name_plural" in opts.original_attrs, f"{opts.label}: Meta.verbose_name_plural"
    assert str(opts.verbose_name) != camel_case_to_spaces(model.__name__) or \
        not set(camel_case_to_spaces(model.__name__).split()) & ENGLISH, opts.label
    for field in opts.get_fields():
        if not getattr(field, "concrete", False) or field.auto_created:
            continue
        where = f"{opts.label}.{field.name}"
        # Given explicitly (Field._verbose_name is what the field was declared with)…
        assert field._verbose_name is not None, f"{where} has no verbose_name"
        # …and not the identifier itself when that is English.
        auto = field.name.replace("_", " ")
        if set(auto.split()) & ENGLISH:
            assert str(field.verbose_name).lower() != auto, f"{where}: {field.verbose_name}"


def _admin(province, client_for):
    return client_for(province.provincial_admin, HOST_PROVINCIAL)


def _text(response) -> str:
    tree = lxml.html.fromstring(response.content.decode())
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return " ".join(" ".join(tree.itertext()).split())


@pytest.mark.django_db
def test_permissions_of_a_group_read_in_spanish(province, client_for):
    text = _text(_admin(province, client_for).get("/admin/auth/group/add/"))
    for english in ("login handoff", "idempotency key", "job file", "periodic task track",
                    "Token de autenticación | Token", "entrada de registro", "Can add"):
        assert english not in text, english
    for spanish in ("Entidades y usuarios | traspaso de sesión entre entidades | Puede ver",
                    "Plataforma provincial | fichero de un trabajo | Puede ver",
                    "API REST | token de la API | Puede añadir",
                    "Administración | cambio en el historial de la administración",
                    "Tareas periódicas | último cambio de las tareas periódicas"):
        assert spanish in text, spanish


@pytest.mark.django_db
def test_third_party_admin_pages_read_in_spanish(province, client_for):
    from django_celery_beat.models import CrontabSchedule

    from tests.conftest import totp_device

    client = _admin(province, client_for)
    device = totp_device(province.provincial_admin)
    totp_list = _text(client.get("/admin/otp_totp/totpdevice/"))
    assert "Search by" not in totp_list
    assert "Busque por el nombre de usuario o la dirección de correo del usuario." in totp_list
    totp_page = _text(client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"))
    assert "The human-readable name of this device." not in totp_page
    assert "Nombre del dispositivo, para reconocerlo." in totp_page
    assert re.search(r"Último uso: — ", totp_page), totp_page[:2000]  # not "None"
    assert not re.search(r"\bNone\b", totp_page)
    crontab = CrontabSchedule.objects.create(minute="0", hour="3")
    task_page = _text(client.get("/admin/django_celery_beat/periodictask/add/"))
    for english in ("Schedule", "Execution Options", "Arguments", "Agumentos", "None",
                    "Crontab translation"):
        assert not re.search(rf"\b{english}\b", task_page), english
    for spanish in ("Programación", "Opciones de ejecución", "Argumentos con nombre (JSON)",
                    "Desmárquelo para que la tarea no se ejecute."):
        assert spanish in task_page, spanish
    assert "Por nombre de la tarea" in _text(client.get("/admin/django_celery_beat/periodictask/"))
    crontab_page = _text(client.get(
        f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/change/"))
    assert "Programación en palabras: A las 03:00 UTC" in crontab_page
    assert "Meses (1 a 12) en que se ejecuta" in crontab_page
    assert "Use \"*\"" not in crontab_page


@pytest.mark.django_db
def test_entity_fields_read_in_spanish_in_the_admin(province, client_for):
    text = _text(_admin(province, client_for).get(f"/admin/tenants/entity/{province.a.pk}/change/"))
    assert "Schema name" not in text
    assert "Updated at" not in text
