"""What other apps may do when the sede registers a submission, without the sede knowing
them (the sede imports no app that builds on it).

An app registers a function in its AppConfig.ready():

    from sede import hooks
    hooks.register_presentacion_registrada("expedientes.actions_sede.abrir_desde_sede")

`presentacion_registrada(presentacion, asiento)` calls each one inside the registration's
transaction, each in a savepoint of its own: a hook that fails is logged and undone, and
the citizen's submission stays registered (a clerk can still act on the asiento).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Hook = Callable[..., object]
_hooks: dict[str, Hook | str] = {}


def register_presentacion_registrada(hook: Hook | str) -> None:
    """Add a function (or its dotted path) called as `hook(presentacion, asiento)`."""
    key = hook if isinstance(hook, str) else f"{hook.__module__}.{hook.__qualname__}"
    _hooks[key] = hook


def presentacion_registrada(presentacion, asiento) -> None:
    for key, hook in list(_hooks.items()):
        function = import_string(hook) if isinstance(hook, str) else hook
        try:
            with transaction.atomic():
                function(presentacion, asiento)
        except Exception:
            logger.exception("sede: hook %s failed for asiento %s", key, asiento.pk)
