"""Settings of the notificaciones, read from Django settings when set there (tests
override them with pytest-django's `settings`), otherwise from the environment through
the typed helpers of `provincial.env`.

| setting | env var | default |
|---|---|---|
| NOTIFICACIONES_SMS_BACKEND | NOTIFICACIONES_SMS_BACKEND | `notificaciones.sms.FileSmsSender` outside PRODUCTION; empty (no SMS) in production |
| NOTIFICACIONES_SMS_SINK | NOTIFICACIONES_SMS_SINK | `<PROVINCIAL_DATA_DIR or .data>/sms.jsonl` |
| NOTIFICACIONES_VENCIMIENTO_SECONDS | NOTIFICACIONES_VENCIMIENTO_SECONDS | 60 (how often the periodic task rejects by deadline) |
| NOTIFICACIONES_NIVEL_MINIMO | NOTIFICACIONES_NIVEL_MINIMO | `sustancial` in PRODUCTION, `bajo` outside (bajo, sustancial or alto; anything else is ImproperlyConfigured at first use) |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from provincial.env import env_int, env_str

FILE_SENDER = "notificaciones.sms.FileSmsSender"
# The eIDAS levels of assurance, lowest first (sede.identificacion uses the same codes).
NIVELES = ("bajo", "sustancial", "alto")


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def sms_backend() -> str:
    """Dotted path of the SmsSender class; "" when no SMS is sent (production until a
    provider is configured)."""
    default = "" if settings.PRODUCTION else FILE_SENDER
    return (_get("NOTIFICACIONES_SMS_BACKEND",
                 env_str("NOTIFICACIONES_SMS_BACKEND", default)) or "").strip()


def data_dir() -> Path:
    return Path(os.environ.get("PROVINCIAL_DATA_DIR") or Path(settings.BASE_DIR) / ".data")


def sms_sink() -> Path:
    """Where the development sender writes its messages (one JSON object a line)."""
    configured = _get("NOTIFICACIONES_SMS_SINK", env_str("NOTIFICACIONES_SMS_SINK", ""))
    return Path(configured) if configured else data_dir() / "sms.jsonl"


def vencimiento_seconds() -> int:
    return int(_get("NOTIFICACIONES_VENCIMIENTO_SECONDS",
                    env_int("NOTIFICACIONES_VENCIMIENTO_SECONDS", 60)))


def nivel_minimo() -> str:
    """The lowest level of identification with which a citizen may access the content of
    a notification or reject it: the setting, else the environment variable, else
    "sustancial" in production and "bajo" outside. A value that is not a level raises
    ImproperlyConfigured (at first use: the sede's pages need it)."""
    configured = getattr(settings, "NOTIFICACIONES_NIVEL_MINIMO", None)
    if configured in (None, ""):
        configured = env_str("NOTIFICACIONES_NIVEL_MINIMO", "")
    default = "sustancial" if settings.PRODUCTION else "bajo"
    value = (str(configured).strip() or default).lower()
    if value not in NIVELES:
        raise ImproperlyConfigured(
            f"NOTIFICACIONES_NIVEL_MINIMO={configured!r} is not a level of assurance: use "
            f"one of {', '.join(NIVELES)} (lowest first).")
    return value
