"""`manage.py exportar_eni ENTIDAD NUMERO --out DIR`: an expediente in ENI format, by hand.

Writes DIR/expediente.xml (índice signed TF03 by the entity's sello de órgano),
DIR/documento-NNN.xml (one per signed or incorporated document, contents inline) and
DIR/metadatos-adicionales.xml (InSide's «Nombre Natural»), and validates what it wrote
against the official XSDs and the NTI's rules. For sending a closed expediente to a court
by hand; `--remision` marks an open one E03 «índice para remisión cerrado».
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from expedientes.eni import expediente as eni_expediente
from expedientes.eni import validacion
from expedientes.eni.metadatos import EniError
from provincial import audit
from tenants.models import Entity

NUMERO_RE = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{4})\s*$")


class Command(BaseCommand):
    help = ("Exporta un expediente en formato ENI (InSide): expediente.xml con el índice "
            "firmado y un documento-NNN.xml por documento, con su contenido.")

    def add_arguments(self, parser):
        parser.add_argument("entidad", help="esquema o identificador (slug) de la entidad")
        parser.add_argument("numero", help="número del expediente, p. ej. 12/2026")
        parser.add_argument("--out", required=True, help="carpeta donde escribir los ficheros")
        parser.add_argument("--remision", action="store_true",
                            help="un expediente abierto se exporta en estado E03 (índice para "
                                 "remisión cerrado)")
        parser.add_argument("--ficheros-aparte", action="store_true",
                            help="el contenido de los documentos firmados va en su propio "
                                 "fichero, referenciado desde el XML")
        parser.add_argument("--sin-validar", action="store_true",
                            help="no validar el resultado (más rápido)")

    def handle(self, *args, **options):
        nombre = options["entidad"].strip()
        entity = Entity.objects.filter(schema_name=nombre).first() \
            or Entity.objects.filter(slug=nombre).first()
        if entity is None or entity.schema_name == "public":
            raise CommandError(f"No existe la entidad «{nombre}» (indique su esquema o su "
                               "identificador).")
        match = NUMERO_RE.match(options["numero"])
        if match is None:
            raise CommandError(f"«{options['numero']}» no es un número de expediente: escríbalo "
                               "como número/año, p. ej. 12/2026.")
        numero, year = int(match.group(1)), int(match.group(2))
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"«{out}» existe y no es una carpeta.")
        with schema_context(entity.schema_name):
            from expedientes.models import Expediente

            expediente = Expediente.objects.filter(year=year, numero=numero).first()
            if expediente is None:
                raise CommandError(f"{entity.name} no tiene el expediente {numero}/{year}.")
            try:
                paquete = eni_expediente.escribir(expediente, out,
                                                  para_remision=options["remision"],
                                                  ficheros_aparte=options["ficheros_aparte"])
            except EniError as exc:
                raise CommandError(exc.message) from exc
            except OSError as exc:
                raise CommandError(f"No se puede escribir en «{out}»: "
                                   f"{exc.strerror or exc}") from exc
            audit.record("expedientes.eni.exportar", entity=entity, obj=expediente,
                         detail={"identificador": paquete.identificador,
                                 "documentos": paquete.documentos, "estado": paquete.estado})
            if not options["sin_validar"]:
                resultado = validacion.validate_paquete(out)
                for aviso in resultado.avisos:
                    self.stderr.write(f"Aviso: {aviso}")
                if not resultado.ok:
                    for error in resultado.errores:
                        self.stderr.write(f"Error: {error}")
                    raise CommandError(f"El paquete escrito en {out} no es válido "
                                       f"({len(resultado.errores)} errores).")
        omitidos = (f"; {paquete.omitidos} borradores o documentos en firma no se incluyen"
                    if paquete.omitidos else "")
        self.stdout.write(self.style.SUCCESS(
            f"Expediente {numero}/{year} de {entity.name}: {paquete.identificador}, estado "
            f"{paquete.estado}, {paquete.documentos} documentos en {out}{omitidos}."))
