"""Spanish alphabetical order for every list of names that people read.

The databases this project runs on compare text byte by byte: the Debian cluster and the
embedded server (pgserver) are initialised with the C.UTF-8 locale, which puts "Álava"
after "Zamora" and "Bélgica" after "Burundi". PostgreSQL's ICU collation "es-x-icu" would
sort them right, but the embedded server that `./dev` and CI use is built without ICU
(`pg_config --configure` says `--without-icu`), so the project cannot depend on it. This
module gives the same Spanish order in both places instead:

* `sort_key(text)` for lists sorted in Python (code lists, streets, search results);
* `SpanishOrder(expression)` for querysets the database sorts and paginates.

The order is the Spanish alphabet of the RAE (2010): letters compare without accents and
without case (á = a, ü = u, ç = c), ñ is a letter of its own between n and o, and "ch" and
"ll" are not letters of their own. Equal keys are broken by the text itself, so the order
is total and stable.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import CharField, F, Func, Value

T = TypeVar("T")

# ñ sorts after every other "n…": "n{" does, since "{" is the character after "z".
_ENYE = "n{"
# The accented letters of Spanish, the other languages of Spain and the names of the
# foreign residents the padrón holds most, mapped to their base letter (upper case too:
# PostgreSQL's lower() under the C locale only lowers ASCII).
_ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüçýÿÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÇÝŸ"
_BASE = "aaaaaaeeeeiiiiooooouuuucyyAAAAAAEEEEIIIIOOOOOUUUUCYY"
_TABLE = str.maketrans(_ACCENTED, _BASE)


def primary(text: str | None) -> str:
    """The text as Spanish order compares it first: no accents, no case, ñ after n."""
    text = (text or "").replace("ñ", _ENYE).replace("Ñ", _ENYE).translate(_TABLE)
    # Letters outside the table (ø, ł, ş…) lose their marks the Unicode way.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_key(text: str | None) -> tuple[str, str]:
    """Key for `sorted()`: Spanish order, then the text itself to break ties."""
    return primary(text), text or ""


def spanish_sorted(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """`items` in Spanish alphabetical order of `key(item)` (the item itself by default)."""
    get = key or (lambda item: item)  # type: ignore[assignment,return-value]
    return sorted(items, key=lambda item: sort_key(get(item)))


class SpanishOrder(Func):
    """The primary key of `primary()` computed by PostgreSQL, for `order_by()`.

    Built only from IMMUTABLE functions (replace, translate, lower), so it can also be
    indexed. Use it before the raw column: `order_by(SpanishOrder("apellido1"), "apellido1")`.
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        if isinstance(expression, str):
            expression = F(expression)
        text = CharField()
        enye = Func(Func(expression, Value("ñ"), Value(_ENYE), function="replace",
                         output_field=text),
                    Value("Ñ"), Value(_ENYE), function="replace", output_field=text)
        plain = Func(enye, Value(_ACCENTED), Value(_BASE), function="translate",
                     output_field=text)
        extra.setdefault("output_field", CharField())
        super().__init__(plain, function="lower", **extra)
