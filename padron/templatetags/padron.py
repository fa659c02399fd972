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


@register.filter
def nacimiento(habitante) -> str:
    """Where an inhabitant was born, in words: "Castalla (Alicante/Alacant)" or the country."""
    return codelists.birthplace(habitante.provincia_nacimiento, habitante.municipio_nacimiento,
                                habitante.pais_nacimiento)


@register.filter
def lugar(code: str) -> str:
    """A procedence or destination code (municipality or country) in words."""
    return codelists.place_name(code)
