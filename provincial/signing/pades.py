"""PAdES signatures on PDFs (pyHanko), with a visible stamp.

Every signature is an incremental update (the bytes signed before stay as they were), so
earlier signatures keep verifying. The profile depends on the timestamp authority:

- no TSA (`SIGNING_TSA_URL` empty): PAdES B-B, the signing time is the signer's claim;
- with a TSA: PAdES B-T (a signature timestamp from the TSA) and B-LT where pyHanko can:
  the certificates of both chains and the CRLs of the trust material are written to the
  document security store (DSS) after the signature, so the signature can be validated
  offline after the CRLs stop being published. No document timestamp (B-LTA) is added:
  archival timestamps belong to the archive's schedule, not to issuance.

The stamp goes on the last page, in the strip below the documents' footer (the bottom
15 mm of the page, 20 mm side margins): "Firmado electrónicamente por …", the date and
time in Europe/Madrid and the CSV. A second signature takes the right half of the strip;
further ones are invisible unless the caller gives `box`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import textwrap
from typing import Any, Literal
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from provincial.signing import certvalidation
from provincial.signing.base import SigningError, SigningIdentity
from provincial.signing.timestamps import TimestampError, default_timestamper


class _DeliberatelyOffline(logging.Filter):
    """pyHanko warns on every B-LT signature that validation data is embedded without
    fetching: that is the design here (the trust material's CRLs are embedded; see
    SIGNING_ALLOW_FETCHING), not news for the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_DeliberatelyOffline())

MADRID = ZoneInfo("Europe/Madrid")
MM = 72 / 25.4
# The strip below the footer of provincial/documents' PDFs (@page bottom margin 40 mm,
# the footer's QR and text end about 16 mm above the edge).
STRIP_BOTTOM = 3 * MM
STRIP_TOP = 15 * MM
SIDE_MARGIN = 20 * MM
FONT_SIZE = 6
# Courier's advance is 0.6 em: the stamp's lines are wrapped to the box by count.
CHAR_WIDTH = 0.6 * FONT_SIZE
TEXT_MARGIN = 2
DEFAULT_STAMP_WIDTH = 240


def _stamp_style() -> TextStampStyle:
    # Left-aligned, vertically centred, 2 pt from the edges; shrunk only if a caller's box
    # is too small for the lines (they are wrapped to its width).
    layout_rule = SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MIN,
                                      y_align=AxisAlignment.ALIGN_MID,
                                      margins=Margins.uniform(TEXT_MARGIN))
    return TextStampStyle(
        stamp_text="%(texto)s",
        text_box_style=TextBoxStyle(font=SimpleFontEngineFactory.default_factory(),
                                    font_size=FONT_SIZE, leading=FONT_SIZE + 1,
                                    box_layout_rule=layout_rule),
        inner_content_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MIN,
                                                 y_align=AxisAlignment.ALIGN_MID),
        border_width=0, background=None,
    )


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def stamp_lines(identity: SigningIdentity, *, csv: str, when: dt.datetime, width: float
                ) -> list[str]:
    """The text of the visible stamp, wrapped to `width` points."""
    signer = identity.label or _common_name(identity.certificate)
    local = when.astimezone(MADRID)
    lines = [_("Firmado electrónicamente por %(signer)s") % {"signer": signer},
             _("Fecha: %(date)s (hora peninsular)") % {"date": local.strftime("%d/%m/%Y %H:%M:%S")}]
    if csv:
        lines.append(_("CSV: %(csv)s") % {"csv": csv})
    columns = max(20, int((width - 2 * TEXT_MARGIN) / CHAR_WIDTH))
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, columns) or [""])
    return wrapped


