"""The ENI export of an expediente: documents and expediente valid against the official
XSDs, the índice signed TF03 and verified, identifiers, interesados, Estado, firmas."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from signxml.exceptions import InvalidDigest
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from expedientes.choices import EstadoDocumento, EstadoExpediente
from expedientes.eni import esquemas, metadatos, validacion
from expedientes.eni import expediente as eni_expediente
from expedientes.eni.esquemas import (
    NS_CONTENIDO,
    NS_DOC_META,
    NS_DS,
    NS_EXP_META,
    NS_FIRMA,
    NS_INDICE,
    NS_INDICE_CONTENIDO,
    q,
)
from expedientes.eni.metadatos import EniError
from provincial.signing import base
from tests import pki
from tests.expedientes import eni_support
from tests.expedientes.conftest import CIF, DNI, NIE, make_documento, make_expediente
from tests.expedientes.eni_support import llenar, pdf

# The ENI fixtures (tests/expedientes/eni_support.py).
sello_a = eni_support.sello_a

DIR3_A = "L01030020"


def _xsd_errors(xml: bytes, xsd: str) -> list[str]:
    schema = esquemas.schema(xsd)
    schema.validate(etree.fromstring(xml))
    return [error.message for error in schema.error_log]


def _tipos(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return [t.text for t in root.iter(q(NS_FIRMA, "TipoFirma"))]


def test_documents_and_expediente_validate_against_the_official_xsds(expediente, sello_a):
    documentos = llenar(expediente)
    expediente_xml, paquete = eni_expediente.exportar(expediente)

    assert _xsd_errors(expediente_xml, "expedienteEni.xsd") == []
    assert [nombre for nombre, _xml in paquete] == [
        "documento-001.xml", "documento-002.xml", "documento-003.xml", "documento-004.xml"]
    for _nombre, xml in paquete:
        assert _xsd_errors(xml, "documentoEni.xsd") == []
    # Unsigned citizen's PDFs are sealed TF02; the signed resolution is TF06; the
    # report with a CSV is TF01.
    assert [_tipos(xml) for _nombre, xml in paquete] == [["TF02"], ["TF02"], ["TF06"], ["TF01"]]
    resultado = validacion.validate_expediente(expediente_xml, [xml for _n, xml in paquete])
    assert resultado.errores == []
    assert resultado.ok
    assert resultado.documentos == len(documentos) == 4
    for _nombre, xml in paquete:
        assert validacion.validate_documento(xml).errores == []


def test_document_metadata_and_content(expediente, sello_a):
    documento, firmado, informe = llenar(expediente, sin_firma=1)
    _xml, paquete = eni_expediente.exportar(expediente)
    root = etree.fromstring(paquete[0][1])
    meta = root.find(q(NS_DOC_META, "metadatos"))
    assert meta.findtext(q(NS_DOC_META, "VersionNTI")) == \
        "http://administracionelectronica.gob.es/ENI/XSD/v1.0/documento-e"
    identificador = meta.findtext(q(NS_DOC_META, "Identificador"))
    assert identificador == f"ES_{DIR3_A}_{documento.created_at.year}_{documento.pk:030d}"
    assert len(identificador) == 48
    assert meta.findtext(q(NS_DOC_META, "Organo")) == DIR3_A
    assert meta.findtext(q(NS_DOC_META, "OrigenCiudadanoAdministracion")) == "false"
    assert meta.findtext(f"{q(NS_DOC_META, 'EstadoElaboracion')}/"
                         f"{q(NS_DOC_META, 'ValorEstadoElaboracion')}") == "EE01"
    assert meta.findtext(q(NS_DOC_META, "TipoDocumental")) == "TD14"
    contenido = root.find(q(NS_CONTENIDO, "contenido"))
    assert base64.b64decode(contenido.findtext(q(NS_CONTENIDO, "ValorBinario"))) == \
        documento.contenido.open("rb").read()
    assert contenido.findtext(q(NS_CONTENIDO, "NombreFormato")) == "PDF"

    signed = etree.fromstring(paquete[1][1])
    firma = signed.find(f"{q(NS_FIRMA, 'firmas')}/{q(NS_FIRMA, 'firma')}")
    contenido_id = signed.find(q(NS_CONTENIDO, "contenido")).get("Id")
    assert firma.get("ref") == f"#{contenido_id}"
    assert firma.findtext(f".//{q(NS_FIRMA, 'ReferenciaFirma')}") == f"#{contenido_id}"
    assert signed.findtext(f".//{q(NS_DOC_META, 'OrigenCiudadanoAdministracion')}") == "true"

    csv = etree.fromstring(paquete[2][1]).find(f".//{q(NS_FIRMA, 'CSV')}")
    assert csv.findtext(q(NS_FIRMA, "ValorCSV")) == informe.csv
    assert "Ley 40/2015" in csv.findtext(q(NS_FIRMA, "RegulacionGeneracionCSV"))


def test_indice_holds_every_hash_and_metadata(procedimiento, sello_a):
    expediente = make_expediente(procedimiento, year=2026)
    documentos = llenar(expediente)
    xml, _paquete = eni_expediente.exportar(expediente)
    root = etree.fromstring(xml)

    # IndiceContenido is in the indice-e namespace; its children in indice-e/contenido.
    contenido = root.find(f"{q(NS_INDICE, 'indice')}/{q(NS_INDICE, 'IndiceContenido')}")
    assert contenido is not None
    assert contenido.find(q(NS_INDICE_CONTENIDO, "FechaIndiceElectronico")) is not None
    indizados = contenido.findall(q(NS_INDICE_CONTENIDO, "DocumentoIndizado"))
    assert [(d.findtext(q(NS_INDICE_CONTENIDO, "IdentificadorDocumento")),
             d.findtext(q(NS_INDICE_CONTENIDO, "ValorHuella")),
             d.findtext(q(NS_INDICE_CONTENIDO, "FuncionResumen")),
             d.findtext(q(NS_INDICE_CONTENIDO, "OrdenDocumentoExpediente"))) for d in indizados] \
        == [(f"ES_{DIR3_A}_{d.created_at.year}_{d.pk:030d}",
             base64.b64encode(hashlib.sha256(d.contenido.open("rb").read()).digest()).decode(),
             "SHA-256", str(n)) for n, d in enumerate(documentos, 1)]

    meta = root.find(q(NS_EXP_META, "metadatosExp"))
    identificador = meta.findtext(q(NS_EXP_META, "Identificador"))
    assert identificador == f"ES_{DIR3_A}_2026_EXP_{expediente.numero:030d}"
    assert len(identificador) == 52
    assert metadatos.IDENTIFICADOR_EXPEDIENTE_RE.match(identificador)
    assert meta.findtext(q(NS_EXP_META, "VersionNTI")) == \
        "http://administracionelectronica.gob.es/ENI/XSD/v1.0/expediente-e"
    assert meta.findtext(q(NS_EXP_META, "Organo")) == DIR3_A
    assert meta.findtext(q(NS_EXP_META, "Clasificacion")) == "2045678"
    assert meta.findtext(q(NS_EXP_META, "Estado")) == "E01"
    # Each interesado's document once, in order (the DNI holds two roles).
    assert [i.text for i in meta.findall(q(NS_EXP_META, "Interesado"))] == [DNI, NIE, CIF]


def test_estado_and_clasificacion_follow_the_expediente(procedimiento, sello_a):
    expediente = make_expediente(procedimiento)
    make_documento(expediente, content=pdf())

    def meta(**kwargs):
        xml, _docs = eni_expediente.exportar(expediente, **kwargs)
        return etree.fromstring(xml).find(q(NS_EXP_META, "metadatosExp"))

    assert meta(para_remision=True).findtext(q(NS_EXP_META, "Estado")) == "E03"
    expediente.estado = EstadoExpediente.CERRADO
    expediente.save()
    procedimiento.sia_code = ""
    procedimiento.save()
    closed = meta(para_remision=True)
    assert closed.findtext(q(NS_EXP_META, "Estado")) == "E02"
    assert closed.findtext(q(NS_EXP_META, "Clasificacion")) == "OBRA-MENOR"
    # No interesados: no Interesado element (the XSD makes it optional).
    assert closed.findall(q(NS_EXP_META, "Interesado")) == []


def _verify(xml: bytes):
    root = etree.fromstring(xml)
    config = XAdESSignatureConfiguration(expect_references=3)
    return XAdESVerifier().verify(root, x509_cert=pki.pki().certs["sello"].certificate,
                                  expect_config=config)


def test_indice_signature_verifies_and_a_changed_hash_breaks_it(expediente, sello_a):
    llenar(expediente)
    xml, paquete = eni_expediente.exportar(expediente)
    root = etree.fromstring(xml)
    firma = root.find(f"{q(NS_INDICE, 'indice')}/{q(NS_FIRMA, 'firmas')}/{q(NS_FIRMA, 'firma')}")
    assert firma.findtext(q(NS_FIRMA, "TipoFirma")) == "TF03"
    signature = firma.find(f"{q(NS_FIRMA, 'ContenidoFirma')}/{q(NS_FIRMA, 'FirmaConCertificado')}"
                           f"/{q(NS_DS, 'Signature')}")
    assert signature.get("Id") == "FIRMA_INDICE_XADES"
    uris = [r.get("URI") for r in signature.iter(q(NS_DS, "Reference"))]
    assert "#INDICE_CONTENIDO" in uris
    assert signature.find(f".//{q(NS_DS, 'CanonicalizationMethod')}").get("Algorithm") == \
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    results = _verify(xml)
    assert len(results) == 3  # IndiceContenido, SignedProperties, KeyInfo

    valor = root.find(f".//{q(NS_INDICE_CONTENIDO, 'ValorHuella')}")
    valor.text = base64.b64encode(b"\0" * 32).decode()
    tampered = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with pytest.raises(InvalidDigest):
        _verify(tampered)
    resultado = validacion.validate_expediente(tampered, [x for _n, x in paquete])
    assert "La firma TF03 del índice no es válida." in resultado.errores
    assert any("no coincide con la del índice" in e for e in resultado.errores)


def test_c14n_is_a_setting(expediente, sello_a, settings):
    make_documento(expediente, content=pdf())
    settings.EXPEDIENTES_ENI_C14N = "http://www.w3.org/2006/12/xml-c14n11"
    xml, paquete = eni_expediente.exportar(expediente)
    for signed in (xml, paquete[0][1]):
        method = etree.fromstring(signed).find(f".//{q(NS_DS, 'CanonicalizationMethod')}")
        assert method.get("Algorithm") == "http://www.w3.org/2006/12/xml-c14n11"
    assert validacion.validate_expediente(xml, [x for _n, x in paquete]).errores == []
    # Exclusive C14N is refused, in Spanish: signxml's XAdES does not verify with it here.
    settings.EXPEDIENTES_ENI_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    with pytest.raises(EniError, match="no se admite; use C14N 1.0 o 1.1 inclusiva"):
        eni_expediente.exportar(expediente)


def test_validation_finds_missing_altered_and_foreign_documents(expediente, sello_a):
    llenar(expediente, firmados=0, con_csv=0)
    xml, paquete = eni_expediente.exportar(expediente)
    primero, segundo = (x for _n, x in paquete)

    faltan = validacion.validate_expediente(xml, [primero])
    identificador = etree.fromstring(segundo).findtext(f".//{q(NS_DOC_META, 'Identificador')}")
    assert faltan.errores == [f"Falta el documento {identificador}, que el índice incluye."]

    root = etree.fromstring(segundo)
    binario = root.find(f".//{q(NS_CONTENIDO, 'ValorBinario')}")
    binario.text = base64.b64encode(pdf(paginas=2)).decode()
    alterado = validacion.validate_expediente(
        xml, [primero, etree.tostring(root, xml_declaration=True, encoding="UTF-8")],
        verificar_firmas=False)
    assert any("no coincide con la del índice" in e for e in alterado.errores)

    otro = make_expediente(expediente.procedimiento, "Otro")
    make_documento(otro, content=pdf(titulo="Ajeno"))
    _xml, ajenos = eni_expediente.exportar(otro)
    extra = validacion.validate_expediente(xml, [primero, segundo, ajenos[0][1]])
    assert any("no figura en el índice" in e for e in extra.errores)


def test_identifier_rules_of_the_validator(expediente, sello_a):
    make_documento(expediente, content=pdf())
    _xml, [(_nombre, documento)] = eni_expediente.exportar(expediente)
    text = documento.decode()
    def con(identificador: str) -> list[str]:
        malo = re.sub(r"<enidocmeta:Identificador>[^<]+<",
                      f"<enidocmeta:Identificador>{identificador}<", text).encode()
        return validacion.validate_documento(malo, verificar_firmas=False).errores

    assert con(f"ES_{DIR3_A}_2026_1") == [
        f"El identificador «ES_{DIR3_A}_2026_1» no sigue la NTI: ES_<órgano DIR3>_<año>_"
        "<30 letras o cifras>."]
    assert con(f"ES_L01030535_2026_{'1' * 30}") == [
        f"El órgano del identificador ES_L01030535_2026_{'1' * 30} no figura en los metadatos "
        "«Organo»."]
    assert metadatos.IDENTIFICADOR_DOCUMENTO_RE.match(f"ES_{DIR3_A}_2026_{'A1' * 15}")
    assert not metadatos.IDENTIFICADOR_DOCUMENTO_RE.match(f"ES_{DIR3_A}_2026_{'1' * 29}")
    assert not metadatos.IDENTIFICADOR_EXPEDIENTE_RE.match(f"ES_{DIR3_A}_2026_{'1' * 30}")


def test_xml_with_entities_is_never_parsed():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<enidoc:documento xmlns:enidoc="http://administracionelectronica.gob.es/ENI/XSD/'
            b'v1.0/documento-e">&b;</enidoc:documento>')
    documento = validacion.validate_documento(bomb)
    expediente = validacion.validate_expediente(bomb, [bomb])
    message = "El XML declara un DOCTYPE o entidades; por seguridad no se admiten."
    assert documento.errores == [message]
    assert expediente.errores == [message]


def test_only_final_documents_are_exported(expediente, sello_a):
    make_documento(expediente, "Borrador", pdf(), estado=EstadoDocumento.BORRADOR, frozen_at=None)
    make_documento(expediente, "En firma", pdf(), estado=EstadoDocumento.EN_FIRMA)
    make_documento(expediente, "Anulado", pdf(), estado=EstadoDocumento.ANULADO)
    with pytest.raises(EniError, match="no tiene documentos firmados o incorporados"):
        eni_expediente.exportar(expediente)
    incorporado = make_documento(expediente, "Incorporado", pdf())
    _xml, paquete = eni_expediente.exportar(expediente)
    assert len(paquete) == 1
    assert str(incorporado.pk) in etree.fromstring(paquete[0][1]).findtext(
        f".//{q(NS_DOC_META, 'Identificador')}")


def test_an_entity_without_sello_is_refused(province, expediente):
    make_documento(expediente, content=pdf())
    with base.providers_override(sello=[]), pytest.raises(EniError) as caught:
        eni_expediente.exportar(expediente)
    assert caught.value.message == (
        "Ajuntament d'Agost no tiene sello de órgano vigente: sin él no se puede firmar el "
        "índice del expediente (firma TF03) que exige el formato ENI. Pida el sello en "
        "Certificados.")


def test_a_file_that_changed_since_it_was_frozen_is_not_exported(expediente, sello_a):
    documento = make_documento(expediente, "Solicitud", pdf())
    documento.sha256 = "0" * 64
    documento.save()
    with pytest.raises(EniError, match="no coincide con su huella registrada"):
        eni_expediente.exportar(expediente)


def test_nombre_natural_travels_as_inside_additional_metadata(expediente, sello_a, tmp_path):
    llenar(expediente, sin_firma=1, firmados=0, con_csv=0)
    paquete = eni_expediente.escribir(expediente, tmp_path)
    root = etree.fromstring((tmp_path / "metadatos-adicionales.xml").read_bytes())
    inside = "https://ssweb.seap.minhap.es/Inside/XSD/v1.0/metadatosAdicionales"
    nombres = {node.get("fichero"): node.findtext(f".//{{{inside}}}valor") for node in root
               if node.find(f".//{{{inside}}}MetadatoAdicional[@nombre='NombreNatural']")
               is not None}
    assert nombres == {"expediente.xml": "Reforma de cocina", "documento-001.xml": "Solicitud 1"}
    assert validacion.validate_paquete(tmp_path).errores == []
    assert paquete.ficheros == ["expediente.xml", "documento-001.xml",
                                "metadatos-adicionales.xml"]


def test_signed_contents_may_travel_as_files_beside_their_xml(expediente, sello_a, tmp_path):
    llenar(expediente, sin_firma=1, firmados=1, con_csv=0)
    paquete = eni_expediente.escribir(expediente, tmp_path, ficheros_aparte=True)
    assert paquete.ficheros == ["expediente.xml", "documento-001.xml", "documento-002.xml",
                                "documento-002.pdf", "metadatos-adicionales.xml"]
    referencia = etree.fromstring((tmp_path / "documento-002.xml").read_bytes()).findtext(
        f".//{q(NS_CONTENIDO, 'referenciaFichero')}")
    assert referencia == "documento-002.pdf"
    assert validacion.validate_paquete(tmp_path).errores == []
    (tmp_path / "documento-002.pdf").unlink()
    assert "Documento " in validacion.validate_paquete(tmp_path).errores[0]


def test_export_queries_do_not_grow_with_the_documents(procedimiento, sello_a):
    pocos = make_expediente(procedimiento, "Pocos")
    muchos = make_expediente(procedimiento, "Muchos")
    for n in range(2):
        make_documento(pocos, f"Doc {n}", pdf(titulo=str(n)))
    for n in range(12):
        make_documento(muchos, f"Doc {n}", pdf(titulo=str(n)))
    counts = []
    for expediente in (pocos, muchos):
        with CaptureQueriesContext(connection) as queries:
            _xml, paquete = eni_expediente.exportar(expediente)
        counts.append(len(queries))
    assert len(paquete) == 12
    assert counts[0] == counts[1] <= 8
