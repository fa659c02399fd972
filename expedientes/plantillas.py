"""The merge engine of document templates.

A template's body is HTML with merge fields written in the Django template language
(`{{ expediente.codigo }}`, `{% if interesado.direccion %}…{% endif %}`). Clerks write
templates, so they are rendered by a sandboxed engine: no loaders (nothing is read from
disk: no `{% include %}` or `{% extends %}`), no `{% load %}`, autoescape on, and only
the tags and filters listed here, plus our own (`fecha_letras`, `importe_letras`,
`mayusculas`, `fecha_larga`). The context holds plain values (dicts, strings, dates),
never model instances, so a template cannot reach a manager or a method that writes.

The output is cleaned (`limpiar_html`) to a short list of tags and attributes before it
is stored as a draft or shown: what reaches a page or a PDF is text and simple layout.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from expedientes.models import Expediente

MAX_CUERPO = 200_000  # characters of a template or a draft
MAX_RESULTADO = 2_000_000  # characters of a merged document

# A merge field that does not exist shows in the output like this, so that a typo is seen
# in the preview and in the draft instead of silently printing nothing.
MISSING = "[¿%s?]"
MISSING_RE = re.compile(r"\[¿([^\]?]+)\?\]")


class PlantillaError(Exception):
    """A template that cannot be compiled or merged; `message` is in Spanish and says
    where (line) and what."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- numbers and dates in Spanish words --------------------------------------------------

_UNIDADES = (
    "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
    "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
    "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro",
    "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve")
_DECENAS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta",
            8: "ochenta", 9: "noventa"}
_CENTENAS = {1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos",
             5: "quinientos", 6: "seiscientos", 7: "setecientos", 8: "ochocientos",
             9: "novecientos"}
MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre")


def _hasta_mil(n: int) -> str:
    if n == 100:
        return "cien"
    centenas, resto = divmod(n, 100)
    parts = [_CENTENAS[centenas]] if centenas else []
    if resto >= 30:
        decenas, unidades = divmod(resto, 10)
        parts.append(_DECENAS[decenas] + (f" y {_UNIDADES[unidades]}" if unidades else ""))
    elif resto:
        parts.append(_UNIDADES[resto])
    return " ".join(parts)


def _apocope(text: str) -> str:
    """«uno» before a noun: «veintiún mil», «treinta y un euros», «un millón»."""
    if text.endswith("veintiuno"):
        return text[:-len("veintiuno")] + "veintiún"
    if text.endswith("uno"):
        return text[:-3] + "un"
    return text


def numero_letras(n: int, *, ante_sustantivo: bool = False) -> str:
    """A whole number in Spanish words: 2026 → «dos mil veintiséis»; before a masculine
    noun (`ante_sustantivo`), 21 → «veintiún»."""
    if n < 0:
        return "menos " + numero_letras(-n, ante_sustantivo=ante_sustantivo)
    if n == 0:
        return "cero"
    millones, resto = divmod(n, 1_000_000)
    miles, unidades = divmod(resto, 1000)
    parts = []
    if millones:
        parts.append("un millón" if millones == 1
                     else numero_letras(millones, ante_sustantivo=True) + " millones")
    if miles:
        parts.append("mil" if miles == 1 else _apocope(_hasta_mil(miles)) + " mil")
    if unidades:
        parts.append(_hasta_mil(unidades))
    text = " ".join(parts)
    return _apocope(text) if ante_sustantivo else text


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def fecha_letras(value: Any) -> str:
    """7 Dec 2026 → «siete de diciembre de dos mil veintiséis» ('' for a non-date)."""
    date = _as_date(value)
    if date is None:
        return ""
    return f"{numero_letras(date.day)} de {MESES[date.month - 1]} de {numero_letras(date.year)}"


def fecha_larga(value: Any) -> str:
    """7 Dec 2026 → «7 de diciembre de 2026»."""
    date = _as_date(value)
    if date is None:
        return ""
    return f"{date.day} de {MESES[date.month - 1]} de {date.year}"


