"""What an uploaded signed PDF or XML says: signer, time, certificate chain, integrity,
and for PDFs whether the document changed after each signature.

Trust comes only from `base.trust_material()`; nothing is fetched unless
`SIGNING_ALLOW_FETCHING`. A PDF's own document security store (DSS) adds certificates and
CRLs, never roots. A signature whose certificate has expired since is judged at the time
of its timestamp when a trusted timestamp proves it was made before the expiry.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography import x509
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.diff_analysis.policy_api import DiffResult
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from provincial import xmlsafe
from provincial.signing import certvalidation
from provincial.signing.certvalidation import from_asn1, to_asn1

MAX_BYTES = 20 * 1024 * 1024
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NAMESPACES = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")

COVERAGE_ENTIRE_FILE = "documento completo"
COVERAGE_ENTIRE_REVISION = "revisión completa, con cambios posteriores"
COVERAGE_PARTIAL = "parcial"


class ValidationInputError(Exception):
    """What was uploaded cannot be validated (not a PDF or XML, malformed, too large,
    an XML with a DTD). The message is in Spanish, for the user."""


def validation_context(*, at: dt.datetime | None = None) -> ValidationContext:
    """The context every validation uses: the platform's trust material, at `at`."""
    return certvalidation.validation_context(at=at)


@dataclass
class CertificateInfo:
    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    nif: str = ""

    @classmethod
    def from_certificate(cls, certificate: x509.Certificate) -> CertificateInfo:
        return cls(subject=certificate.subject.rfc4514_string(),
                   common_name=_attribute(certificate.subject, x509.NameOID.COMMON_NAME),
                   issuer=certificate.issuer.rfc4514_string(),
                   serial=format(certificate.serial_number, "X"),
                   not_before=certificate.not_valid_before_utc,
                   not_after=certificate.not_valid_after_utc,
                   nif=_nif(certificate.subject))


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _nif(name: x509.Name) -> str:
    """The NIF of the holder: serialNumber ("IDCES-12345678Z", "P0300500C") or
    organizationIdentifier ("VATES-P0300500C"), without the ETSI prefix."""
    for oid in (x509.NameOID.SERIAL_NUMBER, x509.NameOID.ORGANIZATION_IDENTIFIER):
        value = _attribute(name, oid)
        if value:
            return value.split("-", 1)[1] if "-" in value[:6] else value
    return ""


@dataclass
class SignatureReport:
    field_name: str
    signer: CertificateInfo | None
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    chain: list[CertificateInfo]
    intact: bool
    trusted: bool
    revoked: bool
    expired_at_signing: bool
    coverage: str
    modified_after_signing: bool
    problems: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return (self.intact and self.trusted and not self.revoked
                and not self.modified_after_signing)

    def finish(self) -> SignatureReport:
        who = (self.signer.common_name or self.signer.subject) if self.signer else _("desconocido")
        when = self.timestamp_time or self.signing_time
        if self.ok:
            if when:
                self.summary = _("Firma válida de %(signer)s, hecha el %(date)s.") % {
                    "signer": who, "date": _madrid(when)}
            else:
                self.summary = _("Firma válida de %(signer)s.") % {"signer": who}
        else:
            self.summary = _("Firma no válida de %(signer)s: %(problems)s") % {
                "signer": who, "problems": " ".join(self.problems)}
        return self


@dataclass
class ValidationReport:
    format: str
    signatures: list[SignatureReport]
    summary: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(signature.ok for signature in self.signatures)

    def finish(self) -> ValidationReport:
        total = len(self.signatures)
        if not total:
            self.summary = _("El documento no contiene ninguna firma electrónica.")
        elif self.ok:
            self.summary = ngettext("El documento tiene una firma electrónica válida.",
                                    "El documento tiene %(count)d firmas electrónicas válidas.",
                                    total) % {"count": total}
        else:
            bad = sum(1 for signature in self.signatures if not signature.ok)
            self.summary = ngettext(
                "%(bad)d de %(count)d firmas no es válida.",
                "%(bad)d de %(count)d firmas no son válidas.", bad) % {"bad": bad, "count": total}
            if total == 1:
                self.summary = _("La firma del documento no es válida.")
        return self

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, dt.datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, list):
                return [plain(item) for item in value]
            return value

        signatures = []
        for signature in self.signatures:
            data = plain(asdict(signature))
            data["ok"] = signature.ok
            signatures.append(data)
        return {"format": self.format, "ok": self.ok, "summary": self.summary,
                "signatures": signatures}


