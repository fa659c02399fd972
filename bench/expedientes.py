"""Benchmark of the expedientes: generating documents, a batch signature, the ENI export.

    .venv/bin/python bench/expedientes.py [--documents N] [--batch B] [--eni E]
                                          [--recreate] [--drop]

Prints figures beside a baseline measured in the same run; asserts nothing. Its own
database (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/provincial_bench_expedientes; the name must contain
'bench'), created if missing and kept (--recreate starts afresh, --drop drops it). The
signing certificates come from the test PKI (tests/pki.py, RSA 2048), given to the
signing service as the signer and the sello of the bench's entity.

1. Documents generated per second: `documentos.generar` (expediente locked, template
   merged by the sandboxed engine with the expediente's data, draft row, history, audit)
   against the bare merge of the same template body by Django's template engine (no
   database): the ceiling. Then `documentos.congelar` (the draft rendered to PDF by
   WeasyPrint, stored with its SHA-256) against bare WeasyPrint rendering of the same HTML.
2. A batch signature of B documents (default 50) by one signer of a one-step circuit:
   `portafirmas.firmar_lote` (per document: locks, PAdES B-B incremental signature
   with a visible stamp, new revision stored, history, audit, request closed) against
   bare `pades.sign_pdf` of the same PDFs (no database) and bare SHA-256 of them.
3. The ENI export of an expediente with E documents (default 200, one-page PDFs):
   `eni.expediente.exportar` (índice with every hash, signed TF03 with the sello; every
   document's ENI XML with its content inline and its signature) against bare reading
   and SHA-256 hashing of the same files, and bare base64 of them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import benchdb  # noqa: E402 - after the path fix above

DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/provincial_bench_expedientes"
PUBLIC_HOST = "diputacion.bench.localhost"
ENTITY_SLUG = "bench-expedientes"
ENTITY_HOST = "bench-expedientes.bench.localhost"
DB_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provincial.settings")
say = benchdb.say


def rate(label: str, count: int, seconds: float, ceiling: float | None = None,
         unit: str = "doc/s") -> float:
    per_second = count / seconds
    ratio = f"  ({per_second / ceiling:.0%} of the baseline)" if ceiling else ""
    say(f"   {label:<52}{per_second:>9.1f} {unit}  {1000 * seconds / count:8.2f} ms each{ratio}")
    return per_second


def setup():
    """The entity (adhered to e-administración), a clerk who signs, a procedure."""
    from django_tenants.utils import schema_context

    from expedientes.catalogo import actions as catalogo
    from tenants import actions
    from tenants.choices import MembershipRole
    from tenants.models import User

    entity = benchdb.ensure_entity(slug=ENTITY_SLUG, host=ENTITY_HOST,
                                   name="Ajuntament de Bench", inhabitants=4989, say=say)
    admin = benchdb.adhere(entity, "eadmin")
    clerk = User.objects.filter(username="bench_firmante").first()
    if clerk is None:
        clerk = User.objects.create_user("bench_firmante", email="firmante@bench.localhost",
                                         first_name="Marta", last_name="Firmante Bench",
                                         nif="12345678Z")
        actions.add_member(entity, acting_user=admin, email=clerk.email,
                           role=MembershipRole.CLERK, applications=["expedientes", "registro"])
    with schema_context(entity.schema_name):
        # The starter catalogue's procedures, adopted once; the first one with templates.
        from expedientes.models import Procedimiento

        catalogo.adoptar_todos(acting_user=clerk)  # skips what is already adopted
        procedimiento = next(p for p in Procedimiento.objects.order_by("pk")
                             if p.plantillas.filter(is_active=True).exists())
    return entity, clerk, procedimiento


def new_expediente(procedimiento, clerk, asunto: str):
    from expedientes import actions as expedientes
    from expedientes.actions import InteresadoData

    return expedientes.abrir(procedimiento, asunto=asunto, acting_user=clerk, interesados=[
        InteresadoData(tipo_documento="dni", documento="12345678Z", nombre="Lucía",
                       apellido1="Pérez", apellido2="Sanz", rol="solicitante")])


def bench_generation(procedimiento, clerk, count: int) -> None:
    from django.template import Context

    from expedientes import documentos, plantillas

    plantilla = procedimiento.plantillas.filter(is_active=True).order_by("orden").first()
    expediente = new_expediente(procedimiento, clerk, "Generación de documentos (bench)")
    contexto = plantillas.contexto(expediente)
    compiled = plantillas.compilar(plantilla.cuerpo)
    documentos.generar(expediente, plantilla, acting_user=clerk)  # warm up
    begin = time.perf_counter()
    for _ in range(count):
        compiled.render(Context(contexto))
    ceiling = rate("bare merge (compiled template, no database)", count,
                   time.perf_counter() - begin)
    begin = time.perf_counter()
    made = [documentos.generar(expediente, plantilla, acting_user=clerk) for _ in range(count)]
    rate("documentos.generar (draft, history, audit)", count, time.perf_counter() - begin,
         ceiling)

    from weasyprint import HTML

    sample = made[:max(3, count // 10)]
    html = documentos._pdf  # noqa: SLF001 - the same rendering congelar does
    html(sample[0], borrador=False)  # warm up fonts
    begin = time.perf_counter()
    for documento in sample:
        HTML(string=f"<html><body>{documento.cuerpo}</body></html>").write_pdf()
    ceiling = rate("bare WeasyPrint of the draft's body", len(sample),
                   time.perf_counter() - begin)
    begin = time.perf_counter()
    for documento in sample:
        documentos.congelar(documento, acting_user=clerk)
    rate("documentos.congelar (PDF with layout, frozen)", len(sample),
         time.perf_counter() - begin, ceiling)


def _frozen_pdfs(procedimiento, clerk, count: int, asunto: str):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from expedientes.choices import EstadoDocumento, OrigenEni, TipoDocumental
    from expedientes.models import Documento

    pdf = _one_page_pdf()
    digest = hashlib.sha256(pdf).hexdigest()
    expediente = new_expediente(procedimiento, clerk, asunto)
    now = timezone.now()
    documentos = []
    for index in range(count):
        documento = Documento(expediente=expediente, titulo=f"Informe {index + 1}",
                              tipo_documental=TipoDocumental.INFORME,
                              estado=EstadoDocumento.INCORPORADO, nombre_fichero="informe.pdf",
                              mime_type="application/pdf", size=len(pdf), sha256=digest,
                              sha256_original=digest, origen=OrigenEni.ADMINISTRACION,
                              fecha_captura=now, frozen_at=now, orden=index + 1)
        documento.contenido.save("informe.pdf", ContentFile(pdf), save=False)
        documento.save()
        documentos.append(documento)
    return expediente, documentos, pdf


def _one_page_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html><body><h1>Informe técnico</h1>" + "<p>Texto del informe. "
                * 40 + "</p></body></html>").write_pdf()


def bench_batch(procedimiento, clerk, count: int) -> None:
    from expedientes import portafirmas
    from expedientes.choices import Cargo
    from expedientes.models import CircuitoFirma, Firmante
    from provincial.signing import pades
    from tests.pki import identity

    signer = identity("sello")
    expediente, documentos, pdf = _frozen_pdfs(procedimiento, clerk, count,
                                               "Firma en lote (bench)")
    circuito = CircuitoFirma.objects.filter(name="Bench: una firma").first() or \
        portafirmas.guardar_circuito(None, name="Bench: una firma", acting_user=clerk, pasos=[
            portafirmas.PasoData(orden=1, cargo=Cargo.TECNICO, user=clerk)])
    for documento in documentos:
        portafirmas.enviar_a_firma(documento, circuito, acting_user=clerk)
    firmantes = list(Firmante.objects.filter(peticion__documento__in=documentos)
                     .select_related("peticion__documento"))
    begin = time.perf_counter()
    for _ in range(count):
        hashlib.sha256(pdf).hexdigest()
    rate("bare SHA-256 of the PDFs", count, time.perf_counter() - begin)
    begin = time.perf_counter()
    for _ in range(count):
        pades.sign_pdf(pdf, signer, timestamper=None, field_name="Firma")
    ceiling = rate("bare pades.sign_pdf (B-B, no database)", count, time.perf_counter() - begin)
    begin = time.perf_counter()
    results = portafirmas.firmar_lote(firmantes, acting_user=clerk)
    elapsed = time.perf_counter() - begin
    rate(f"portafirmas.firmar_lote of {count}", count, elapsed, ceiling)
    failed = [r for r in results if not r.ok]
    say(f"   batch of {count}: {elapsed:.2f} s in all, {len(failed)} failed"
        + (f" (first: {failed[0].mensaje})" if failed else ""))


def bench_eni(procedimiento, clerk, count: int) -> None:
    from expedientes.eni import expediente as eni

    expediente, documentos, pdf = _frozen_pdfs(procedimiento, clerk, count,
                                               "Exportación ENI (bench)")
    eni.exportar(expediente)  # warm up (schemas, sello)
    begin = time.perf_counter()
    for documento in documentos:
        with documento.contenido.open("rb") as handle:
            hashlib.sha256(handle.read()).digest()
    hashing = time.perf_counter() - begin
    rate(f"bare read + SHA-256 of the {count} files", count, hashing)
    begin = time.perf_counter()
    for documento in documentos:
        with documento.contenido.open("rb") as handle:
            base64.b64encode(handle.read())
    rate(f"bare read + base64 of the {count} files", count, time.perf_counter() - begin)
    begin = time.perf_counter()
    expediente_xml, xmls = eni.exportar(expediente)
    elapsed = time.perf_counter() - begin
    rate(f"eni.exportar (índice TF03 + {count} documents)", count, elapsed, count / hashing)
    size = len(expediente_xml) + sum(len(x) for _n, x in xmls)
    say(f"   export of {count} documents: {elapsed:.2f} s in all, {size / 1e6:.1f} MB of XML")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100, help="drafts to generate (100)")
    parser.add_argument("--batch", type=int, default=50, help="documents in the batch (50)")
    parser.add_argument("--eni", type=int, default=200, help="documents exported (200)")
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()

    run_started = time.perf_counter()
    benchdb.open_database(DB_URL, args.recreate, redis_url=os.environ["REDIS_URL"])
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django_tenants.utils import schema_context

        from provincial.signing import base as signing
        from tenants import actions
        from tests.pki import identity, trusting_test_ca

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ENTITY_HOST]
        settings.SIGNING_TSA_URL = ""
        settings.MEDIA_ROOT = str(Path(os.environ.get("BENCH_MEDIA", "/tmp/bench-expedientes")))
        say(f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs")
        call_command("migrate_schemas", interactive=False, verbosity=0)
        actions.ensure_diputacion(name="Diputación Provincial de Alicante",
                                  dir3_code="L02000003", cif="P0300000G",
                                  province="Alicante", domain=PUBLIC_HOST)
        entity, clerk, procedimiento = setup()
        run_id = uuid.uuid4().hex[:6]
        firmante = sello = identity("sello")
        with trusting_test_ca(), schema_context(entity.schema_name), signing.providers_override(
                signer=[lambda user, entity: firmante], sello=[lambda entity: sello]):
            say(f"== 1. Documents generated ({args.documents}; run {run_id})")
            bench_generation(procedimiento, clerk, args.documents)
            say(f"== 2. A batch signature of {args.batch} documents")
            bench_batch(procedimiento, clerk, args.batch)
            say(f"== 3. ENI export of an expediente with {args.eni} documents")
            bench_eni(procedimiento, clerk, args.eni)
        say(f"Total run time: {time.perf_counter() - run_started:.0f} s")
    finally:
        if args.drop:
            benchdb.drop_database(DB_URL)


if __name__ == "__main__":
    main()