class _HeldKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner reloads the private key from DER for every raw signature
    (about 70 ms for RSA 2048, with its consistency checks, twice per document: once to
    size the signature); this one signs with the key object it is given."""

    def __init__(self, *args: Any, held_key: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.held_key = held_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if name == "rsassa_pkcs1v15" and isinstance(self.held_key, rsa.RSAPrivateKey):
            return self.held_key.sign(data, PKCS1v15(), hash_algorithm)
        if name == "ecdsa" and isinstance(self.held_key, ec.EllipticCurvePrivateKey):
            return self.held_key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _pyhanko_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    certificate = certvalidation.to_asn1(identity.certificate)
    key_der = identity.private_key.private_bytes(serialization.Encoding.DER,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption())
    registry = SimpleCertificateStore.from_certs(
        [certvalidation.to_asn1(cert) for cert in identity.chain])
    return _HeldKeySigner(signing_cert=certificate,
                          signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                          cert_registry=registry, held_key=identity.private_key)


def _signature_fields(reader: PdfFileReader) -> dict[str, bool]:
    """Name of every signature field, and whether it is signed already."""
    return {name: bool(value)
            for name, value, _ref in fields.enumerate_sig_fields(reader, filled_status=None)}


def _free_field_name(existing: dict, wanted: str) -> str:
    if wanted not in existing:
        return wanted
    number = 2
    while f"{wanted}-{number}" in existing:
        number += 1
    return f"{wanted}-{number}"


def _strip_slots_taken(page_ref) -> int:
    """How many visible widgets already sit in the stamp strip of the last page."""
    page = page_ref.get_object()
    media_bottom = float(page["/MediaBox"][1])
    taken = 0
    for annotation in page.get("/Annots", None) or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Widget" or "/Rect" not in annotation:
            continue
        rect = [float(value) for value in annotation["/Rect"]]
        if rect[1] < media_bottom + STRIP_TOP and rect[3] > rect[1]:
            taken += 1
    return taken


def _default_box(reader: PdfFileReader) -> tuple[float, float, float, float] | None:
    last_page, _resources = reader.find_page_for_modification(-1)
    page = last_page.get_object()
    left, bottom, right, _top = (float(value) for value in page["/MediaBox"])
    slot = _strip_slots_taken(last_page)
    if slot > 1:
        return None
    middle = (left + right) / 2
    if slot == 0:
        return (left + SIDE_MARGIN, bottom + STRIP_BOTTOM, middle - 2 * MM,
                bottom + STRIP_TOP)
    return (middle + 2 * MM, bottom + STRIP_BOTTOM, right - SIDE_MARGIN,
            bottom + STRIP_TOP)


def sign_pdf(pdf_bytes: bytes, identity: SigningIdentity, *, csv: str = "", reason: str = "",
             location: str = "", timestamper: TimeStamper | None | Literal["default"] = "default",
             visible: bool = True, field_name: str = "SelloOrgano",
             check_certificate: bool = True,
             box: tuple[float, float, float, float] | None = None,
             purpose: str = "") -> bytes:
    """`pdf_bytes` with a PAdES signature by `identity` added as an incremental update.

    `timestamper="default"` is the configured TSA (or none); with one, the signature is
    timestamped (B-T) and the validation data embedded (B-LT). `check_certificate`
    refuses, before signing, a certificate that is expired, revoked, from an unknown
    authority or without a signing key usage (SigningError, in Spanish). `box` places the
    visible stamp on the last page (points, lower-left and upper-right corners) instead
    of the strip below the footer. If `field_name` is already signed, the next free
    "<field_name>-N" is used. `purpose` is what `identity.used_for` is told (the key's
    owner audits it): never the CSV, which alone fetches the document from the sede.
    """
    if check_certificate:
        certvalidation.check_signer_certificate(identity.certificate, identity.chain)
    if timestamper == "default":
        timestamper = default_timestamper()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SigningError(_("El documento no es un PDF legible: no se puede firmar.")) from exc
    existing = _signature_fields(writer.prev)
    name = field_name
    if existing.get(name):
        name = _free_field_name(existing, field_name)

    now = dt.datetime.now(dt.UTC)
    stamp_box = None
    if visible:
        stamp_box = box or (None if name in existing else _default_box(writer.prev))
    # Also for a field the document already has: its widget gets the same text.
    text_params = {"texto": "\n".join(stamp_lines(
        identity, csv=csv, when=now,
        width=stamp_box[2] - stamp_box[0] if stamp_box else DEFAULT_STAMP_WIDTH))}
    field_spec = None
    if name not in existing:
        field_spec = fields.SigFieldSpec(sig_field_name=name, on_page=-1,
                                         box=tuple(round(v, 2) for v in stamp_box)
                                         if stamp_box else None)

    embed = timestamper is not None
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        name=identity.label or None,
        embed_validation_info=embed,
        validation_context=(certvalidation.validation_context(extra_certs=identity.chain)
                            if embed else None),
        # pyHanko's own pre-sign validation (run to collect the validation data) wants
        # every usage it is given: ask for those this certificate has.
        signer_key_usage=(certvalidation.signing_usages(identity.certificate)
                          or {"non_repudiation"}),
    )
    signer = signers.PdfSigner(meta, _pyhanko_signer(identity), timestamper=timestamper,
                               stamp_style=_stamp_style(), new_field_spec=field_spec)
    try:
        output = signer.sign_pdf(writer, appearance_text_params=text_params)
    except (TimestampRequestError, TimestampError) as exc:
        if isinstance(exc, TimestampError):
            raise
        raise TimestampError(_("No se pudo obtener el sello de tiempo: %(error)s")
                             % {"error": exc}) from exc
    except PyHankoSigningError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, TimestampError):
            raise cause from exc
        raise SigningError(_("No se pudo firmar el documento: %(error)s") % {"error": exc}) from exc
    identity.used_for(purpose or f"PAdES {name}")
    return output.getvalue()

