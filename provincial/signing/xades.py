"""XAdES signatures on XML (signxml), enveloped and detached within the same document.

- enveloped (`detached=False`): the ds:Signature goes at the end of the root element, or
  replaces a `<ds:Signature Id="…"/>` placeholder (`placeholder_id`: the ENI TF03
  pattern, where the índice says where its signature lives) and keeps that Id. It signs
  the whole document (URI ""), or the elements named in `reference_uri`.
- detached (`detached=True`, ENI TF02 "internally detached"): the signature signs the
  elements named in `reference_uri` ("#ID") and sits beside them, at the end of the root
  or in the placeholder, never inside what it signs.

The signature is made in place, inside the document, so that canonicalisation sees the
namespaces it will have when verified. The signed properties are XAdES 1.3.2 (the
version Facturae's policy and InSide validate): SigningTime, SigningCertificate (v1:
digest, issuer and serial of the signer's certificate) and, for XAdES-EPES,
SignaturePolicyIdentifier. signxml adds no SignatureTimeStamp, so these are XAdES-BES/
EPES; long-term proof of XML documents rests on the PAdES copies or an archive timestamp.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from lxml import etree
from signxml import DigestAlgorithm, SignatureConstructionMethod, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.xades import XAdESDataObjectFormat, XAdESSignaturePolicy, XAdESSigner
from signxml.xades.xades import xades_tag

from provincial import xmlsafe
from provincial.signing import certvalidation
from provincial.signing.base import SigningError, SigningIdentity

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
SIGNXML_PLACEHOLDER = "placeholder"

# Facturae's signature policy v3.1 (XAdES-EPES): identifier, description and the SHA-1
# hash of the policy document, as Facturae validators expect them
# (shared/standards/README.md, "Facturae" signature facts).
FACTURAE_POLICY_V3_1 = {
    "identifier": "http://www.facturae.es/politica_de_firma_formato_facturae/"
                  "politica_de_firma_formato_facturae_v3_1.pdf",
    "description": "Política de Firma Facturae v3.1",
    "digest_method": "sha1",
    "digest_value": "Ohixl6upD6av8N7pEvDABhEL6hM=",
}

_DIGESTS = {"sha1": DigestAlgorithm.SHA1, "sha256": DigestAlgorithm.SHA256,
            "sha384": DigestAlgorithm.SHA384, "sha512": DigestAlgorithm.SHA512}


class _Signer(XAdESSigner):
    """signxml's XAdES signer, with the signature's Id kept, a XAdES 1.3.2
    SigningCertificate, and no enveloped-signature transform on references the
    signature is not inside of."""

    def __init__(self, *, signature_id: str | None, internally_detached: bool, **kwargs: Any):
        super().__init__(**kwargs)
        self.signature_id = signature_id
        self.internally_detached = internally_detached

    def _build_xades_ds_object(self, sig_root, signing_settings):
        if self.signature_id:
            sig_root.set("Id", self.signature_id)
        return super()._build_xades_ds_object(sig_root, signing_settings)

    def _build_transforms_for_reference(self, *, transforms_node, reference,
                                        exclude_c14n_transform_element=True):
        if not self.internally_detached:
            return super()._build_transforms_for_reference(
                transforms_node=transforms_node, reference=reference,
                exclude_c14n_transform_element=exclude_c14n_transform_element)
        etree.SubElement(transforms_node, f"{{{DS}}}Transform",
                         Algorithm=reference.c14n_method.value)
        return None

    def add_signing_certificate(self, signed_signature_properties, sig_root, signing_settings):
        certificate = signing_settings.cert_chain[0]
        signing_certificate = etree.SubElement(signed_signature_properties,
                                               xades_tag("SigningCertificate"),
                                               nsmap=self.namespaces)
        cert = etree.SubElement(signing_certificate, xades_tag("Cert"), nsmap=self.namespaces)
        digest = etree.SubElement(cert, xades_tag("CertDigest"), nsmap=self.namespaces)
        etree.SubElement(digest, f"{{{DS}}}DigestMethod", Algorithm=self.digest_alg.value)
        value = etree.SubElement(digest, f"{{{DS}}}DigestValue")
        value.text = base64.b64encode(self._get_digest(certificate.public_bytes(Encoding.DER),
                                                       algorithm=self.digest_alg)).decode()
        issuer_serial = etree.SubElement(cert, xades_tag("IssuerSerial"), nsmap=self.namespaces)
        etree.SubElement(issuer_serial, f"{{{DS}}}X509IssuerName").text = (
            certificate.issuer.rfc4514_string())
        etree.SubElement(issuer_serial, f"{{{DS}}}X509SerialNumber").text = str(
            certificate.serial_number)


def _policy(signature_policy: dict | None) -> XAdESSignaturePolicy | None:
    if not signature_policy:
        return None
    try:
        return XAdESSignaturePolicy(
            Identifier=signature_policy["identifier"],
            Description=signature_policy.get("description", ""),
            DigestMethod=_DIGESTS[signature_policy.get("digest_method", "sha1")],
            DigestValue=signature_policy["digest_value"])
    except KeyError as exc:
        raise SigningError(_("La política de firma está incompleta: falta %(key)s.")
                           % {"key": exc.args[0]}) from exc


def _ids(uris: list[str]) -> list[str]:
    ids = []
    for uri in uris:
        if not uri.startswith("#") or len(uri) < 2:
            raise SigningError(_("La referencia «%(uri)s» no señala un elemento del documento "
                                 "(debe ser «#Id»).") % {"uri": uri})
        ids.append(uri[1:])
    return ids


def _by_id(root: etree._Element, identifier: str) -> etree._Element | None:
    for attribute in ("Id", "ID", "id"):
        found = root.xpath(f"//*[@{attribute}=$value]", value=identifier)
        if found:
            return found[0]
    return None


def sign_xml(xml_bytes: bytes, identity: SigningIdentity, *, detached: bool = False,
             reference_uri: str | list[str] | None = None,
             signature_policy: dict | None = None, c14n_algorithm: str = C14N_10,
             check_certificate: bool = True, placeholder_id: str | None = None) -> bytes:
    """`xml_bytes` with a XAdES signature by `identity` (see the module's docstring).

    `signature_policy` makes it XAdES-EPES: a dict with identifier, description,
    digest_method ("sha1", "sha256"…) and digest_value (base64) of the policy document;
    `FACTURAE_POLICY_V3_1` is Facturae's. The certificate is checked before signing as
    for PAdES (SigningError, in Spanish).
    """
    if check_certificate:
        certvalidation.check_signer_certificate(identity.certificate, identity.chain)
    try:
        root = xmlsafe.parse(xml_bytes)
    except DjangoValidationError as exc:
        raise SigningError(" ".join(exc.messages)) from exc

    uris = [reference_uri] if isinstance(reference_uri, str) else list(reference_uri or [])
    if detached and not uris:
        raise SigningError(_("Una firma separada necesita la referencia del elemento que "
                             "firma («#Id»)."))
    referenced = []
    for identifier in _ids(uris):
        element = _by_id(root, identifier)
        if element is None:
            raise SigningError(_("El documento no tiene ningún elemento con Id «%(id)s».")
                               % {"id": identifier})
        referenced.append(element)

    signature_id = None
    if placeholder_id:
        placeholders = [element for element in root.iter(f"{{{DS}}}Signature")
                        if element.get("Id") == placeholder_id]
        if len(placeholders) != 1:
            raise SigningError(_("El documento no tiene un único hueco de firma "
                                 "<ds:Signature Id=\"%(id)s\"/>.") % {"id": placeholder_id})
        placeholders[0].set("Id", SIGNXML_PLACEHOLDER)
        signature_id = placeholder_id
        location = placeholders[0]
    else:
        location = root  # signxml appends the signature to the root
    if detached and any(location in set(element.iter()) for element in referenced):
        raise SigningError(_("Una firma separada no puede estar dentro del elemento que "
                             "firma."))

    key = identity.private_key
    signer = _Signer(
        signature_id=signature_id, internally_detached=detached,
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=(SignatureMethod.ECDSA_SHA256 if isinstance(
            key, ec.EllipticCurvePrivateKey) else SignatureMethod.RSA_SHA256),
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=c14n_algorithm,
        signature_policy=_policy(signature_policy),
        data_object_format=XAdESDataObjectFormat(Description=_("Documento XML"),
                                                 MimeType="text/xml"),
    )
    try:
        signed = signer.sign(root, key=key,
                             cert=[identity.certificate, *identity.chain],
                             reference_uri=uris or None)
    except (SignXMLException, ValueError, TypeError) as exc:
        raise SigningError(_("No se pudo firmar el XML: %(error)s") % {"error": exc}) from exc
    identity.used_for(f"XAdES {signature_id or (uris[0] if uris else 'documento')}")
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
