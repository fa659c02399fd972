"""Demo data of the certificates: the platform's local CA, a sello de órgano for every demo
entity (so what they issue is sealed), a registradora of the Diputación's registration
office, and requests in every state in Castalla and Altea (the entities adhered to the
service): waiting for acreditación, accredited, at FNMT, issued and expiring soon, suspended
with a petition to lift it, revoked. Idempotent: does nothing once certificates exist.

FNMT and ACCV requests stop where the real process leaves the platform (sent, with the
request code): their certificates are not invented."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.es import dni

from certificados import actions
from certificados.authorities.local import ensure_ca, publish_crl
from certificados.choices import Autoridad, MotivoRevocacion, Operacion, Tipo, TipoDocumento
from certificados.models import Certificado, LocalCA, Registrador
from tenants.choices import MembershipRole
from tenants.models import Entity, Membership, User


def _nif(number: str) -> str:
    return number + dni.calc_check_digit(number)


# entity slug → (kind, authority, given name, surnames, DNI number, position, organo, fate, days)
# fate: solicitado, acreditado, enviado, emitido (expiring in `days`), suspendido, revocado.
REQUESTS = {
    "castalla": [
        (Tipo.EMPLEADO, Autoridad.FNMT, "Laura", "Payà Rico", "21456789", "Secretaria",
         "Secretaría", "solicitado", None),
        (Tipo.EMPLEADO, Autoridad.FNMT, "Miquel", "Tomàs Vidal", "21567890", "Interventor",
         "Intervención", "acreditado", None),
        (Tipo.SEDE, Autoridad.FNMT, "Jordi", "Verdú Pastor", "48345678",
         "Responsable de informática", "Ajuntament de Castalla", "enviado", None),
        (Tipo.EMPLEADO, Autoridad.LOCAL, "Antoni", "Bernabeu Sempere", "21678901", "Alcalde",
         "Alcaldía", "emitido", 45),
        (Tipo.EMPLEADO, Autoridad.LOCAL, "Rosa", "Sempere Mira", "21789012",
         "Técnica de padrón", "Padrón", "emitido", 19),
        (Tipo.EMPLEADO, Autoridad.LOCAL, "Elena", "Sanchis Mora", "21890123",
         "Auxiliar administrativa", "Padrón", "suspendido", 400),
        (Tipo.EMPLEADO, Autoridad.LOCAL, "Pere", "Gisbert Amorós", "21901234",
         "Auxiliar administrativo", "Registro", "revocado", 600),
    ],
    "altea": [
        (Tipo.EMPLEADO, Autoridad.ACCV, "Isabel", "Lloret Such", "29123456", "Secretaria",
         "Secretaría", "solicitado", None),
        (Tipo.SEDE, Autoridad.LOCAL, "Àlex", "Soler Ripoll", "29234567", "Tesorero",
         "Ajuntament d'Altea", "emitido", 52),
    ],
}


def _demo_pdf(name: str) -> SimpleUploadedFile:
    from tenants.demo import ACCEPTANCE_PDF

    return SimpleUploadedFile(name, ACCEPTANCE_PDF, content_type="application/pdf")


def _registradora(admin: User) -> User:
    from tenants.demo import DEMO_PASSWORD

    user, created = User.objects.get_or_create(
        username="registro", defaults={"first_name": "Marina", "last_name": "Orts Cremades",
                                       "email": "registro@diputacion.localhost"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Registrador.objects.get_or_create(user=user, defaults={"code": "R-03-0147",
                                                           "notes": "Oficina de registro de la "
                                                                    "Diputación"})
    return user


def _grant(entity: Entity, admin: User) -> None:
    """The entity's user administrators get the application (they request certificates)."""
    from tenants import actions as tenant_actions

    if "certificados" not in tenant_actions.entity_applications(entity):
        return
    for membership in Membership.objects.filter(entity=entity, role=MembershipRole.USER_ADMIN,
                                                is_active=True):
        if "certificados" not in membership.applications:
            tenant_actions.grant_application(membership, "certificados", acting_user=admin)


def _request(entity: Entity, spec, *, requester: User, operator: User,
             now: datetime.datetime) -> Certificado:
    kind, authority, given, surnames, number, position, organo, fate, days = spec
    slug = entity.slug
    email = f"{given.lower().replace('à', 'a')}.{surnames.split()[0].lower().replace('à', 'a')}" \
            f"@{slug}.localhost"
    # Issued ones were requested back when their validity started.
    validity = {Tipo.SEDE: 397}.get(kind, 3 * 365)
    when = now - datetime.timedelta(days=validity - days) if days is not None \
        else now - datetime.timedelta(days=3)
    certificado = actions.solicitar(
        entity, actions.NuevaSolicitud(
            kind=kind, authority=authority, holder_given_name=given, holder_surnames=surnames,
            holder_nif=_nif(number), holder_email=email, holder_position=position,
            organo=organo, dir3_code=entity.dir3_code,
            sede_domain=f"sede.{slug}.es" if kind == Tipo.SEDE else ""),
        operator=requester, now=when - datetime.timedelta(days=2),
        attachments=[_demo_pdf(f"dni-{given.lower()}.pdf")], doc_type=TipoDocumento.IDENTIDAD)
    if fate == "solicitado":
        return certificado
    actions.acreditar(certificado, "DNI original comprobado en la oficina; nombramiento en el "
                      "expediente de personal.", operator=operator,
                      now=when - datetime.timedelta(days=1))
    if fate == "acreditado":
        return certificado
    if fate == "enviado":
        return actions.enviar(certificado, f"{entity.ine_code}-{number[-4:]}-2026",
                              "Aprobada en la aplicación de registro.", operator=operator,
                              now=when)
    certificado = actions.emitir(certificado, operator=operator, now=when)
    if fate == "suspendido":
        actions.suspender(certificado, "Pérdida del portátil donde estaba instalado.",
                          operator=operator, now=now - datetime.timedelta(days=4))
        actions.pedir_operacion(certificado, Operacion.LEVANTAR,
                                "Ha aparecido el portátil; la clave no salió del equipo.",
                                operator=requester, now=now - datetime.timedelta(days=1))
    elif fate == "revocado":
        actions.revocar(certificado, MotivoRevocacion.CAMBIO_AFILIACION,
                        "Cese por jubilación el 31/10.", operator=operator,
                        now=now - datetime.timedelta(days=30))
    return certificado


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders)."""
    if Certificado.objects.exists():
        return
    admin = User.objects.filter(username="admin").first() \
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    now = timezone.now()
    with transaction.atomic():
        ensure_ca(operator=admin)
        registradora = _registradora(admin)
        sellos = 0
        for entity in entities.values():
            if entity.is_diputacion or not entity.is_active:
                continue
            actions.issue_local_sello(entity, operator=registradora)
            sellos += 1
        requests = 0
        for slug, specs in REQUESTS.items():
            entity = entities.get(slug)
            if entity is None:
                continue
            _grant(entity, admin)
            requester = Membership.objects.filter(
                entity=entity, role=MembershipRole.USER_ADMIN, is_active=True).select_related(
                "user").order_by("pk").first()
            for spec in specs:
                _request(entity, spec, requester=requester.user if requester else admin,
                         operator=registradora, now=now)
                requests += 1
        # The demo's history is dated in the past (the last revocation a month ago): the
        # CRLs are published again now, so they are current when the demo starts.
        for ca in LocalCA.objects.exclude(root_certificate_pem=""):
            publish_crl(ca)
    say(f"  Certificados: AC local, {sellos} sellos de órgano y {requests} solicitudes\n")
