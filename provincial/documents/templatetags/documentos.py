"""Template helpers for issued documents: the list shown on an object's page, and the
long Spanish date printed on documents ("21 de noviembre de 2026")."""

from __future__ import annotations

import datetime

from django import template
from django.db import connection, models
from django.utils import formats, timezone

from provincial.documents.models import IssuedDocument

register = template.Library()


@register.simple_tag
def issued_documents(obj: models.Model, limit: int = 20) -> list[IssuedDocument]:
    """The latest documents issued about `obj` in the current entity."""
    if obj is None or connection.schema_name == "public":
        return []
    return list(IssuedDocument.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
                .only("pk", "kind", "title", "issued_at", "issuer_name", "csv")[:limit])


@register.filter
def fecha_larga(value: datetime.date | datetime.datetime | None) -> str:
    """'21 de noviembre de 2026' in the active language (documents render in Spanish)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, r"j \d\e F \d\e Y")


@register.filter
def iso_datetime(value: str | datetime.datetime | None) -> datetime.datetime | None:
    """A moment written as ISO 8601 (a signature report as stored or sent as JSON) as a
    datetime, for the `date` filter; None for a missing or unreadable value."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
