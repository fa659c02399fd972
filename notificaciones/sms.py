"""SMS for the avisos (art. 41.6 Ley 39/2015), behind one interface.

A provider is a class implementing `SmsSender.send`, named by the setting
NOTIFICACIONES_SMS_BACKEND (notificaciones.conf). `FileSmsSender` writes each message as
a JSON line to a local sink file, for development and tests; in production no SMS is
sent until a provider is configured (`sender()` returns None).
"""

from __future__ import annotations

import fcntl
import json
import uuid
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from notificaciones import conf

# A GSM-7 SMS has 160 characters; a longer text goes as a concatenated message. The
# aviso's text is kept short.
MAX_TEXT = 320


class SmsError(Exception):
    """The provider did not take the message; the message says why."""


class SmsSender:
    """Sends one SMS and returns the provider's identifier of the message."""

    def send(self, telefono: str, texto: str) -> str:
        raise NotImplementedError


class FileSmsSender(SmsSender):
    """Development sender: appends {"id", "to", "text", "at"} as a JSON line to the sink
    (NOTIFICACIONES_SMS_SINK), under an exclusive lock so concurrent workers do not mix
    their lines."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else conf.sms_sink()

    def send(self, telefono: str, texto: str) -> str:
        message_id = uuid.uuid4().hex
        line = json.dumps({"id": message_id, "to": telefono, "text": texto[:MAX_TEXT],
                           "at": timezone.now().isoformat()}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.write(line + "\n")
        except OSError as exc:
            raise SmsError(str(exc)) from exc
        return message_id


def normalizar_telefono(telefono: str) -> str:
    """The number with digits (and a leading +) only: "600 11 12 22" → "600111222"."""
    telefono = (telefono or "").strip()
    digits = "".join(ch for ch in telefono if ch.isdigit())
    return f"+{digits}" if telefono.startswith("+") and digits else digits


def sender() -> SmsSender | None:
    """The configured sender, or None when SMS avisos are off."""
    path = conf.sms_backend()
    if not path:
        return None
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"NOTIFICACIONES_SMS_BACKEND={path!r}: {exc}") from exc
    return cls()


def enabled() -> bool:
    return bool(conf.sms_backend())
