"""Issuing documents: CSV codes, PDF rendering, the sello de órgano, storage once with the
hash, verification.

A document is rendered knowing its CSV (it is printed on every page) and whether it will be
sealed (the footer says so), so the flow is: `new_stamp()` (which looks up the entity's
sello de órgano once) → render with the stamp → `issue(..., stamp=stamp)`, which signs a
PDF with that sello (PAdES, `provincial.signing.pades`) before hashing and storing it;
`issue_rendered()` does the three steps.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from provincial import audit
from provincial.documents import kinds
from provincial.documents.models import UNSEALED, IssuedDocument
from provincial.signing.base import SigningError, SigningIdentity, describe_certificate, sello_for

if TYPE_CHECKING:
    from tenants.models import Entity, User

# 120 random bits: guessing one valid CSV among a million issued documents at a thousand
# tries a second would take ~10^22 years. Base32 (RFC 4648) has no 0/1/8/9, so a code
# read aloud or typed from paper is not confused with O/I/B/g.
CSV_BYTES = 15
CSV_PREFIX = "CSV"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CSV_BODY_LENGTH = CSV_BYTES * 8 // 5  # 24
# Digits people type for the letters they look like.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
VERIFICATION_PATH = "/sede/verificar/"

# WeasyPrint logs every rendering step at INFO; unless LOGGING says otherwise, keep its
# progress out of the workers' logs (its warnings still show).
logger = logging.getLogger(__name__)
_progress_logger = logging.getLogger("weasyprint.progress")
if _progress_logger.level == logging.NOTSET:
    _progress_logger.setLevel(logging.WARNING)


class DocumentError(Exception):
    """The document cannot be issued here (no entity schema, unknown kind, bad bytes)."""


class SigningFailed(DocumentError):
    """The entity's sello de órgano could not sign the document (expired or revoked
    certificate, timestamp authority down…): nothing was issued. The message is in Spanish,
    for the person who asked for the document; `messages` and `code` let a view that
    already shows a ValidationError's messages show this one the same way."""

    code = "signing"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def messages(self) -> list[str]:
        return [self.message]


def new_csv() -> str:
    """A fresh CSV: 'CSV-' and 120 random bits in base32, in groups of four."""
    body = base64.b32encode(secrets.token_bytes(CSV_BYTES)).decode("ascii")
    return _group(body)


def _group(body: str) -> str:
    return "-".join([CSV_PREFIX, *(body[i:i + 4] for i in range(0, len(body), 4))])


def normalize_csv(value: str) -> str | None:
    """The stored form of a CSV as typed by a person (case, spaces, dashes, 0 for O…),
    or None when it cannot be one."""
    compact = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if compact.startswith(CSV_PREFIX):
        compact = compact[len(CSV_PREFIX):]
    compact = compact.translate(_LOOKALIKES)
    if len(compact) != _CSV_BODY_LENGTH or any(ch not in _B32 for ch in compact):
        return None
    return _group(compact)


def current_entity() -> Entity:
    """The entity whose schema is active; documents are never issued in the public schema."""
    from tenants.models import Entity

    schema = connection.schema_name
    entity = None
    if schema != "public":
        entity = Entity.objects.prefetch_related("domains").filter(schema_name=schema).first()
    if entity is None:
        raise DocumentError(f"no entity schema is active (schema {schema!r})")
    return entity


def verification_url(entity: Entity, csv: str) -> str:
    """Where a citizen checks the document: the sede of the entity that issued it, at the
    entity's public address (`Entity.public_url`)."""
    return f"{verification_base_url(entity)}?{urlencode({'csv': csv})}"


def verification_base_url(entity: Entity) -> str:
    """The verification page without the code, as printed in the footer."""
    return entity.public_url(VERIFICATION_PATH)


