"""The notificaciones' objects for the isolation probes (tests/isolation): in entity B, a
signed resolution notified to a citizen (electronic, with its eventos, aviso and acuse),
whose concept and destinatario carry the marker, and an apoderamiento whose names carry it
too; values for every URL parameter the notificaciones' URLs use."""

from django_tenants.utils import schema_context

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from expedientes.choices import EstadoDocumento, TipoDocumental
    from notificaciones import actions
    from tests.expedientes.conftest import DNI, make_documento, make_expediente, make_procedimiento
    from tests.notificaciones.conftest import REPRESENTANTE_DNI, lucia

    with schema_context(province.b.schema_name):
        expediente = make_expediente(
            make_procedimiento(f"NOTIF-{secret[-4:]}", name=f"Procedimiento {secret}"),
            asunto=f"Expediente notificado {secret}")
        documento = make_documento(expediente, titulo=f"Resolución {secret}",
                                   tipo_documental=TipoDocumental.RESOLUCION,
                                   estado=EstadoDocumento.FIRMADO, is_resolucion=True)
        remesa = actions.crear_remesa(
            documento=documento, concepto=f"Notificación {secret}",
            destinatarios=[lucia(nombre=f"Destinataria {secret}")],
            acting_user=province.clerk_b)
        notificacion = remesa.notificaciones.get()
        evento = notificacion.eventos.order_by("pk").first()
        apoderamiento = actions.registrar_apoderamiento(
            acting_user=province.clerk_b, poderdante_tipo_documento="NIF",
            poderdante_documento=DNI, poderdante_nombre=f"Poderdante {secret}",
            apoderado_tipo_documento="NIF", apoderado_documento=REPRESENTANTE_DNI,
            apoderado_nombre=f"Apoderado {secret}")
        acuse_csv = evento.acuse.csv if evento.acuse_id else None
    ids = [str(i) for i in (remesa.pk, notificacion.pk, evento.pk, apoderamiento.pk,
                            expediente.pk, documento.pk)]
    values = {"pk": ids, "evento_pk": [str(evento.pk)], "doc_pk": [str(documento.pk)],
              "documento": [str(documento.pk)], "referencia": [notificacion.referencia]}
    if acuse_csv:
        values["csv"] = [acuse_csv]
    return Probe(ids=ids, secrets=[remesa.concepto, notificacion.nombre,
                                   apoderamiento.poderdante_nombre], values=values)
