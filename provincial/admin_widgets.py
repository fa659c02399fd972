"""Admin autocomplete widgets that survive a malformed submitted value.

Django's AutocompleteSelect re-renders a rejected form by filtering the related model
with the submitted values as they came; a value that is not a key of that model (letters
for an integer id) raises ValueError in the query and the page answers 500 instead of
showing the form error. These widgets drop such values before rendering.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _ValidValuesOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        valid = []
        for item in value:
            try:
                to_field.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_ValidValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidValuesOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmin and inlines: `autocomplete_fields` rendered with the safe widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site,
                                                      using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site,
                                                              using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