def _madrid(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Madrid")).strftime("%d/%m/%Y %H:%M:%S")


# --- sniffing -------------------------------------------------------------------------


def validate(data: bytes, filename: str = "") -> ValidationReport:
    """Validate a signed PDF or XML, recognised by its content (not its name)."""
    _check_size(data)
    head = data[:1024]
    if b"%PDF-" in head:
        return validate_pdf(data)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return validate_xml(data)
    if filename:
        raise ValidationInputError(
            _("«%(name)s» no es un PDF ni un XML: solo se validan firmas en documentos PDF "
              "(PAdES) y XML (XAdES).") % {"name": filename})
    raise ValidationInputError(_("El fichero no es un PDF ni un XML: solo se validan firmas "
                                 "en documentos PDF (PAdES) y XML (XAdES)."))


def _check_size(data: bytes) -> None:
    if not data:
        raise ValidationInputError(_("El fichero está vacío."))
    if len(data) > MAX_BYTES:
        raise ValidationInputError(_("El fichero ocupa %(size)s MB; el máximo que se valida es "
                                     "%(max)s MB.") % {"size": len(data) // (1024 * 1024),
                                                      "max": MAX_BYTES // (1024 * 1024)})


# --- PDF ------------------------------------------------------------------------------


def validate_pdf(data: bytes) -> ValidationReport:
    """Every signature of a PDF, with what changed after it."""
    _check_size(data)
    if b"%PDF-" not in data[:1024]:
        raise ValidationInputError(_("El fichero no es un PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValidationInputError(_("El PDF está dañado o mal formado y no se puede leer.")) \
            from exc
    dss_certs, dss_crls = _dss_material(reader)
    signature_names = {signature.field_name for signature in signatures}
    reports = [_pdf_signature_report(signature, dss_certs, dss_crls, signature_names)
               for signature in signatures]
    return ValidationReport(format="PDF", signatures=reports).finish()


def _dss_material(reader: PdfFileReader) -> tuple[list[x509.Certificate], list[bytes]]:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return [], []
    except (PdfError, ValueError, KeyError, TypeError):
        return [], []
    certs = [from_asn1(cert) for cert in dss.load_certs()]
    crls = []
    for reference in dss.crls:
        try:
            crls.append(reference.get_object().data)
        except (PdfError, ValueError, KeyError, AttributeError):
            continue
    return certs, crls


_KEY_USAGE = KeyUsageConstraints(key_usage=set(certvalidation.SIGNING_KEY_USAGES),
                                 match_all_key_usages=False)


def _validate_embedded(signature: EmbeddedPdfSignature, at: dt.datetime | None,
                       dss_certs, dss_crls):
    context = certvalidation.validation_context(at=at, extra_certs=dss_certs,
                                                extra_crls=dss_crls)
    return validate_pdf_signature(signature, signer_validation_context=context,
                                  key_usage_settings=_KEY_USAGE)


def _pdf_signature_report(signature: EmbeddedPdfSignature, dss_certs, dss_crls,
                          signature_names: set[str]) -> SignatureReport:
    try:
        status = _validate_embedded(signature, None, dss_certs, dss_crls)
    except (SignatureValidationError, PdfError, ValueError, KeyError) as exc:
        return SignatureReport(
            field_name=str(signature.field_name or ""), signer=None, signing_time=None,
            timestamp_time=None, chain=[], intact=False, trusted=False, revoked=False,
            expired_at_signing=False, coverage=COVERAGE_PARTIAL, modified_after_signing=True,
            problems=[_("La firma no se puede leer: %(error)s") % {"error": exc}]).finish()
    signer = from_asn1(status.signing_cert)
    timestamp = status.timestamp_validity
    timestamp_time = timestamp.timestamp if timestamp is not None else None
    timestamp_trusted = bool(timestamp and timestamp.intact and timestamp.valid
                             and timestamp.trusted)
    signing_time = status.signer_reported_dt
    now = dt.datetime.now(dt.UTC)
    if (not status.trusted and not status.revoked and timestamp_trusted
            and signer.not_valid_after_utc < now
            and timestamp_time <= signer.not_valid_after_utc):
        # Expired since, but a trusted timestamp proves the signature came before.
        status = _validate_embedded(signature, timestamp_time, dss_certs, dss_crls)

    embedded = [from_asn1(cert) for cert in signature.other_embedded_certs] + dss_certs
    revoked, revocation_date = _revocation(status.revoked, status.revocation_details, signer,
                                           embedded, timestamp_time if timestamp_trusted
                                           else None)
    coverage = {SignatureCoverageLevel.ENTIRE_FILE: COVERAGE_ENTIRE_FILE,
                SignatureCoverageLevel.ENTIRE_REVISION: COVERAGE_ENTIRE_REVISION
                }.get(status.coverage, COVERAGE_PARTIAL)
    modified = _modified_after(status, signature_names)
    when = timestamp_time or signing_time
    expired_at_signing = bool(when and when > signer.not_valid_after_utc)
    intact = bool(status.intact and status.valid)
    report = SignatureReport(
        field_name=str(signature.field_name or ""),
        signer=CertificateInfo.from_certificate(signer), signing_time=signing_time,
        timestamp_time=timestamp_time,
        chain=_chain(signer, status.validation_path, embedded),
        intact=intact, trusted=bool(status.trusted) and not revoked, revoked=revoked,
        expired_at_signing=expired_at_signing, coverage=coverage,
        modified_after_signing=modified)
    _describe_problems(report, status.trust_problem_indic, revocation_date, signer)
    if modified:
        report.problems.append(_("El documento se ha modificado después de esta firma."))
    if timestamp is not None and not timestamp_trusted:
        report.problems.append(_("El sello de tiempo de la firma no es válido o no es de "
                                 "una autoridad de confianza."))
    return report.finish()


def _modified_after(status, signature_names: set[str]) -> bool:
    """Changes after the signature other than later signatures and validation data."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True
    diff = status.diff_result
    if not isinstance(diff, DiffResult):
        return True
    level = diff.modification_level
    if level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        return False
    if level == ModificationLevel.FORM_FILLING:
        # Only signing fields (later signatures) may have been filled.
        return not diff.changed_form_fields <= signature_names
    return True


def _revocation(pyhanko_revoked: bool, details, signer: x509.Certificate,
                issuers: list[x509.Certificate], proven_time: dt.datetime | None
                ) -> tuple[bool, dt.datetime | None]:
    """Whether the signer's certificate counts as revoked, and since when: pyHanko's
    finding, or a CRL of the trust material listing it (checked directly). A revocation
    after a trusted timestamp does not count: the signature was made before it."""
    if pyhanko_revoked:
        return True, getattr(details, "revocation_date", None)
    revoked_at = certvalidation.revocation_in_crls(
        signer, [*issuers, *certvalidation.trust_material().intermediates])
    if revoked_at is None or (proven_time is not None and proven_time < revoked_at):
        return False, None
    return True, revoked_at


def _describe_problems(report: SignatureReport, indication, revocation_date,
                       signer: x509.Certificate) -> None:
    if not report.intact:
        report.problems.append(_("La firma no corresponde al contenido firmado: el documento "
                                 "o la firma se han alterado."))
        return
    if report.revoked:
        report.problems.append(
            _("El certificado del firmante está revocado desde el %(date)s.")
            % {"date": _madrid(revocation_date)} if revocation_date else
            _("El certificado del firmante está revocado."))
        return
    if report.expired_at_signing:
        report.problems.append(_("El certificado del firmante había caducado (el %(date)s) "
                                 "cuando se firmó.") % {"date": _madrid(
                                     signer.not_valid_after_utc)})
    if report.trusted:
        return
    if indication in (AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
                      AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND, None):
        report.problems.append(_("La cadena de certificados no llega a una autoridad de "
                                 "confianza."))
    elif indication in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
                        AdESFailure.NOT_YET_VALID):
        if not report.expired_at_signing:
            report.problems.append(
                _("El certificado del firmante no está vigente (válido del %(start)s al "
                  "%(end)s) y no hay sello de tiempo que pruebe que se firmó cuando lo estaba.")
                % {"start": _madrid(signer.not_valid_before_utc),
                   "end": _madrid(signer.not_valid_after_utc)})
    elif indication == AdESIndeterminate.SIG_CONSTRAINTS_FAILURE:
        report.problems.append(_("El certificado del firmante no admite la firma electrónica "
                                 "(uso de clave)."))
    else:
        report.problems.append(_("El certificado del firmante no supera la validación "
                                 "(%(reason)s).") % {"reason": getattr(indication, "name",
                                                                         indication)})


def _chain(signer: x509.Certificate, path, candidates: list[x509.Certificate]
           ) -> list[CertificateInfo]:
    """The signer first, then each issuer: the validated path when there is one, else what
    the signature carries, linked by name."""
    if path is not None:
        certs = [from_asn1(cert) for cert in path.iter_certs(include_root=True)]
        certs.reverse()
        return [CertificateInfo.from_certificate(cert) for cert in certs]
    chain = [signer]
    current = signer
    while current.issuer != current.subject:
        issuer = next((cert for cert in candidates if cert.subject == current.issuer
                       and cert not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return [CertificateInfo.from_certificate(cert) for cert in chain]


# --- XML ------------------------------------------------------------------------------


def validate_xml(data: bytes) -> ValidationReport:
    """Every XMLDSig/XAdES signature of an XML document (enveloped, or over elements of
    the same document referenced by Id)."""
    _check_size(data)
    try:
        root = xmlsafe.parse(data, max_bytes=MAX_BYTES)
    except DjangoValidationError as exc:
        raise ValidationInputError(" ".join(exc.messages)) from exc
    signatures = list(root.iter(f"{{{DS}}}Signature"))
    reports = [_xml_signature_report(root, signature) for signature in signatures]
    return ValidationReport(format="XML", signatures=reports).finish()


def _element_path(root: etree._Element, element: etree._Element) -> str:
    """An ElementPath from `root` to `element`'s parent (signxml's `location`)."""
    steps = []
    node = element.getparent()
    while node is not None and node is not root:
        parent = node.getparent()
        same = [child for child in parent if child.tag == node.tag]
        steps.append(f"{node.tag}[{same.index(node) + 1}]")
        node = parent
    return "./" + "".join(step + "/" for step in reversed(steps))


def _xml_certificates(signature: etree._Element) -> list[x509.Certificate]:
    certs = []
    for element in signature.iterfind(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/"
                                      f"{{{DS}}}X509Certificate"):
        try:
            certs.append(x509.load_der_x509_certificate(
                base64.b64decode("".join((element.text or "").split()))))
        except ValueError:
            continue
    return certs


def _leaf(certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The certificate that issued none of the others: the signer's."""
    for cert in certs:
        if not any(other is not cert and other.issuer == cert.subject for other in certs):
            return cert
    return certs[0] if certs else None


def _xml_coverage(signature: etree._Element) -> str:
    """The whole document when a reference has URI "" (enveloped), else only the
    elements referenced (an índice, the invoices...)."""
    uris = [reference.get("URI") for reference in
            signature.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")]
    return COVERAGE_ENTIRE_FILE if "" in uris else COVERAGE_PARTIAL


def _xml_signing_time(signature: etree._Element) -> dt.datetime | None:
    for namespace in XADES_NAMESPACES:
        element = signature.find(f".//{{{namespace}}}SigningTime")
        if element is not None and element.text:
            try:
                moment = dt.datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return None


def _is_xades(signature: etree._Element) -> bool:
    return any(signature.find(f".//{{{namespace}}}QualifyingProperties") is not None
               for namespace in XADES_NAMESPACES)


def _xml_signature_report(root: etree._Element, signature: etree._Element) -> SignatureReport:
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.exceptions import InvalidInput, SignXMLException
    from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

    name = signature.get("Id") or ""
    certs = _xml_certificates(signature)
    signer = _leaf(certs)
    signing_time = _xml_signing_time(signature)
    problems: list[str] = []
    intact = False
    if signer is None:
        problems.append(_("La firma no incluye el certificado del firmante (X509Certificate)."))
    else:
        location = _element_path(root, signature) if signature is not root else "./"
        # Only the signature's math here: the certificate's time and chain are judged
        # below against the platform's trust material, at a moment inside its validity.
        inside_validity = signer.not_valid_before_utc + dt.timedelta(seconds=1)
        try:
            if _is_xades(signature):
                config = XAdESSignatureConfiguration(location=location, expect_references=True,
                                                     verification_time=inside_validity)
                XAdESVerifier().verify(root, x509_cert=signer, expect_config=config)
            else:
                config = SignatureConfiguration(location=location, expect_references=True,
                                                verification_time=inside_validity)
                XMLVerifier().verify(root, x509_cert=signer, expect_config=config)
            intact = True
        except InvalidInput as exc:
            problems.append(_("La firma no se puede comprobar: %(error)s") % {"error": exc})
        except (SignXMLException, etree.DocumentInvalid, ValueError) as exc:
            problems.append(_("La firma no corresponde al contenido firmado: el documento o la "
                              "firma se han alterado (%(error)s).") % {"error": exc})
    trusted = revoked = False
    revocation_date = None
    path = None
    problem = None
    if signer is not None:
        context = certvalidation.validation_context(extra_certs=certs)
        validator = CertificateValidator(to_asn1(signer),
                                         intermediate_certs=[to_asn1(cert) for cert in certs],
                                         validation_context=context)
        try:
            path = asyncio.run(validator.async_validate_usage(
                set(), extended_key_usage=None))
            if not certvalidation.signing_usages(signer):
                problem = "key_usage"
            else:
                trusted = True
        except RevokedError as exc:
            revoked = True
            revocation_date = exc.revocation_dt
        except PathBuildingError:
            problem = "chain"
        except (ExpiredError, NotYetValidError):
            problem = "time"
        except (PathValidationError, ValidationError):
            problem = "other"
    if signer is not None and not revoked:
        revocation_date = certvalidation.revocation_in_crls(
            signer, [*certs, *certvalidation.trust_material().intermediates])
        if revocation_date is not None:
            revoked, trusted = True, False
    expired_at_signing = bool(signer and signing_time
                              and signing_time > signer.not_valid_after_utc)
    report = SignatureReport(
        field_name=name, signer=CertificateInfo.from_certificate(signer) if signer else None,
        signing_time=signing_time, timestamp_time=None,
        chain=_chain(signer, path, certs) if signer else [], intact=intact, trusted=trusted,
        revoked=revoked, expired_at_signing=expired_at_signing, coverage=_xml_coverage(signature),
        modified_after_signing=False, problems=problems)
    if signer is not None and intact:
        if revoked:
            report.problems.append(
                _("El certificado del firmante está revocado desde el %(date)s.")
                % {"date": _madrid(revocation_date)})
        elif expired_at_signing:
            report.problems.append(_("El certificado del firmante había caducado (el %(date)s) "
                                     "cuando se firmó.")
                                   % {"date": _madrid(signer.not_valid_after_utc)})
        elif problem == "chain":
            report.problems.append(_("La cadena de certificados no llega a una autoridad de "
                                     "confianza."))
        elif problem == "time":
            report.problems.append(
                _("El certificado del firmante no está vigente (válido del %(start)s al "
                  "%(end)s).") % {"start": _madrid(signer.not_valid_before_utc),
                                  "end": _madrid(signer.not_valid_after_utc)})
        elif problem == "key_usage":
            report.problems.append(_("El certificado del firmante no admite la firma "
                                     "electrónica (uso de clave)."))
        elif problem == "other":
            report.problems.append(_("El certificado del firmante no supera la validación."))
    return report.finish()

