"""Choosers: a field that stores a code (INE country, municipality, street…) and lets the
clerk find it by name as they type.

Without JavaScript the field is what it always was: a plain code input (or, for streets, a
sorted select), with the name of the code shown next to it once the form has been checked.
static/js/chooser.js turns every `[data-chooser-url]` control into an ARIA 1.2 combobox
(type, arrow keys, Enter, Escape) that asks the server-side search (padron.views_choosers)
and writes the chosen code into the original control, which is what the form posts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padron import codelists


def _chooser_attrs(url: str) -> dict[str, str]:
    return {"data-chooser-url": url,
            "data-chooser-none": _("Ninguna coincidencia. Pruebe con otras palabras o con el "
                                   "código."),
            "data-chooser-count": _("%(count)s resultados: elija con las flechas y Intro."),
            "data-chooser-one": _("1 resultado: elíjalo con las flechas y Intro.")}


class CodeChooserInput(forms.TextInput):
    """A code input that also shows the name of its current code."""

    template_name = "padron/widgets/chooser.html"

    def __init__(self, table: str, attrs: dict[str, Any] | None = None) -> None:
        self.table = table
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        found = codelists.option(self.table, str(value or "")) if value else None
        label = found.label if found else ""
        if found and found.detail and found.detail != found.label:
            label = f"{label} ({found.detail})"
        widget = context["widget"]
        widget["attrs"].update(_chooser_attrs(
            reverse("gestion:padron:chooser_codigos", args=[self.table])))
        widget["attrs"]["data-chooser-label"] = label
        widget["chooser_label"] = label
        if label and widget["attrs"].get("id"):
            described = widget["attrs"].get("aria-describedby", "")
            widget["attrs"]["aria-describedby"] = f"{described} {widget['attrs']['id']}_nombre" \
                .strip()
        return context


class ChooserSelect(forms.Select):
    """A select (it works, sorted, without JavaScript) that becomes a search-as-you-type
    combobox over `url_name`."""

    def __init__(self, url_name: str, attrs: dict[str, Any] | None = None) -> None:
        self.url_name = url_name
        super().__init__(attrs=attrs)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(_chooser_attrs(reverse(self.url_name)))
        return context


class CodeChoiceField(forms.CharField):
    """An INE code of `table` (codelists.SEARCHABLE). The clerk may type the code or, when
    it is unambiguous, the whole name; the cleaned value is always the code.

    A code that is no longer in the list is still accepted when it is the value the form
    started with (`keep`): a person born in a municipality that has since merged keeps it.
    """

    default_error_messages = {
        "unknown": gettext_lazy("«%(value)s» no está en la lista. Escriba parte del nombre y "
                                "elija una opción, o escriba el código del INE."),
    }

    def __init__(self, table: str, *, max_length: int, **kwargs: Any) -> None:
        self.table = table
        self.keep: str = ""
        kwargs.setdefault("widget", CodeChooserInput(table))
        # The typed name can be longer than the code it stands for.
        super().__init__(max_length=200, **kwargs)
        self.code_length = max_length
        self.widget.attrs.setdefault("data-chooser-code-length", str(max_length))

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        if text.isdigit() and text == self.keep:
            return text
        found = codelists.resolve(self.table, text)
        if found is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown",
                                        params={"value": text})
        return found.code


# --- streets ----------------------------------------------------------------------------


def street_label(naming: Any) -> str:
    """A street as a list shows it, by name first so the list reads alphabetically:
    "Mayor (Calle)", "de l'Església (Plaza)"."""
    return f"{naming.name} ({naming.tipo.description})"


def street_options(date: Any) -> list[codelists.Option]:
    """Every street in force on `date`, in Spanish alphabetical order of its name (then its
    type); the option's code is the street's primary key, its detail the INE street code."""
    from padron.models import Via
    from padron.models.territorio import Vigencia
    from provincial.collation import sort_key

    rows = []
    for via in Via.objects.filter(Vigencia.valid_on(date)).prefetch_related("names__tipo"):
        naming = via.name_on(date)
        if naming is None:
            rows.append(((sort_key(via.code), ("", "")), codelists.Option(str(via.pk), via.code)))
            continue
        key = (sort_key(naming.name), sort_key(naming.tipo.description))
        rows.append((key, codelists.Option(str(via.pk), street_label(naming), via.code)))
    rows.sort(key=lambda row: row[0])
    return [option for _key, option in rows]


def search_streets(options: list[codelists.Option], query: str,
                   limit: int = 20) -> list[codelists.Option]:
    """Streets whose every typed word starts a word of the name or type ("esgl pla" finds
    "de l'Església (Plaza)"), or whose INE code starts with the typed digits; names that
    start with the text first, then alphabetical order."""
    text = (query or "").strip()
    if text.isdigit():
        return [o for o in options if o.detail.startswith(text)][:limit]
    wanted = codelists.words(text)
    if not wanted:
        return options[:limit]
    joined = " ".join(wanted)
    found = []
    for position, option in enumerate(options):
        label_words = codelists.words(option.label)
        if all(any(w.startswith(part) for w in label_words) for part in wanted):
            found.append((0 if " ".join(label_words).startswith(joined) else 1, position, option))
    found.sort(key=lambda row: row[:2])
    return [option for _first, _position, option in found[:limit]]
