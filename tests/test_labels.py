"""People read Spanish labels, never internal codes: audit actions, job kinds and the
names of the models in the Django admin."""

from __future__ import annotations

import ast
import csv
import html
import io
import itertools
import re

import pytest
from django.contrib import admin as django_admin

from provincial import audit
from provincial.audit_labels import labels
from provincial.jobs import registry
from provincial.models import AuditEvent, Job
from tests.conftest import HOST_A, HOST_PROVINCIAL, ROOT

SOURCE_DIRS = ["certificados", "codigos", "expedientes", "notificaciones", "padron", "provincial",
               "registro", "sede", "soporte", "tenants"]

# Codes built at run time from a value the scan cannot read: each is labelled by
# enumerating its values (padrón states) or by a resolver (admin models).
DYNAMIC = {
    "padron/ine/intercambio.py": "f'padron.ine.fichero.{state}'",
    "padron/ine/retornos.py": "f'padron.ine.incidencia.{state}'",
    "provincial/admin_audit.py": "f'admin.{obj._meta.model_name}.{verb}'",
    # One helper records every change of state; its callers pass the code.
    "notificaciones/actions.py": "accion",
}


def _values(node: ast.AST, constants: dict[str, ast.AST]) -> set[str] | None:
    """Every string `node` can evaluate to, or None when it depends on run-time data."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name) and node.id in constants:
        return _values(constants[node.id], constants)
    if isinstance(node, ast.IfExp):
        body, orelse = _values(node.body, constants), _values(node.orelse, constants)
        return None if body is None or orelse is None else body | orelse
    parts: list[ast.AST] = []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [node.left, node.right]
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
    else:
        return None
    options = [_values(part, constants) for part in parts]
    if any(option is None for option in options):
        return None
    return {"".join(combo) for combo in itertools.product(*options)}


def recorded_actions() -> tuple[set[str], dict[str, str]]:
    """The codes passed to `audit.record` across the code base, and the calls whose code
    is only known at run time (file → source of the argument)."""
    codes: set[str] = set()
    dynamic: dict[str, str] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            constants = {target.id: node.value for node in tree.body
                         if isinstance(node, ast.Assign) for target in node.targets
                         if isinstance(target, ast.Name)}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                func = node.func
                is_record = (isinstance(func, ast.Attribute)
                             and func.attr in ("record", "record_each")
                             and isinstance(func.value, ast.Name) and func.value.id == "audit") \
                    or (path.name == "audit.py" and isinstance(func, ast.Name)
                        and func.id == "record")
                if not is_record:
                    continue
                values = _values(node.args[0], constants)
                if values is None:
                    dynamic[str(path.relative_to(ROOT))] = ast.unparse(node.args[0])
                else:
                    codes |= values
    return codes, dynamic


def looks_like_a_code(code: str, label: str) -> bool:
    return not label or label == code or re.search(r"\w\.\w|_", label) is not None


def test_every_audit_action_recorded_in_the_code_has_a_spanish_label():
    codes, dynamic = recorded_actions()
    assert len(codes) >= 75
    assert dynamic == DYNAMIC
    codes |= {"padron.ine.fichero.enviado", "padron.ine.fichero.aceptado",
              "padron.ine.fichero.rechazado", "padron.ine.incidencia.aceptada",
              "padron.ine.incidencia.rechazada", "admin.entity.add", "admin.membership.change",
              "admin.codigo.delete", "notificaciones.notificacion.acceso",
              "notificaciones.notificacion.rechazo", "notificaciones.notificacion.rechazo_plazo",
              "notificaciones.notificacion.expiracion", "notificaciones.notificacion.entrega_papel",
              "notificaciones.notificacion.anulacion"}
    undeclared = sorted(code for code in codes if not labels.is_declared(code))
    assert undeclared == []
    assert [(code, labels.label(code)) for code in sorted(codes)
            if looks_like_a_code(code, labels.label(code))] == []


@pytest.mark.parametrize(("code", "label"), [
    ("tenants.membership.update", "Cambio de permisos de una persona"),
    ("auth.2fa.enrol", "Activación del doble factor"),
    ("padron.ine.fichero.enviado", "Fichero para el INE: enviado"),
    ("padron.ine.incidencia.rechazada", "Incidencia devuelta por el INE: rechazada"),
    ("admin.entity.change", "Administración: cambio de entidad"),
    ("admin.adhesion.add", "Administración: alta de adhesión"),
    # Codes nobody declared read by their area, never as the code.
    ("admin.nomodel.change", "Otra acción: administración"),
    ("padron.nueva.accion", "Otra acción: padrón"),
    ("pruebas.lectura", "Otra acción"),
])
def test_action_labels_and_their_spanish_fallback(code, label):
    assert labels.label(code) == label


@pytest.mark.django_db
def test_audit_page_filter_and_csv_show_labels_not_codes(province, client_for):
    audit.record("tenants.membership.update", user=province.admin_a, entity=province.a)
    admin = client_for(province.admin_a, HOST_A)
    page = admin.get("/gestion/auditoria/").content.decode()
    assert '<td data-label="Acción">Cambio de permisos de una persona</td>' in page
    assert ('<option value="tenants.membership.update" >Cambio de permisos de una persona'
            '</option>') in page
    assert ">tenants.membership.update<" not in page
    selected = admin.get("/gestion/auditoria/", {"accion": "tenants.membership.update"})
    assert ('<option value="tenants.membership.update" selected>Cambio de permisos de una '
            'persona</option>') in selected.content.decode()
    response = admin.get("/gestion/auditoria/", {"accion": "tenants.membership.update",
                                                 "formato": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows[1:]] == ["Cambio de permisos de una persona"]


@pytest.mark.django_db
def test_admin_audit_list_shows_labels_and_filters_by_label(province, client_for):
    event = audit.record("tenants.membership.update", user=province.admin_a, entity=province.a,
                         obj=province.a)
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    page = html.unescape(admin.get("/admin/provincial/auditevent/").content.decode())
    assert "<td class=\"field-action_label\">Cambio de permisos de una persona</td>" in page
    assert ('<a href="?action=tenants.membership.update">Cambio de permisos de una persona</a>'
            in page)  # the filter's choice
    assert "tenants.membership.update</" not in page
    filtered = html.unescape(admin.get("/admin/provincial/auditevent/",
                                       {"action": "auth.login"}).content.decode())
    assert "Cambio de permisos de una persona</td>" not in filtered
    detail = html.unescape(admin.get(f"/admin/provincial/auditevent/{event.pk}/change/")
                           .content.decode())
    assert '<div class="readonly">Cambio de permisos de una persona</div>' in detail
    assert '<div class="readonly">entidad</div>' in detail  # the object's model
    assert "tenants.membership.update" not in detail
    assert "tenants.Entity" not in detail


def test_every_job_kind_has_a_spanish_label():
    kinds = {kind.code: str(kind.label) for kind in registry._kinds.values()}
    assert {"provincial.diagnostic", "sede.acuse", "soporte.notificar",
            "tenants.send_communication"} <= set(kinds)
    assert [(code, label) for code, label in kinds.items()
            if looks_like_a_code(code, label)] == []
    assert kinds["sede.acuse"] == "Acuse de recibo de la sede"
    assert registry.label("sede.acuse") == "Acuse de recibo de la sede"
    # A kind no longer registered reads by its application, never as the code.
    assert registry.label("sede.retirado") == "Trabajo: Sede electrónica"
    assert registry.label("desconocido.tarea") == "Trabajo"
    assert Job(kind="sede.retirado").label == "Trabajo: Sede electrónica"


@pytest.mark.django_db
def test_job_lists_and_admin_show_the_kind_label(province, client_for):
    job = Job.objects.create(kind="sede.acuse", entity=province.a)
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    page = html.unescape(admin.get("/admin/provincial/job/").content.decode())
    assert '<td class="field-kind_label">Acuse de recibo de la sede</td>' in page
    assert '<a href="?kind=sede.acuse">Acuse de recibo de la sede</a>' in page
    assert '<a href="?queue=default">general</a>' in page
    assert "sede.acuse" not in page.replace("kind=sede.acuse", "")
    assert ">default<" not in page
    detail = html.unescape(admin.get(f"/admin/provincial/job/{job.pk}/change/").content.decode())
    assert '<div class="readonly">Acuse de recibo de la sede</div>' in detail
    assert '<div class="readonly">general</div>' in detail
    assert "sede.acuse" not in detail
    clerk = client_for(province.clerk_a, HOST_A)  # works with the sede
    page = clerk.get(f"/gestion/trabajos/{job.pk}/").content.decode()
    assert "<h1>Acuse de recibo de la sede <span" in page
    assert "<dd>general</dd>" in page


@pytest.mark.django_db
def test_admin_model_names_are_spanish(province, client_for):
    names = {model._meta.label: (str(model._meta.verbose_name),
                                 str(model._meta.verbose_name_plural))
             for model in django_admin.site._registry}
    assert names["otp_totp.TOTPDevice"] == ("aplicación de autenticación",
                                            "aplicaciones de autenticación")
    assert names["otp_static.StaticDevice"] == ("juego de códigos de recuperación",
                                                "códigos de recuperación")
    assert names["axes.AccessAttempt"] == ("intento de acceso fallido",
                                           "intentos de acceso fallidos")
    assert names["axes.AccessLog"] == ("acceso", "registro de accesos")
    assert names["axes.AccessFailureLog"] == ("acceso fallido", "registro de accesos fallidos")
    english = re.compile(r"\b(device|access|attempt|attempts|failure|log|crontab|"
                         r"schedule|clocked)s?\b", re.IGNORECASE)
    assert [label for label, pair in names.items() if english.search(" ".join(pair))] == []
    index = html.unescape(client_for(province.provincial_admin, HOST_PROVINCIAL)
                          .get("/admin/").content.decode())
    for raw in ("TOTP device", "Static device", "Access attempt", "Access log",
                "Access failure", "Crontab"):
        assert raw not in index
    assert "Aplicaciones de autenticación" in index
    assert "Intentos de acceso fallidos" in index


def test_audit_event_label_property():
    assert AuditEvent(action="sede.verificacion").action_label == \
        "Verificación de un documento por su CSV"
    assert AuditEvent(object_type="tenants.Entity").object_type_label == "entidad"
    assert AuditEvent(object_type="").object_type_label == ""


@pytest.mark.django_db
def test_axes_and_otp_admin_pages_are_spanish(province, client_for):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    attempt = AccessAttempt.objects.create(username="intruso", ip_address="10.0.0.9",
                                           user_agent="curl", http_accept="*/*",
                                           path_info="/cuentas/entrar/", get_data="",
                                           post_data="username=intruso",
                                           failures_since_start=2)
    AccessLog.objects.create(username="clerk_a", ip_address="10.0.0.8", user_agent="Firefox",
                             http_accept="*/*", path_info="/cuentas/entrar/")
    AccessFailureLog.objects.create(username="intruso", ip_address="10.0.0.9", user_agent="curl",
                                    http_accept="*/*", path_info="/cuentas/entrar/",
                                    locked_out=True)
    device = TOTPDevice.objects.create(user=province.clerk_a, name="Móvil", confirmed=True)
    static = StaticDevice.objects.create(user=province.clerk_a, name="Códigos", confirmed=True)
    static.token_set.create(token="12345678")
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    english = re.compile(r"Attempt Time|IP Address|User Agent|Path|Failed Logins|Locked Out|"
                         r"Not set|Attempt Remaining|Form Data|Meta Data|Last used at|"
                         r"Created at|Identity|Timestamps|Configuration|Throttling|QR Code|"
                         r"Clean up expired|Logout Time|Access lock out|Confirmed|>Name<|"
                         r">User<|Tolerance|Digits|Drift|Static token|StaticToken|object \(")
    pages = {
        "/admin/axes/accessattempt/": ["Intentos fallidos", "Dirección IP", "Navegador",
                                       "quedan 3 intentos", "Borrar los intentos caducados"],
        f"/admin/axes/accessattempt/{attempt.pk}/change/": ["Datos enviados",
                                                            "Datos de la conexión",
                                                            "username=intruso"],
        "/admin/axes/accesslog/": ["Cierre de sesión", "Firefox"],
        "/admin/axes/accessfailurelog/": ["Bloqueado"],
        "/admin/otp_totp/totpdevice/": ["Último uso", "Confirmado", "Móvil"],
        f"/admin/otp_totp/totpdevice/{device.pk}/change/": ["Identidad", "Fechas",
                                                            "Configuración", "Cifras",
                                                            "Freno tras fallos"],
        "/admin/otp_totp/totpdevice/add/": ["Clave secreta (hexadecimal)", "Tolerancia"],
        "/admin/otp_static/staticdevice/": ["Códigos"],
        f"/admin/otp_static/staticdevice/{static.pk}/change/": [
            "Identidad", "Código de recuperación n.º", '<th class="column-token required">Código'],
    }
    for path, expected in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        page = html.unescape(response.content.decode())
        assert [text for text in expected if text not in page] == [], path
        assert english.findall(page) == [], path
