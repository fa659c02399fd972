"""The expedientes' objects for the isolation probes (tests/isolation): an expediente of
entity B whose asunto carries the marker, with an interesado, a task, a document and an
entry of B's registro still without expediente; values for every URL parameter the
expedientes' URLs use (theirs and the other parts')."""

from django_tenants.utils import schema_context

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from expedientes import actions
    from expedientes.models import Documento, HistorialRemision, Remision
    from registro.services import registrar
    from tests.expedientes.conftest import DNI, make_documento, make_procedimiento
    from tests.expedientes.test_portafirmas_certificados import isolation_objects
    from tests.registro.conftest import datos, pdf_anexo

    with schema_context(province.b.schema_name):
        procedimiento = make_procedimiento(f"PROBE-{secret[-4:]}", name=f"Procedimiento {secret}")
        expediente = actions.abrir(
            procedimiento, asunto=f"Expediente {secret}", acting_user=province.clerk_b,
            interesados=[actions.InteresadoData(tipo_documento="N", documento=DNI,
                                                nombre=f"Interesada {secret}",
                                                apellido1="Pérez")])
        interesado = expediente.interesados.get()
        tarea = actions.crear_tarea(expediente, titulo=f"Tarea {secret}",
                                    acting_user=province.clerk_b)
        documento = make_documento(expediente, f"Documento {secret}",
                                   is_visible_ciudadano=True)
        asiento = registrar(**datos(asunto=f"Entrada {secret}", anexos=[pdf_anexo()]),
                            acting_user=province.clerk_b)
        plantilla = procedimiento.plantillas.order_by("pk").first()
        ids = [expediente.pk, interesado.pk, tarea.pk, documento.pk, asiento.pk,
               procedimiento.pk, plantilla.pk]
        assert Documento.objects.filter(pk=documento.pk).exists()
        # The ENI part: a remission of B's expediente, with its history.
        remision = Remision.objects.create(expediente=expediente, destino_codigo="J00001234",
                                           destino_nombre=f"Juzgado {secret}",
                                           transporte="carpeta")
        HistorialRemision.objects.create(remision=remision, estado=remision.estado,
                                         descripcion=f"Preparada {secret}")
        ids.append(remision.pk)
    referencia = f"{expediente.year}-{expediente.numero}"
    ids = [str(i) for i in ids]
    # The portafirmas part: a circuit, a request with a signer, a delegation, a resolución.
    firma_ids, firma_secrets = isolation_objects(province, secret)
    ids += firma_ids
    return Probe(
        ids=ids, secrets=[expediente.asunto, interesado.nombre, tarea.titulo,
                          documento.titulo, remision.destino_nombre, *firma_secrets],
        values={"pk": ids, "doc_pk": [str(documento.pk)], "tarea_pk": [str(tarea.pk)],
                "interesado_pk": [str(interesado.pk)], "asiento_pk": [str(asiento.pk)],
                "plantilla_pk": [str(plantilla.pk)], "referencia": [referencia],
                "accion": ["cerrar", "anular", "resolver"], "code": [procedimiento.code],
                "codigo": [procedimiento.code]})