def importe_letras(value: Any) -> str:
    """1234.56 → «mil doscientos treinta y cuatro euros con cincuenta y seis céntimos»
    ('' for something that is not an amount). Accepts «1.234,56» as written in Spain."""
    amount = _decimal(value)
    if amount is None:
        return ""
    prefix = "menos " if amount < 0 else ""
    cents_total = int(abs(amount) * 100)
    euros, cents = divmod(cents_total, 100)
    if euros == 1:
        text = "un euro"
    elif euros and euros % 1_000_000 == 0:
        text = numero_letras(euros, ante_sustantivo=True) + " de euros"
    else:
        text = numero_letras(euros, ante_sustantivo=True) + " euros"
    if cents:
        text += " con " + numero_letras(cents, ante_sustantivo=True) + (
            " céntimo" if cents == 1 else " céntimos")
    return prefix + text


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, str):
        text = value.strip().replace("€", "").replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        value = text
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 15:
        return None
    return amount


def importe(value: Any) -> str:
    """1234.5 → «1.234,50 €» ('' for something that is not an amount)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{groups},{cents} €"


def mayusculas(value: Any) -> str:
    return str(value).upper()


# --- the sandbox -------------------------------------------------------------------------

# Tags of the default library a template may use. Left out: load, include, extends, block
# (no other templates exist), autoescape (would turn escaping off), debug (dumps the
# context), url, csrf_token, regroup, lorem, resetcycle, partialdef/partial.
TAGS = ("if", "for", "with", "firstof", "comment", "spaceless", "cycle", "now", "ifchanged",
        "templatetag", "verbatim", "widthratio", "filter")
# Filters of the default library. Left out: safe and safeseq (would undo escaping),
# pprint (object internals), urlize/urlizetrunc (links), json_script, escapejs,
# unordered_list; and those that let a short template make a huge output (add, doubling a
# string inside nested {% with %}; stringformat, ljust, rjust, center and floatformat with
# a huge width or precision).
FILTERS = ("capfirst", "cut", "date", "default", "default_if_none", "divisibleby", "first",
           "join", "last", "length", "linebreaks", "linebreaksbr", "lower", "upper", "title",
           "pluralize", "slice", "time", "truncatechars", "truncatewords", "wordcount",
           "yesno", "striptags", "escape")
OWN_FILTERS = {"fecha_letras": fecha_letras, "fecha_larga": fecha_larga,
               "importe_letras": importe_letras, "importe": importe,
               "mayusculas": mayusculas}

SANDBOX = Library()
for _name in TAGS:
    SANDBOX.tags[_name] = defaulttags.register.tags[_name]
for _name in FILTERS:
    SANDBOX.filters[_name] = defaultfilters.register.filters[_name]
for _name, _function in OWN_FILTERS.items():
    SANDBOX.filter(_name, _function)


class _SandboxEngine(Engine):
    default_builtins: list[str] = []

    def __init__(self) -> None:
        # debug=True: syntax and render errors carry the line (template_debug).
        super().__init__(dirs=[], app_dirs=False, loaders=[], libraries={}, builtins=[],
                         autoescape=True, debug=True, string_if_invalid=MISSING)
        self.template_builtins = [SANDBOX]


ENGINE = _SandboxEngine()


def _line(exc: BaseException) -> int | None:
    info = getattr(exc, "template_debug", None)
    return info.get("line") if info else None


def _closing(expected: str) -> str:
    """«endif» from Django's «elif, else, endif»."""
    names = [name.strip() for name in expected.split(",")]
    return next((name for name in names if name.startswith("end")), names[-1])


_EXPLANATIONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"Invalid block tag on line \d+: '(?P<tag>[^']+)'(?:, expected (?P<exp>.+?))?\."),
     lambda m: (_("la etiqueta «{%% %(tag)s %%}» no existe o no está permitida en las "
                  "plantillas; se esperaba %(exp)s.")
                % {"tag": m["tag"], "exp": m["exp"].replace("'", "«", 1).replace("'", "»", 1)}
                if m["exp"] else
                _("la etiqueta «{%% %(tag)s %%}» no existe o no está permitida en las "
                  "plantillas (no se pueden cargar bibliotecas ni incluir otras plantillas).")
                % {"tag": m["tag"]})),
    (re.compile(r"Unclosed tag on line \d+: '(?P<tag>[^']+)'. Looking for one of: (?P<end>.+)\."),
     lambda m: _("la etiqueta «{%% %(tag)s %%}» no se cierra: falta «{%% %(end)s %%}».")
     % {"tag": m["tag"], "end": _closing(m["end"])}),
    (re.compile(r"Invalid filter: '(?P<name>[^']+)'"),
     lambda m: _("el filtro «%(name)s» no existe o no está permitido. Se admiten: %(all)s.")
     % {"name": m["name"], "all": ", ".join(sorted([*FILTERS, *OWN_FILTERS]))}),
    (re.compile(r"Could not parse the remainder: '(?P<rest>.*)' from '(?P<expr>.*)'"),
     lambda m: _("no se entiende «%(expr)s» (sobra «%(rest)s»).")
     % {"expr": m["expr"], "rest": m["rest"]}),
    (re.compile(r"Variables and attributes may not begin with underscores: '(?P<v>.*)'"),
     lambda m: _("los campos no pueden empezar por «_»: «%(v)s».") % {"v": m["v"]}),
    (re.compile(r"Empty variable tag"), lambda m: _("hay un campo vacío «{{ }}».")),
    (re.compile(r"Empty block tag"), lambda m: _("hay una etiqueta vacía «{% %}».")),
    (re.compile(r"'for' statements should (use the format 'for x in y'|have at least four)"),
     lambda m: _("un «{% for %}» se escribe «{% for elemento in lista %}».")),
    (re.compile(r"(?P<name>\w+) requires (?P<n>\d+) arguments?, (?P<got>\d+) provided"),
     lambda m: _("el filtro «%(name)s» necesita %(n)s argumentos y tiene %(got)s.")
     % {"name": m["name"], "n": int(m["n"]) - 1, "got": int(m["got"]) - 1}),
]


def _explain(exc: BaseException) -> str:
    text = str(exc)
    for pattern, explain in _EXPLANATIONS:
        match = pattern.search(text)
        if match:
            return explain(match)
    return _("error de sintaxis (%(detail)s).") % {"detail": text}


def _error(exc: BaseException, *, compiling: bool) -> PlantillaError:
    line = _line(exc)
    what = _explain(exc) if isinstance(exc, TemplateSyntaxError) else \
        _("no se ha podido combinar (%(detail)s).") % {"detail": exc}
    if line is not None:
        message = _("Error en la línea %(line)s de la plantilla: %(what)s") \
            % {"line": line, "what": what}
    else:
        message = _("Error en la plantilla: %(what)s") % {"what": what}
    if not compiling and line is None:
        message = _("Error al combinar la plantilla: %(what)s") % {"what": what}
    return PlantillaError(message, line=line)


def compilar(cuerpo: str):
    """The compiled template, or PlantillaError saying what is wrong and on which line."""
    if len(cuerpo) > MAX_CUERPO:
        raise PlantillaError(_("La plantilla es demasiado larga: %(n)s caracteres; el máximo "
                               "es %(max)s.") % {"n": len(cuerpo), "max": MAX_CUERPO})
    try:
        with translation.override("es"):
            return ENGINE.from_string(cuerpo)
    except TemplateSyntaxError as exc:
        raise _error(exc, compiling=True) from exc


def comprobar(cuerpo: str) -> None:
    """Raise PlantillaError if `cuerpo` does not compile."""
    compilar(cuerpo)


def render(cuerpo: str, contexto: dict[str, Any]) -> SafeString:
    """`cuerpo` merged with `contexto`, as clean HTML; PlantillaError on any error."""
    template = compilar(cuerpo)
    try:
        with translation.override("es"):
            html = template.render(Context(contexto, autoescape=True))
    except Exception as exc:  # noqa: BLE001 - any failure of a clerk's template is a message
        raise _error(exc, compiling=False) from exc
    if len(html) > MAX_RESULTADO:
        raise PlantillaError(_("El documento combinado es demasiado largo (%(n)s caracteres; "
                               "el máximo es %(max)s): revise los bucles de la plantilla.")
                             % {"n": len(html), "max": MAX_RESULTADO})
    return limpiar_html(html)


