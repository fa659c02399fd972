"""Demo data of the notificaciones, for each demo entity whose expedientes have a signed
document (expedientes.demo signs a resolution through the portafirmas): a few
notifications of it, each made through notificaciones.actions at the moment it would have
happened, so that its evidence is true to its dates:

- one put at disposal twelve days ago and rejected by the passing of ten days, by the
  periodic job's action run now (`vencer_pendientes`);
- one accessed at the sede by the citizen five days ago, seven hours after its puesta;
- one on paper (the citizen neither obliged nor chose electronic means), pending delivery;
- one pending for eight days (two left);
- one to a company (obliged, art. 14.2.a) with a representative registered in the
  registro de apoderamientos, pending.

Idempotent: an entity that has remesas is left as it is."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

logger = logging.getLogger(__name__)

# Demo people (expedientes.demo.PERSONAS / registro.demo): they find these notifications in
# the sede's carpeta with the development identification.
LUCIA = ("12345678Z", "Lucía", "Pérez", "Sanz")
JOAN = ("87654321X", "Joan", "Ferrer", "Bernabeu")
MARIA_JOSE = ("11111111H", "María José", "Navarro", "Pastor")
VICENT = ("22222222J", "Vicent", "Mira", "Jover")
CARMEN = ("33333333P", "Carmen", "Sempere", "Ribera")
EMPRESA = ("B12345674", "Construccions i Reformes l'Alacantí SL")


@contextlib.contextmanager
def reloj(at: datetime.datetime) -> Iterator[None]:
    """Run as if it were `at`, the clock ticking from there: what the actions record
    (the puesta, the access, the registro's salida, the acuse's dates) is that moment."""
    real_now = timezone.now
    offset = at - real_now()
    with mock.patch.object(timezone, "now", side_effect=lambda: real_now() + offset):
        yield


def _persona(person: tuple[str, str, str, str], **extra):
    from notificaciones.actions import Destinatario

    documento, nombre, ap1, ap2 = person
    return Destinatario(tipo_documento="NIF", documento=documento, nombre=nombre,
                        apellido1=ap1, apellido2=ap2,
                        email=f"{documento.lower()}@correo.example", **extra)


def _documentos_firmados() -> list:
    from expedientes.choices import EstadoDocumento
    from expedientes.models import Documento

    return list(Documento.objects.filter(estado=EstadoDocumento.FIRMADO)
                .exclude(contenido="").select_related("expediente").order_by("pk"))


def populate(user) -> int:
    """Make the demo notifications of one entity (inside its schema); how many."""
    from notificaciones import actions
    from notificaciones.models import Remesa
    from provincial.documents import services as documents

    if Remesa.objects.exists():
        return 0
    documentos = _documentos_firmados()
    if not documentos:
        return 0
    now = timezone.now()
    made = 0

    def notificar(index: int, destinatario, at: datetime.datetime):
        documento = documentos[index % len(documentos)]
        with reloj(at):
            remesa = actions.crear_remesa(documento=documento, concepto=documento.titulo[:250],
                                          destinatarios=[destinatario], acting_user=user)
        return remesa.notificaciones.get()

    try:
        # Rejected by the passing of ten days: put at disposal twelve days ago; the
        # periodic job (run now) rejects it at its vence_at, two days ago.
        notificar(0, _persona(JOAN, eligio_electronica=True),
                  now - datetime.timedelta(days=12))
        made += 1
        actions.vencer_pendientes(now)
        # Accessed by the citizen at the sede, seven hours after the puesta.
        accedida = notificar(1, _persona(LUCIA, eligio_electronica=True),
                             now - datetime.timedelta(days=5))
        with reloj(accedida.puesta_at + datetime.timedelta(hours=7, minutes=12, seconds=5)):
            actions.acceder(accedida, actions.Actor(
                documento=LUCIA[0], nombre=" ".join(LUCIA[1:]), metodo="clave",
                nivel="sustancial", ip="192.0.2.44", user_agent="Mozilla/5.0 (demo)"))
        made += 1
        # On paper: pending delivery by the notifier.
        notificar(2, _persona(CARMEN, direccion="C/ Major, 5, 03698 Agost"),
                  now - datetime.timedelta(days=2))
        made += 1
        # Pending for eight days: two left.
        notificar(3, _persona(VICENT, eligio_electronica=True),
                  now - datetime.timedelta(days=8))
        made += 1
        # A company (obliged) with a representative registered for all procedures.
        actions.registrar_apoderamiento(
            acting_user=user, poderdante_tipo_documento="CIF", poderdante_documento=EMPRESA[0],
            poderdante_nombre=EMPRESA[1], apoderado_tipo_documento="NIF",
            apoderado_documento=MARIA_JOSE[0], apoderado_nombre=" ".join(MARIA_JOSE[1:]),
            apoderado_email=f"{MARIA_JOSE[0].lower()}@correo.example",
            valido_desde=timezone.localdate() - datetime.timedelta(days=90),
            referencia="Apud acta 12/2026")
        from notificaciones.actions import Destinatario

        notificar(4, Destinatario(tipo_documento="CIF", documento=EMPRESA[0], nombre=EMPRESA[1],
                                  email="administracion@construccions.example"),
                  now - datetime.timedelta(hours=3))
        made += 1
    except (actions.NotificacionError, documents.SigningFailed) as exc:
        logger.info("demo: notificaciones stopped after %s: %s", made, exc.message)
    return made


def _clerk(entity):
    """A member of the entity with the expedientes application (the one who notifies)."""
    from tenants.models import Membership

    membership = (Membership.objects.filter(entity=entity, is_active=True,
                                            applications__contains=["expedientes"])
                  .select_related("user").order_by("pk").first())
    return membership.user if membership else None


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders): the notifications of each demo entity with the
    e-administración service and a signed document to notify."""
    from django_tenants.utils import schema_context

    from tenants.demo_loaders import with_service

    for entity in with_service(entities.values(), "eadmin", "eadmin-simplificada"):
        user = _clerk(entity)
        with schema_context(entity.schema_name):
            made = populate(user)
        if made:
            say(f"  {entity.name}: {made} notificaciones electrónicas de ejemplo\n")
