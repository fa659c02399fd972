"""Spanish labels of audit actions.

The trail stores dotted codes (`tenants.membership.update`); people read a label. Each app
declares the actions it records in its own `audit_actions.py`, found at start-up like an
`admin.py` (`autodiscover`, called from `ProvincialConfig.ready`). Codes built at run time
(`admin.<model>.<verb>`) are named by a resolver registered for their prefix. A code nobody
declared still reads in Spanish, by its area, and never as the raw code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

Resolver = Callable[[str], str | None]


class ActionLabels:
    def __init__(self) -> None:
        self._labels: dict[str, str] = {}
        self._areas: dict[str, str] = {}
        self._resolvers: list[tuple[str, Resolver]] = []

    def register(self, labels: Mapping[str, str]) -> None:
        """Declare the label of each code: `{"padron.habitante.alta": _("Alta…")}`."""
        self._labels.update(labels)

    def register_area(self, prefix: str, label: str) -> None:
        """Name the area of the codes starting with `prefix.` (used by the fallback)."""
        self._areas[prefix] = label

    def register_resolver(self, prefix: str, resolver: Resolver) -> None:
        """Label the codes starting with `prefix` that are built at run time; the
        resolver answers None for a code it does not know."""
        self._resolvers.append((prefix, resolver))

    def is_declared(self, code: str) -> bool:
        return code in self._labels or any(
            code.startswith(prefix) and resolver(code) is not None
            for prefix, resolver in self._resolvers)

    def label(self, code: str) -> str:
        if code in self._labels:
            return str(self._labels[code])
        for prefix, resolver in self._resolvers:
            if code.startswith(prefix):
                resolved = resolver(code)
                if resolved is not None:
                    return str(resolved)
        area = self._areas.get(code.split(".", 1)[0])
        if area is None:
            return str(_("Otra acción"))
        return str(format_lazy(_("Otra acción: {area}"), area=area))

    def choices(self, codes: Iterable[str]) -> list[tuple[str, str]]:
        """(code, label) pairs for a filter, sorted by label."""
        return sorted(((code, self.label(code)) for code in set(codes)),
                      key=lambda pair: (pair[1].casefold(), pair[0]))


labels = ActionLabels()


def autodiscover() -> None:
    """Import every installed app's `audit_actions` module."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("audit_actions")
