"""Feed inbound e-mail to the incident desk: `manage.py soporte_correo [file]` (stdin when
no file, so an MTA can pipe to it) or `--maildir DIR` (new messages, moved to cur/)."""

from __future__ import annotations

import mailbox
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soporte import correo


class Command(BaseCommand):
    help = "Incorpora respuestas por correo a las incidencias (fichero, entrada estándar o maildir)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="Mensaje RFC 5322 (por defecto, la entrada estándar).")
        parser.add_argument("--maildir", help="Procesar los mensajes nuevos de un maildir.")

    def handle(self, *args, path: str | None = None, maildir: str | None = None, **options) -> None:
        if maildir:
            box = mailbox.Maildir(maildir, factory=None, create=False)
            for key in list(box.iterkeys()):
                message = box.get_message(key)
                if message.get_subdir() != "new":
                    continue
                self._one(box.get_bytes(key))
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message
            return
        if path:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"No existe el fichero {path}.")
            raw = file.read_bytes()
        else:
            raw = sys.stdin.buffer.read()
        self._one(raw)

    def _one(self, raw: bytes) -> None:
        outcome = correo.receive(raw)
        if outcome.mensaje is not None:
            self.stdout.write(f"Añadido a {outcome.mensaje.incidencia.reference}.")
        elif outcome.duplicate:
            self.stdout.write("Mensaje ya recibido; no se repite.")
        else:
            self.stdout.write(f"Guardado para revisión: {outcome.kept.reason}")