def campos_desconocidos(html: str) -> list[str]:
    """Merge fields the output shows as unknown («[¿interesado.nombr?]»)."""
    return sorted(set(MISSING_RE.findall(html)))


# --- cleaning HTML -----------------------------------------------------------------------

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h1", "h2", "h3", "h4",
    "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "blockquote", "hr", "div", "span"})
_VOID = frozenset({"br", "hr"})
# Dropped with everything inside them.
_DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                           "template", "textarea", "select", "svg", "math", "title", "head"})
# Layout classes the PDF and the preview style (expedientes/pdf/documento.html).
ALLOWED_CLASSES = frozenset({"centrado", "derecha", "justificado", "cabecera", "firma",
                             "destacado", "nota", "resuelvo", "sangria"})
_CELL_ATTRS = {"colspan", "rowspan"}


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip = 0

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            value = value or ""
            if name == "class":
                classes = [c for c in value.split() if c in ALLOWED_CLASSES]
                if classes:
                    kept.append(f' class="{" ".join(classes)}"')
            elif name in _CELL_ATTRS and tag in ("td", "th") and value.isdigit() \
                    and 0 < int(value) < 100:
                kept.append(f' {name}="{int(value)}"')
            elif name == "scope" and tag == "th" and value in ("row", "col"):
                kept.append(f' scope="{value}"')
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED_TAGS:
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.stack))


def limpiar_html(html: str) -> SafeString:
    """`html` keeping only simple layout (ALLOWED_TAGS, the classes of ALLOWED_CLASSES,
    colspan/rowspan/scope of cells), every tag closed; scripts and styles removed with
    their content. Safe to show in a page and to render to PDF."""
    cleaner = _Cleaner()
    cleaner.feed(html or "")
    return mark_safe(cleaner.result())  # noqa: S308 - built above from escaped parts


# --- the context -------------------------------------------------------------------------

# The merge fields, as the editor lists them (field, description).
CAMPOS: list[tuple[str, Any]] = [
    ("expediente.codigo", gettext_lazy("Número del expediente (339/2026)")),
    ("expediente.asunto", gettext_lazy("Asunto")),
    ("expediente.fecha_inicio|fecha_larga", gettext_lazy("Fecha de iniciación")),
    ("expediente.fecha_vencimiento|fecha_larga", gettext_lazy("Vencimiento del plazo")),
    ("expediente.fase", gettext_lazy("Fase actual")),
    ("expediente.responsable", gettext_lazy("Responsable de la tramitación")),
    ("expediente.registro_entrada", gettext_lazy("Número del registro de entrada")),
    ("expediente.fecha_registro|fecha_larga", gettext_lazy("Fecha del registro de entrada")),
    ("procedimiento.nombre", gettext_lazy("Nombre del procedimiento")),
    ("procedimiento.base_legal", gettext_lazy("Base legal")),
    ("procedimiento.plazo", gettext_lazy("Plazo máximo de resolución")),
    ("procedimiento.silencio", gettext_lazy("Sentido del silencio")),
    ("procedimiento.organo", gettext_lazy("Órgano que resuelve")),
    ("interesado.nombre_completo", gettext_lazy("Interesado principal: nombre")),
    ("interesado.documento", gettext_lazy("Interesado principal: DNI, NIE o CIF")),
    ("interesado.direccion", gettext_lazy("Interesado principal: dirección")),
    ("representante.nombre_completo", gettext_lazy("Representante: nombre")),
    ("entidad.nombre", gettext_lazy("Nombre de la entidad")),
    ("entidad.municipio", gettext_lazy("Municipio")),
    ("entidad.cif", gettext_lazy("CIF de la entidad")),
    ("entidad.dir3", gettext_lazy("Código DIR3")),
    ("entidad.provincia", gettext_lazy("Provincia")),
    ("firmantes.alcalde.nombre", gettext_lazy("Alcalde o alcaldesa: nombre")),
    ("firmantes.alcalde.antefirma", gettext_lazy("Alcalde o alcaldesa: cargo bajo la firma")),
    ("firmantes.secretario.nombre", gettext_lazy("Secretaría: nombre")),
    ("firmantes.secretario.antefirma", gettext_lazy("Secretaría: cargo bajo la firma")),
    ("firmantes.interventor.nombre", gettext_lazy("Intervención: nombre")),
    ("firmantes.interventor.antefirma", gettext_lazy("Intervención: cargo bajo la firma")),
    ("hoy|fecha_letras", gettext_lazy("Fecha de hoy en letras")),
    ("hoy|fecha_larga", gettext_lazy("Fecha de hoy (7 de diciembre de 2026)")),
]

