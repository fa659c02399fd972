"""Names for the INE codes shown on the padrón pages."""

from django import template

from padron import codelists

register = template.Library()


@register.filter
def pais(code: str) -> str:
    """'228' → 'Marruecos' (the code itself if unknown)."""
    return codelists.country_name(code) or code or ""


@register.filter
def provincia(code: str) -> str:
    return codelists.province_name(code) or code or ""
