"""`{{ code|metodo_identificacion }}` and `{{ code|nivel_identificacion }}`: the sede's
identification method and level of assurance as people read them ("clave" → «Cl@ve»),
for the evidence pages and the acuses (the rows keep the codes);
`{{ code|procedimiento }}`: a procedure of the entity's catalogue by its name and code."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from sede import identificacion

register = template.Library()


# Not a sede method: what the notifier records for a delivery on paper.
PAPEL = "papel"


@register.filter
def metodo_identificacion(code: str) -> str:
    if code == PAPEL:
        return str(_("entrega en papel por el notificador"))
    return identificacion.method_label(code) if code else ""


@register.filter
def procedimiento(code: str) -> str:
    """«Licencia de obra menor (URB-OBRA-MENOR)»; the code alone if the catalogue no
    longer has it."""
    from expedientes.models import Procedimiento

    if not code:
        return ""
    name = Procedimiento.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name} ({code})" if name else code


@register.filter
def nivel_identificacion(code: str) -> str:
    return str(identificacion.LEVEL_LABELS.get(code, code)) if code else ""