def qr_data_uri(url: str) -> str:
    """The URL as a QR code, an inline SVG data URI (nothing fetched while rendering)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


@dataclass(frozen=True)
class Stamp:
    """What every issued document prints: its CSV, where to verify it, the QR of that
    address, the moment of issue, and the sello de órgano that will sign it (None where
    the entity has none: the document then says plainly that it carries no seal)."""

    entity: Entity
    csv: str
    issued_at: datetime.datetime
    verification_url: str
    verification_base_url: str
    qr: str = field(repr=False)
    signer: SigningIdentity | None = field(default=None, repr=False, compare=False)

    @property
    def sealed(self) -> bool:
        return self.signer is not None

    @property
    def signer_label(self) -> str:
        """Who seals, as the document prints it ("Sello electrónico del Ayuntamiento de
        Agost"), or "" for an unsealed document."""
        if self.signer is None:
            return ""
        return self.signer.label or certificate_name(self.signer.certificate)


def certificate_name(certificate: x509.Certificate) -> str:
    """The common name of a certificate, or its whole subject when it has none."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def new_stamp(entity: Entity | None = None) -> Stamp:
    """A fresh CSV for `entity` (default: the active schema's), and its sello de órgano,
    looked up once: the rendering and the signature must agree on whether it is sealed."""
    entity = entity or current_entity()
    csv = new_csv()
    url = verification_url(entity, csv)
    return Stamp(entity=entity, csv=csv, issued_at=timezone.now(), verification_url=url,
                 verification_base_url=verification_base_url(entity), qr=qr_data_uri(url),
                 signer=sello_for(entity))


def _url_fetcher():
    # Documents embed everything (QR as a data URI, fonts from the system): WeasyPrint
    # must never fetch a URL or read a local file named inside the HTML.
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=2)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes with WeasyPrint, in the platform's language.

    Keep templates simple (single column, no nested flex, normal font sizes): WeasyPrint
    renders a one-page certificate in ~0.3 s, and nested flex layouts are pathological.
    """
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).write_pdf()


def issue(kind: str, *, title: str, pdf_bytes: bytes, issuer: User | None,
          subject_document: str = "", subject_name: str = "",
          metadata: dict[str, Any] | None = None,
          obj: models.Model | None = None, stamp: Stamp | None = None,
          mime_type: str = "application/pdf") -> IssuedDocument:
    """Store an issued document once, in the current entity's schema, with its CSV and
    SHA-256, and write the audit record (filed under the person's document).

    `stamp` carries the CSV already printed on the bytes; without it a new CSV is made
    (for documents that do not print it). `issuer` is the user issuing it (None when the
    sede issues to a citizen). `obj` is what the document is about, to list it there.
    """
    if kinds.get(kind) is None:
        raise DocumentError(f"unknown document kind {kind!r}")
    if mime_type == "application/pdf" and not pdf_bytes.startswith(b"%PDF-"):
        raise DocumentError("the bytes are not a PDF")
    stamp = stamp or new_stamp()
    if connection.schema_name != stamp.entity.schema_name:
        raise DocumentError("the stamp belongs to another entity")
    signature, signature_detail = UNSEALED, {}
    if stamp.signer is not None and mime_type == "application/pdf":
        # Sealed before hashing: the SHA-256 and the stored file are of the signed bytes,
        # the ones handed over. A refusal stores nothing.
        pdf_bytes, timestamp_error = seal_pdf(pdf_bytes, stamp)
        signature = stamp.signer_label[:200]
        signature_detail = signature_facts(pdf_bytes, stamp.signer)
        if timestamp_error:
            signature_detail["timestamp_error"] = timestamp_error
    authenticated = issuer is not None and getattr(issuer, "is_authenticated", False)
    document = IssuedDocument(
        kind=kind, title=title[:200], csv=stamp.csv,
        sha256=hashlib.sha256(pdf_bytes).hexdigest(), mime_type=mime_type,
        size=len(pdf_bytes), issued_at=stamp.issued_at,
        issuer_id=issuer.pk if authenticated else None,
        issuer_name=(issuer.get_full_name() or issuer.username)[:150] if authenticated else "",
        subject_document=subject_document, subject_name=subject_name[:200],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        # As stored: dates become ISO strings now, not only after a reload.
        metadata=json.loads(json.dumps(metadata or {}, cls=DjangoJSONEncoder)),
        signature=signature, signature_detail=signature_detail)
    with transaction.atomic():
        # The file is written first: if the transaction then rolls back, an orphan file
        # is left (harmless, unreachable without its row); the reverse order could leave
        # a row whose document is missing.
        document.file.save("documento", ContentFile(pdf_bytes), save=False)
        document.save(force_insert=True)
        audit.record("documentos.documento.expedicion", user=issuer, entity=stamp.entity,
                     obj=document, subject=subject_document,
                     detail={"kind": kind, "sha256": document.sha256,
                             "sealed": document.is_sealed})
    return document


def signing_location(entity: Entity) -> str:
    """The place a sealed document names as where it was signed. Entities do not record
    their municipality's name apart from their own, so: the province."""
    return entity.province


def seal_pdf(pdf_bytes: bytes, stamp: Stamp) -> tuple[bytes, str]:
    """`pdf_bytes` signed (PAdES) with the stamp's sello de órgano, its visible stamp
    carrying the CSV and the signer, and why it has no timestamp when the TSA failed ("");
    SigningFailed, in Spanish, when it cannot be sealed.

    A timestamp authority that does not answer or refuses does not stop the sede: the
    document is sealed without a timestamp (its signing time is the platform's claim, as
    when no TSA is configured) and the failure is logged and kept in the record, unless
    SIGNING_TSA_REQUIRED says that a document without a timestamp must not be issued.
    """
    from provincial.signing import pades
    from provincial.signing.timestamps import TimestampError

    assert stamp.signer is not None
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Documento expedido por %(entity)s") % {"entity": stamp.entity.name}
        arguments = {"csv": stamp.csv, "reason": reason,
                     "location": signing_location(stamp.entity),
                     "purpose": f"PAdES documento {csv_reference(stamp.csv)}"}
        try:
            try:
                return pades.sign_pdf(pdf_bytes, stamp.signer, **arguments), ""
            except TimestampError as exc:
                if getattr(settings, "SIGNING_TSA_REQUIRED", False):
                    raise
                logger.warning("sealing %s without a timestamp: %s",
                               csv_reference(stamp.csv), exc)
                signed = pades.sign_pdf(pdf_bytes, stamp.signer, timestamper=None, **arguments)
                return signed, str(exc)
        except SigningError as exc:
            raise SigningFailed(_(
                "No se ha expedido el documento: no se ha podido sellar con el sello de "
                "órgano de %(entity)s. %(reason)s") % {"entity": stamp.entity.name,
                                                      "reason": exc}) from exc


def csv_reference(csv: str) -> str:
    """What a record other than the document's own may say of its CSV: 12 hex digits of
    its SHA-256, enough to match a document, useless to fetch it from the sede."""
    return hashlib.sha256(csv.encode("ascii")).hexdigest()[:12]


def signature_facts(signed: bytes, signer: SigningIdentity) -> dict[str, Any]:
    """What the document's record keeps of its seal: the certificate, the signing time the
    signature declares and the time its timestamp token certifies (None without one)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    facts: dict[str, Any] = {"label": signer.label or certificate_name(signer.certificate),
                             "reference": signer.reference,
                             "certificate": describe_certificate(signer.certificate),
                             "signed_at": None, "timestamp": None}
    signatures = [sig for sig in PdfFileReader(io.BytesIO(signed)).embedded_signatures
                  if sig.sig_object_type == "/Sig"]
    if not signatures:
        return facts

    signature = signatures[-1]
    facts["field"] = signature.field_name
    reported = signature.self_reported_timestamp
    facts["signed_at"] = reported.isoformat() if reported else None
    for token in extract_tst_data_iter(signature.signer_info, signed=False):
        content = token["encap_content_info"]["content"].parsed
        facts["timestamp"] = content["gen_time"].native.isoformat()
        facts["tsa"] = _token_signer_name(token)
    return facts


def _token_signer_name(token) -> str:
    """The name of the timestamp authority that signed a token (cms.SignedData)."""
    sid = token["signer_infos"][0]["sid"]
    if sid.name != "issuer_and_serial_number":
        return ""
    serial = sid.chosen["serial_number"].native
    for choice in token["certificates"] or []:
        certificate = choice.chosen
        if getattr(certificate, "serial_number", None) == serial:
            return certificate.subject.human_friendly
    return ""


def issue_rendered(kind: str, template_name: str, context: dict[str, Any], *, title: str,
                   issuer: User | None, subject_document: str = "", subject_name: str = "",
                   metadata: dict[str, Any] | None = None,
                   obj: models.Model | None = None) -> IssuedDocument:
    """Render `template_name` with the document's stamp and issue the PDF. Templates also
    get `signatories`: who holds the entity's offices on the day of issue (looked up only
    if the template names them)."""
    from tenants.offices import Signatories

    stamp = new_stamp()
    signatories = Signatories(stamp.entity, timezone.localdate(stamp.issued_at))
    pdf_bytes = render_pdf(template_name, {**context, "stamp": stamp, "entity": stamp.entity,
                                           "title": title, "signatories": signatories})
    return issue(kind, title=title, pdf_bytes=pdf_bytes, issuer=issuer,
                 subject_document=subject_document, subject_name=subject_name,
                 metadata=metadata, obj=obj, stamp=stamp)


def verify(csv: str) -> IssuedDocument | None:
    """The document with this CSV issued by the current entity, or None (also for any
    other entity's code: each schema only holds its own documents)."""
    if connection.schema_name == "public":
        return None
    normalized = normalize_csv(csv)
    if normalized is None:
        return None
    return IssuedDocument.objects.filter(csv=normalized).first()


def read_verified(document: IssuedDocument) -> bytes:
    """The stored bytes, after checking they still have the SHA-256 recorded at issue."""
    with document.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentError(f"stored file of document {document.pk} does not match its hash")
    return content


# The validation of a document's stored bytes, as the sede's verification page shows it.
# The bytes never change (their SHA-256 is checked on every read), but what validation says
# of them may (a certificate revoked since, trust material added), so reports are kept a
# while, not forever.
SIGNATURE_REPORT_SECONDS = 3600


def signature_report(document: IssuedDocument) -> dict[str, Any] | None:
    """The validation report (`ValidationReport.as_dict()`) of a sealed PDF as stored, or
    None for an unsealed document. Kept in the cache under the schema, the CSV and the
    SHA-256, so repeated verifications do not validate again."""
    from django.core.cache import cache

    from provincial.signing import validation

    if not document.is_sealed or document.mime_type != "application/pdf":
        return None
    key = f"documentos:firma:{connection.schema_name}:{document.csv}:{document.sha256}"
    try:
        report = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - Redis down: validate, do not fail the page
        logger.warning("signature report cache not read: %s", exc)
        report = None
    if report is None:
        try:
            report = validation.validate_pdf(read_verified(document)).as_dict()
        except validation.ValidationInputError as exc:
            raise DocumentError(f"stored document {document.pk} cannot be validated: {exc}") \
                from exc
        try:
            cache.set(key, report, SIGNATURE_REPORT_SECONDS)
        except Exception as exc:  # noqa: BLE001
            logger.warning("signature report cache not written: %s", exc)
    return report


# --- verification sources ------------------------------------------------------------------
# Issued documents are not the only ones that carry a CSV: an app whose documents print one
# (the documents of an expediente, frozen from a template and signed in the portafirmas)
# registers a source from its AppConfig.ready(), and the sede's verification page asks
# `verify_any`, which knows no app. Every source shares the CSV space of IssuedDocument:
# a code is made with `new_csv()` and checked with `csv_in_use()` before it is printed.


@dataclass(frozen=True)
class Verificable:
    """What the sede's verification page shows of a document found by its CSV, and how to
    hand over its bytes: `read()` returns the current stored bytes after checking their
    SHA-256 (DocumentError otherwise); `report()` returns the validation report of their
    electronic signatures (`ValidationReport.as_dict()`), or None when they carry none.

    `obj` is the row the audit record names. `state_label` is the document's state as
    the page says it («Firmado»), and `is_annulled` marks a document that verifies but
    no longer has effect (its `annulment_note` says since when and why). `is_issued` is
    True for an IssuedDocument (whose page also names its sello de órgano)."""

    obj: models.Model = field(repr=False)
    csv: str
    title: str
    kind_label: str
    issued_at: datetime.datetime
    sha256: str
    mime_type: str
    download_name: str
    read: Callable[[], bytes] = field(repr=False, compare=False)
    report: Callable[[], dict[str, Any] | None] = field(repr=False, compare=False)
    subject_document: str = ""
    state_label: str = ""
    is_annulled: bool = False
    annulment_note: str = ""
    is_signed: bool = False
    is_sealed: bool = False
    signature: str = ""
    is_issued: bool = False


VerificationSource = Callable[[str], "Verificable | None"]
_verification_sources: list[VerificationSource] = []


def register_verification_source(source: VerificationSource) -> None:
    """Add a source of verifiable documents: a callable that, in the active entity's schema,
    takes a normalized CSV and returns a `Verificable`, or None when it holds no document
    with that code that may be verified (a draft never is). Registering twice is harmless."""
    if source not in _verification_sources:
        _verification_sources.append(source)


def verification_sources() -> tuple[VerificationSource, ...]:
    return tuple(_verification_sources)


def csv_in_use(csv: str) -> bool:
    """Whether the active schema already has an issued document with this CSV (sources
    check their own rows too before printing a new code: one space of codes)."""
    return IssuedDocument.objects.filter(csv=csv).exists()


def verifiable_issued(document: IssuedDocument) -> Verificable:
    """An issued document as the verification page shows it."""
    return Verificable(
        obj=document, csv=document.csv, title=document.title, kind_label=document.kind_label,
        issued_at=document.issued_at, sha256=document.sha256, mime_type=document.mime_type,
        download_name=document.download_name, read=lambda: read_verified(document),
        report=lambda: signature_report(document),
        subject_document=document.subject_document, is_signed=document.is_sealed,
        is_sealed=document.is_sealed, signature=document.signature, is_issued=True)


def verify_any(csv: str) -> Verificable | None:
    """The document of the current entity with this CSV, wherever it is kept: an issued
    document first, then each registered source; None for a malformed code, another
    entity's, or one no source may show (the same None for all: codes are not enumerable)."""
    if connection.schema_name == "public":
        return None
    normalized = normalize_csv(csv)
    if normalized is None:
        return None
    document = IssuedDocument.objects.filter(csv=normalized).first()
    if document is not None:
        return verifiable_issued(document)
    for source in _verification_sources:
        found = source(normalized)
        if found is not None:
            return found
    return None


def cached_signature_report(csv: str, sha256: str, read: Callable[[], bytes]
                            ) -> dict[str, Any]:
    """The validation report of a signed PDF whose bytes `read()` gives (checked against
    `sha256`), kept in the cache under the schema, the CSV and the SHA-256 like
    `signature_report`: a new signature changes the hash, hence the key."""
    from django.core.cache import cache

    from provincial.signing import validation

    key = f"documentos:firma:{connection.schema_name}:{csv}:{sha256}"
    try:
        report = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - Redis down: validate, do not fail the page
        logger.warning("signature report cache not read: %s", exc)
        report = None
    if report is None:
        try:
            report = validation.validate_pdf(read()).as_dict()
        except validation.ValidationInputError as exc:
            raise DocumentError(f"document {csv_reference(csv)} cannot be validated: {exc}") \
                from exc
        try:
            cache.set(key, report, SIGNATURE_REPORT_SECONDS)
        except Exception as exc:  # noqa: BLE001
            logger.warning("signature report cache not written: %s", exc)
    return report
