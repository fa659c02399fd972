"""SICRES 3.0: fichero de intercambio and mensajes against the official XSD; the state
machine of the exchange; the file-drop transport."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django_tenants.utils import schema_context
from lxml import etree

from registro import services, sicres
from registro.models import Asiento
from registro.services import AnexoData, RegistroError, registrar
from registro.transporte import CarpetaTransporte

from .conftest import PNG, datos, pdf_anexo, persona


@pytest.fixture
def enviado(in_a, unidad):
    return registrar(**datos(libro="S", unidad=unidad, procedimiento="PROC-12",
                             anexos=[pdf_anexo(), AnexoData("plano.png", PNG)],
                             interesados=[persona(), persona(
                                 documento="X1234567L", tipo_documento="nie", nombre="Ana",
                                 apellido1="Gil", apellido2="", es_representante=True)]))


def test_export_validates_and_reimports_to_the_same_data(enviado, province):
    xml = sicres.exportar(enviado, destino_codigo="L01030535", destino_nombre="Castalla",
                          identificador="L01030020_26_00000001")
    root = etree.fromstring(xml)
    sicres.validar(root)
    anexo = root.find("De_Anexo")
    assert anexo.findtext("Identificador_Fichero") == "L01030020_26_00000001_01_0001.pdf"
    assert base64.b64decode(anexo.findtext("Hash")) == hashlib.sha256(
        pdf_anexo().contenido).digest()
    assert root.findtext("De_Origen_o_Remitente/Numero_Registro_Entrada") == \
        enviado.numero_registro
    assert root.findtext("De_Interesado/Documento_Identificacion_Representante") == "X1234567L"
    with schema_context(province.b.schema_name):
        recibido = sicres.importar(xml)
        again = sicres.importar(xml)
        assert again.pk == recibido.pk
        assert (recibido.libro, recibido.canal, recibido.estado_intercambio) == (
            "E", "sir", "recibido")
        assert (recibido.resumen, recibido.expone, recibido.solicita,
                recibido.procedimiento) == (enviado.resumen, enviado.expone, enviado.solicita,
                                            "PROC-12")
        assert (recibido.numero_registro_origen, recibido.organismo_externo_dir3,
                recibido.fecha_registro_origen) == (
            enviado.numero_registro, "L01030020",
            enviado.fecha_presentacion.replace(microsecond=0))
        fields = ("tipo", "tipo_documento", "documento", "nombre", "apellido1", "apellido2",
                  "email", "es_representante")
        got = [tuple(getattr(i, f) for f in fields) for i in recibido.interesados.all()]
        anexos_b = [(a.nombre, a.sha256, a.tamano, a.fichero.read())
                    for a in recibido.anexos.all()]
    with schema_context(province.a.schema_name):
        want = [tuple(getattr(i, f) for f in fields) for i in enviado.interesados.all()]
        anexos_a = [(a.nombre, a.sha256, a.tamano, a.fichero.read())
                    for a in enviado.anexos.all()]
    assert got == want
    assert anexos_b == anexos_a


def test_import_refuses_entities_bad_hash_and_invalid_files(enviado, province):
    xml = sicres.exportar(enviado, destino_codigo="L01030535", identificador="X_26_00000002")
    hostile = xml.replace(b"?>", b'?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    root = etree.fromstring(xml)
    root.find("De_Anexo/Anexo").text = base64.b64encode(b"%PDF-1.4 otro\n%%EOF").decode()
    tampered = etree.tostring(root)
    root = etree.fromstring(xml)
    root.remove(root.find("De_Asunto"))
    invalid = etree.tostring(root)
    with schema_context(province.b.schema_name):
        with pytest.raises(RegistroError, match="DOCTYPE o entidades"):
            sicres.importar(hostile)
        with pytest.raises(RegistroError, match="no coincide con su huella"):
            sicres.importar(tampered)
        with pytest.raises(RegistroError, match="no es válido según el XSD"):
            sicres.importar(invalid)
        assert Asiento.objects.count() == 0


def test_messages_validate_and_drive_the_state_machine(enviado, tmp_path):
    carrier = CarpetaTransporte(tmp_path)
    asiento = sicres.enviar(enviado, destino_codigo="L01030535", transporte=carrier)
    assert asiento.estado_intercambio == "enviado"
    ident = asiento.identificador_intercambio
    assert ident.startswith("L01030020_")
    sent = list(carrier.salida.glob("*.xml"))
    assert [p.name for p in sent] == [f"{ident}.xml"]
    sicres.validar(etree.fromstring(sent[0].read_bytes()))

    def msg(tipo, **kw):
        return sicres.mensaje(origen="L01030535", destino="L01030020", identificador=ident,
                              tipo=tipo, **kw)

    assert sicres.leer_mensaje(msg("01"))["Tipo_Mensaje"] == "01"
    assert sicres.procesar_mensaje(msg("01")).estado_intercambio == "ack"
    with pytest.raises(RegistroError, match="no puede pasar de «Enviado y recibido \\(ACK\\)» "
                                            "a «Enviado y recibido \\(ACK\\)»"):
        sicres.procesar_mensaje(msg("01"))
    services.cambiar_estado_intercambio(asiento, "rechazado", detalle="No es competencia")
    asiento.refresh_from_db()
    again = sicres.enviar(asiento, destino_codigo="L01030535", transporte=carrier)
    assert (again.estado_intercambio, again.identificador_intercambio) == ("reenviado", ident)
    resent = etree.fromstring((carrier.salida / f"{ident}.xml").read_bytes())
    assert resent.findtext("De_Internos_Control/Tipo_Anotacion") == "03"
    assert sicres.procesar_mensaje(msg("02", codigo_error="0039")).estado_intercambio == "error"
    with pytest.raises(RegistroError, match="de «Error en el envío» a «Aceptado"):
        sicres.procesar_mensaje(msg("03"))
    sicres.enviar(asiento, destino_codigo="L01030535", transporte=carrier)
    sicres.procesar_mensaje(msg("01"))
    confirmed = sicres.procesar_mensaje(msg("03", numero_registro_destino="2026/E/000042"))
    assert (confirmed.estado_intercambio, confirmed.intercambio_detalle) == (
        "aceptado", "2026/E/000042")


def test_transitions_not_in_the_machine_are_refused(in_a):
    asiento = registrar(**datos())
    for bad in ("enviado", "ack", "aceptado"):
        with pytest.raises(RegistroError, match="no puede pasar de «Sin intercambio»"):
            services.cambiar_estado_intercambio(asiento, bad)
    for step in ("pendiente_envio", "enviado", "error", "reenviado", "ack", "aceptado"):
        services.cambiar_estado_intercambio(asiento, step)
    with pytest.raises(RegistroError, match="de «Aceptado por el destino» a «Reenviado»"):
        services.cambiar_estado_intercambio(asiento, "reenviado")


def test_a_confirmation_before_its_ack_is_accepted_and_the_late_ack_changes_nothing(
        enviado, tmp_path):
    from registro.models import HistorialIntercambio

    carrier = CarpetaTransporte(tmp_path)
    asiento = sicres.enviar(enviado, destino_codigo="L01030535", transporte=carrier)
    ident = asiento.identificador_intercambio

    def msg(tipo, **kw):
        return sicres.mensaje(origen="L01030535", destino="L01030020", identificador=ident,
                              tipo=tipo, **kw)

    confirmed = sicres.procesar_mensaje(msg("03", numero_registro_destino="2026/E/000007"))
    assert confirmed.estado_intercambio == "aceptado"
    history = list(HistorialIntercambio.objects.filter(asiento=asiento).order_by("pk")
                   .values_list("estado", flat=True))
    assert history[-2:] == ["ack", "aceptado"]  # the ACK implied by the confirmation
    late = sicres.procesar_mensaje(msg("01"))
    assert late.estado_intercambio == "aceptado"
    assert HistorialIntercambio.objects.filter(asiento=asiento).count() == len(history)
