"""A demo province: the Diputación, six municipalities with real INE codes, a
mancomunidad, adhesions within (and one outside) the thresholds, users, office holders and
the distribution list, then what each app adds through its registered demo loader
(tenants.demo_loaders). Idempotent: run it again and it completes what is missing."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tenants import actions, demo_loaders
from tenants.choices import AdhesionState, EntityKind, MembershipRole
from tenants.models import Adhesion, DistributionAddress, Entity, Service, User

DEMO_PASSWORD = "provincia-demo-2026"
ADMIN_PASSWORD = "faro-de-santa-pola-26"

# slug, name, INE (with control digit), comarca, population (INE, 1 Jan 2024), services
MUNICIPALITIES = [
    ("alcalali", "Ajuntament d'Alcalalí", "030067", "Marina Alta", 1365,
     ["padron", "eadmin-simplificada", "portales", "correo", "nube", "soporte"]),
    ("agost", "Ajuntament d'Agost", "030020", "Alacantí", 4989,
     ["padron", "contabilidad", "eadmin", "portales", "correo", "nube", "soporte", "formacion"]),
    ("castalla", "Ajuntament de Castalla", "030535", "Alcoià", 11136,
     ["padron", "contabilidad", "eadmin", "portales", "correo", "certificados", "soporte"]),
    ("benissa", "Ajuntament de Benissa", "030417", "Marina Alta", 12162,
     ["padron", "eadmin", "portales", "soporte"]),
    ("altea", "Ajuntament d'Altea", "030187", "Marina Baixa", 23596,
     ["certificados", "soporte", "formacion"]),
    ("alcoi", "Ajuntament d'Alcoi", "030092", "Alcoià", 60283, ["soporte", "formacion"]),
]

MANCOMUNIDAD = ("mancomunitat-alcoia", "Mancomunitat de l'Alcoià i el Comtat", "Alcoià",
                ["alcoi", "castalla"], ["contabilidad", "soporte"])

# Postal codes of each town hall (Correos), never derived from the INE code: the INE's
# municipality number and the postal code are unrelated (Castalla is INE 03053, CP 03420).
# The mancomunitat's seat is in Alcoi.
POSTAL_CODES = {"alcalali": "03728", "agost": "03698", "castalla": "03420",
                "benissa": "03720", "altea": "03590", "alcoi": "03801",
                "mancomunitat-alcoia": "03801"}

# Who holds each office (fictional people): slug → [(office, name, wording, start, end)].
# Marta Boronat Climent, the demo user "secretaria", is the Secretaria-Interventora that
# Alcalalí and Agost share; the earlier periods show that documents name whoever was in
# office on the day of issue.
OFFICE_HOLDERS = {
    "alcalali": [
        ("alcaldia", "Vicent Ferrer Ivars", "masculine", "2019-06-15", None),
        ("secretaria_intervencion", "Joan Soler Mas", "masculine", "2015-09-01", "2021-02-28"),
        ("secretaria_intervencion", "Marta Boronat Climent", "feminine", "2021-03-01", None)],
    "agost": [
        ("alcaldia", "Francesc Gil Sala", "masculine", "2019-06-15", "2023-06-16"),
        ("alcaldia", "Carme Navarro Jover", "feminine", "2023-06-17", None),
        ("secretaria_intervencion", "Marta Boronat Climent", "feminine", "2021-03-01", None)],
    "castalla": [
        ("alcaldia", "Antoni Bernabeu Sempere", "masculine", "2023-06-17", None),
        ("secretaria", "Laura Payà Rico", "feminine", "2018-01-08", None),
        ("intervencion", "Miquel Tomàs Vidal", "masculine", "2020-05-04", None)],
    "benissa": [
        ("alcaldia", "Neus Crespo Ribes", "feminine", "2023-06-17", None),
        ("secretaria", "Xavier Llorca Perles", "masculine", "2016-02-01", None),
        ("intervencion", "Anna Sendra Morell", "feminine", "2019-10-14", None)],
    "altea": [
        ("alcaldia", "Pere Savall Mulet", "masculine", "2023-06-17", None),
        ("secretaria", "Isabel Lloret Such", "feminine", "2017-04-03", None),
        ("tesoreria", "Àlex Soler Ripoll", "neutral", "2022-01-10", None)],
    "alcoi": [
        ("alcaldia", "Lluís Cerdà Jordà", "masculine", "2023-06-17", None),
        ("secretaria", "Elena Grau Pascual", "feminine", "2014-11-03", None),
        ("intervencion", "Ramon Miró Llinares", "masculine", "2018-06-01", None)],
    "mancomunitat-alcoia": [
        ("presidencia", "Consol Miralles Santonja", "feminine", "2023-09-20", None),
        ("secretaria_intervencion", "Enric Domènech Valor", "masculine", "2020-02-03", None)],
}

# A tiny but well-formed PDF standing for the mayor's signed acceptance.
ACCEPTANCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# The demo's people: username, first name, surnames, [(entity slug, role, applications)].
PEOPLE = [
    ("secretaria", "Marta", "Boronat Climent",
     [("alcalali", MembershipRole.USER_ADMIN, ["padron", "registro", "expedientes", "sede",
                                               "soporte"]),
      ("agost", MembershipRole.USER_ADMIN, ["padron", "contabilidad", "registro", "sede",
                                            "soporte"])]),
    ("admin.castalla", "Jordi", "Verdú Pastor",
     [("castalla", MembershipRole.USER_ADMIN, ["padron", "contabilidad", "registro",
                                               "expedientes", "sede", "portales",
                                               "soporte"])]),
    ("padron.castalla", "Elena", "Sanchis Mora",
     [("castalla", MembershipRole.CLERK, ["padron"])]),
    ("admin.benissa", "Pau", "Ivars Ronda",
     [("benissa", MembershipRole.USER_ADMIN, ["padron", "registro", "sede", "soporte"])]),
    ("tic.mancomunitat", "Sergio", "Molina Gisbert",
     [("mancomunitat-alcoia", MembershipRole.USER_ADMIN, ["contabilidad", "soporte"])]),
]


def _cif_for(code5: str) -> str:
    from stdnum.es import cif

    base = f"P{code5}00"
    return base + cif.calc_check_digits(base)[1]


def _host(slug: str) -> str:
    suffix = settings.PROVINCIAL_DOMAIN.split(".", 1)[1] if "." in settings.PROVINCIAL_DOMAIN \
        else "localhost"
    return f"{slug}.{suffix}"


def _user(username: str, *, first: str, last: str, email: str, **flags) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email,
                                     **flags})
    if created:
        user.set_password(ADMIN_PASSWORD if flags.get("is_superuser") else DEMO_PASSWORD)
        user.save()
    return user


def _adhere(entity: Entity, codes: list[str], admin: User) -> None:
    for code in codes:
        service = Service.objects.get(code=code)
        if Adhesion.objects.filter(entity=entity, service=service,
                                   state__in=[AdhesionState.REQUESTED, AdhesionState.APPROVED]).exists():
            continue
        justification = ""
        if service.eligibility_problem(entity):
            justification = ("Convenio singular aprobado por la Junta de Gobierno provincial "
                             "(demostración de excepción).")
        adhesion = actions.request_adhesion(
            entity, service, acting_user=admin, exception_justification=justification,
            acceptance_document=SimpleUploadedFile(f"aceptacion-{code}.pdf", ACCEPTANCE_PDF,
                                                   content_type="application/pdf"))
        actions.approve_adhesion(adhesion, acting_user=admin)


def _fix_postal_code(entity: Entity, *, wrong: str) -> None:
    """Demo entities loaded before the real postal codes carry one made from the INE code
    (or none): put the real one, leaving any other value someone typed in the admin."""
    if entity.postal_code in ("", wrong) and entity.postal_code != POSTAL_CODES[entity.slug]:
        Entity.objects.filter(pk=entity.pk).update(postal_code=POSTAL_CODES[entity.slug])
        entity.postal_code = POSTAL_CODES[entity.slug]


def load(stdout=None) -> dict[str, Entity]:
    say = stdout.write if stdout else (lambda _msg: None)
    actions.ensure_diputacion(name="Diputación Provincial de Alicante", dir3_code="L02000003",
                              cif="P0300000G", province="Alicante",
                              domain=settings.PROVINCIAL_DOMAIN)
    admin = _user("admin", first="Administración", last="Provincial",
                  email="admin@diputacion.localhost", is_staff=True, is_superuser=True,
                  can_send_communications=True)
    _user("soporte", first="Lucía", last="Ferrándiz Soler", email="soporte@diputacion.localhost",
          is_support_agent=True)
    entities: dict[str, Entity] = {}
    for slug, name, ine, comarca, population, services in MUNICIPALITIES:
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            result = actions.provision_entity(
                name=name, slug=slug, kind=EntityKind.AYUNTAMIENTO, ine_code=ine,
                dir3_code=f"L01{ine}", cif=_cif_for(ine[:5]), province="Alicante",
                comarca=comarca, domains=[_host(slug)], population=population,
                population_year=2024, acting_user=admin, email=f"ayuntamiento@{_host(slug)}",
                phone="965 000 000", address="Plaça de l'Ajuntament, 1",
                postal_code=POSTAL_CODES[slug])
            entity = result.entity
            say(f"  {name}: {result.method} en {result.seconds:.2f} s\n")
        _fix_postal_code(entity, wrong=f"03{ine[2:5]}")
        entities[slug] = entity
        _adhere(entity, services, admin)
        for label, local in (("Alcaldía", "alcaldia"), ("Secretaría", "secretaria")):
            DistributionAddress.objects.get_or_create(
                entity=entity, email=f"{local}@{_host(slug)}", defaults={"label": label})
    slug, name, comarca, member_slugs, services = MANCOMUNIDAD
    manc = Entity.objects.filter(slug=slug).first()
    if manc is None:
        manc = actions.provision_entity(
            name=name, slug=slug, kind=EntityKind.MANCOMUNIDAD, dir3_code="L03030011",
            cif="P5300100D", province="Alicante", comarca=comarca, domains=[_host(slug)],
            members=[entities[s] for s in member_slugs], acting_user=admin,
            email=f"mancomunitat@{_host(slug)}", address="Plaça de l'Ajuntament, 1",
            postal_code=POSTAL_CODES[slug]).entity
    _fix_postal_code(manc, wrong="")
    entities[slug] = manc
    _adhere(manc, services, admin)
    DistributionAddress.objects.get_or_create(entity=manc, email=f"presidencia@{_host(slug)}",
                                              defaults={"label": "Presidencia"})
    _memberships(entities, admin)
    _office_holders(entities, admin)
    # What each app adds (padrón, registro, sede, soporte…): its registered demo loader.
    demo_loaders.run_all(entities, say)
    return entities


def _office_holders(entities: dict[str, Entity], admin: User,
                    only: list[str] | None = None) -> None:
    """The demo's office holders, for entities that have none recorded yet."""
    import datetime

    from tenants.models import OfficeHolder

    for slug, rows in OFFICE_HOLDERS.items():
        if only is not None and slug not in only:
            continue
        entity = entities[slug]
        if OfficeHolder.objects.for_entity(entity).exists():
            continue
        for office, name, wording, start, end in rows:
            actions.add_office_holder(entity, actions.OfficeHolderData(
                office=office, name=name, wording=wording,
                start_date=datetime.date.fromisoformat(start),
                end_date=datetime.date.fromisoformat(end) if end else None), acting_user=admin)


@transaction.atomic
def _memberships(entities: dict[str, Entity], admin: User) -> None:
    for username, first, last, places in PEOPLE:
        user = _user(username, first=first, last=last, email=f"{username}@demo.localhost")
        for slug, role, applications in places:
            entity = entities[slug]
            if not user.memberships.filter(entity=entity).exists():
                actions.add_member(entity, acting_user=admin, email=user.email, role=role,
                                   applications=applications)