# Municipality names follow the kind of entity in its own name.
_ENTITY_PREFIXES = ("Excelentísimo Ayuntamiento de ", "Ayuntamiento de ", "Ajuntament de ",
                    "Ajuntament d'", "Ajuntament d’", "Concello de ", "Udala ",
                    "Entidad Local Menor de ", "Mancomunidad de ", "Mancomunitat de ")


def municipio(entity_name: str) -> str:
    """«Ajuntament d'Agost» → «Agost»; a name with no known prefix stays as it is."""
    for prefix in _ENTITY_PREFIXES:
        if entity_name.lower().startswith(prefix.lower()):
            return entity_name[len(prefix):]
    return entity_name


def _persona(interesado) -> dict[str, str]:
    return {"nombre_completo": interesado.nombre_completo, "nombre": interesado.nombre,
            "apellido1": interesado.apellido1, "apellido2": interesado.apellido2,
            "documento": interesado.documento, "tipo_documento": interesado.tipo_documento,
            "direccion": interesado.direccion, "email": interesado.email,
            "telefono": interesado.telefono, "rol": interesado.get_rol_display()}


_NADIE = {"nombre_completo": "", "nombre": "", "apellido1": "", "apellido2": "",
          "documento": "", "tipo_documento": "", "direccion": "", "email": "",
          "telefono": "", "rol": ""}


def _firmantes(entity, date: datetime.date) -> dict[str, dict[str, str]]:
    from tenants import offices

    signatories = offices.Signatories(entity, date)

    def one(function: str, office_name: str) -> dict[str, str]:
        holder = signatories.holder(function)
        if holder is None:
            return {"nombre": "", "cargo": office_name, "antefirma": office_name}
        return {"nombre": holder.name, "cargo": offices.heading_title(holder),
                "antefirma": offices.signature_title(holder)}

    alcaldia = signatories.visto_bueno
    return {"alcalde": {"nombre": alcaldia.name, "cargo": alcaldia.title,
                        "antefirma": alcaldia.signature_title},
            "secretario": one(offices.SECRETARIA, _("La Secretaría")),
            "interventor": one(offices.INTERVENCION, _("La Intervención")),
            "tesorero": one(offices.TESORERIA, _("La Tesorería"))}


def _entidad(entity) -> dict[str, str]:
    return {"nombre": entity.name, "municipio": municipio(entity.name), "cif": entity.cif,
            "dir3": entity.dir3_code, "provincia": entity.province,
            "direccion": entity.address, "codigo_postal": entity.postal_code,
            "nombre_con_articulo": entity.name_with_article,
            "nombre_tras_de": entity.name_after_de}


def _procedimiento(procedimiento) -> dict[str, str]:
    plazo = f"{procedimiento.plazo_cantidad} {procedimiento.get_plazo_unidad_display()}"
    if procedimiento.plazo_cantidad == 1:
        plazo = {"meses": "1 mes", "dias_habiles": "1 día hábil",
                 "dias_naturales": "1 día natural"}.get(procedimiento.plazo_unidad, plazo)
    return {"nombre": procedimiento.name, "codigo": procedimiento.code,
            "sia": procedimiento.sia_code, "familia": procedimiento.get_familia_display(),
            "base_legal": procedimiento.base_legal, "plazo": plazo,
            "silencio": procedimiento.get_sentido_silencio_display(),
            "organo": procedimiento.organo_resolutorio}


