"""Run «Cl@ve de pruebas», the development SAML IdP (sede/clave/pruebas.py), in the
foreground: `manage.py clave_pruebas [--port 8089] [--dir DIR] [--print-env]`.

`--print-env` makes the keys and the IdP metadata (if missing) and prints the
`export SEDE_CLAVE_...=...` lines the sede needs to use it, without serving (`./dev run`
evaluates them). Refused with PRODUCTION set.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sede.clave import pruebas


class Command(BaseCommand):
    help = ("Proveedor de identidad SAML de pruebas («Cl@ve de pruebas») para la sede en "
            "desarrollo. Nunca en producción.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=pruebas.DEFAULT_PORT,
                            help=f"puerto en localhost (por omisión, {pruebas.DEFAULT_PORT})")
        parser.add_argument("--dir", dest="directory", default=None,
                            help="carpeta de las claves y los metadatos (por omisión, "
                                 "<PROVINCIAL_DATA_DIR o .data>/clave-pruebas)")
        parser.add_argument("--print-env", action="store_true",
                            help="escribe las variables SEDE_CLAVE_* para la sede y termina")

    def handle(self, *args, port: int, directory: str | None, print_env: bool,
               **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Cl@ve de pruebas no se inicia con PRODUCTION: permite "
                               "identificarse como cualquiera.")
        if not 0 < port < 65536:
            raise CommandError(f"El puerto {port} no es válido.")
        try:
            idp, files = pruebas.development_idp(Path(directory) if directory else None,
                                                 port=port)
        except ImproperlyConfigured as exc:
            raise CommandError(f"Cl@ve de pruebas no se inicia: {exc}") from exc
        if print_env:
            self.stdout.write(files.exports(), ending="")
            return
        try:
            server = pruebas.http_server(idp, "127.0.0.1", port)
        except OSError as exc:
            raise CommandError(f"Cl@ve de pruebas no puede escuchar en 127.0.0.1:{port}: "
                               f"{exc}") from exc
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[clave_pruebas] %(message)s"))
        logger = logging.getLogger(pruebas.__name__)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the project's handlers would print each line again
        self.stdout.write(f"Cl@ve de pruebas en {idp.base_url}/ (metadatos: "
                          f"{files.idp_metadata})")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            logger.removeHandler(handler)
