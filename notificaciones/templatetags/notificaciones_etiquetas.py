"""`{{ code|metodo_identificacion }}` and `{{ code|nivel_identificacion }}`: the sede's
identification method and level of assurance as people read them ("clave" → «Cl@ve»),
for the evidence pages and the acuses (the rows keep the codes)."""

from __future__ import annotations

from django import template

from sede import identificacion

register = template.Library()


@register.filter
def metodo_identificacion(code: str) -> str:
    return identificacion.method_label(code) if code else ""


@register.filter
def nivel_identificacion(code: str) -> str:
    return str(identificacion.LEVEL_LABELS.get(code, code)) if code else ""