def contexto(expediente: Expediente, *, hoy: datetime.date | None = None) -> dict[str, Any]:
    """The merge context of `expediente`, in the current entity's schema."""
    from expedientes.choices import RolInteresado
    from provincial.documents.services import current_entity

    entity = current_entity()
    hoy = hoy or timezone.localdate()
    interesados = list(expediente.interesados.all())
    principal = next((i for i in interesados if i.rol != RolInteresado.REPRESENTANTE), None)
    representante = next((i for i in interesados if i.rol == RolInteresado.REPRESENTANTE),
                         None)
    asiento = expediente.asiento
    return {
        "expediente": {
            "codigo": expediente.codigo, "numero": expediente.numero, "anio": expediente.year,
            "procedimiento": expediente.procedimiento.name,
            "asunto": expediente.asunto, "fecha_inicio": expediente.fecha_inicio,
            "fecha_vencimiento": expediente.fecha_vencimiento, "fase": expediente.fase,
            "estado": expediente.get_estado_display(),
            "origen": expediente.get_origen_display(),
            "responsable": expediente.responsable_name,
            "registro_entrada": asiento.numero_registro if asiento else "",
            # De oficio there is no entry: the date the expediente starts stands in, so
            # «presentó el día …» never reads empty.
            "fecha_registro": asiento.fecha_presentacion if asiento else expediente.fecha_inicio},
        "procedimiento": _procedimiento(expediente.procedimiento),
        "interesados": [_persona(i) for i in interesados],
        "interesado": _persona(principal) if principal else dict(_NADIE),
        "representante": _persona(representante) if representante else dict(_NADIE),
        "entidad": _entidad(entity),
        "firmantes": _firmantes(entity, hoy),
        "hoy": hoy,
    }


def contexto_ejemplo(procedimiento=None, *, hoy: datetime.date | None = None,
                     entity=None) -> dict[str, Any]:
    """Sample data to preview a template without an expediente (the current entity's own
    data and signatories, an invented expediente and interesado)."""
    from provincial.documents.services import current_entity

    entity = entity or current_entity()
    hoy = hoy or timezone.localdate()
    persona = {"nombre_completo": "María García López", "nombre": "María",
               "apellido1": "García", "apellido2": "López", "documento": "12345678Z",
               "tipo_documento": "NIF", "direccion": "Calle Mayor, 1, 2.º B",
               "email": "maria.garcia@example.com", "telefono": "600000000",
               "rol": str(_("Solicitante"))}
    proc = _procedimiento(procedimiento) if procedimiento is not None else {
        "nombre": "Licencia de obra menor", "codigo": "URB-OBRA-MENOR", "sia": "",
        "familia": "Urbanismo y obras", "base_legal": "", "plazo": "1 mes",
        "silencio": "Estimatorio", "organo": "Alcaldía"}
    return {
        "expediente": {
            "codigo": f"12/{hoy.year}", "numero": 12, "anio": hoy.year,
            "procedimiento": proc["nombre"],
            "asunto": "Reforma interior de vivienda en Calle Mayor, 1",
            "fecha_inicio": hoy - datetime.timedelta(days=10),
            "fecha_vencimiento": hoy + datetime.timedelta(days=20), "fase": "Instrucción",
            "estado": "En tramitación", "origen": "A instancia de parte (registro de entrada)",
            "responsable": "Técnico de administración general",
            "registro_entrada": f"{hoy.year}-E-RC-45",
            "fecha_registro": hoy - datetime.timedelta(days=10)},
        "procedimiento": proc,
        "interesados": [persona],
        "interesado": persona,
        "representante": dict(_NADIE),
        "entidad": _entidad(entity),
        "firmantes": _firmantes(entity, hoy),
        "hoy": hoy,
    }
