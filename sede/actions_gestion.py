"""The clerks' changes to the sede: the procedures catalogue and the tablón de anuncios.
Each runs in one transaction and writes its audit record."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import audit, page_cache
from provincial.documents.services import current_entity
from sede.models import Edicto, Presentacion, Procedimiento


class GestionError(Exception):
    """A change the rules do not allow (the message is for the clerk, in Spanish)."""


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {name: [str(before.get(name)), str(value)] for name, value in after.items()
            if before.get(name) != value}


def _snapshot(obj, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# --- procedures ---------------------------------------------------------------------------

PROCEDIMIENTO_FIELDS = ["code", "name", "description", "requisitos", "plazo_resolucion",
                        "sentido_silencio", "tasa", "organo", "tipo_formulario", "campos",
                        "is_active"]


def has_presentaciones(procedimiento: Procedimiento) -> bool:
    return Presentacion.objects.filter(procedimiento=procedimiento).exists()


def save_procedimiento(procedimiento: Procedimiento, *, acting_user) -> Procedimiento:
    """Create or update a procedure of the catalogue (already validated by its form)."""
    creating = procedimiento.pk is None
    with transaction.atomic():
        before = {} if creating else _snapshot(
            Procedimiento.objects.select_for_update().get(pk=procedimiento.pk),
            PROCEDIMIENTO_FIELDS)
        procedimiento.save()
        audit.record("sede.procedimiento." + ("create" if creating else "update"),
                     user=acting_user, entity=current_entity(), obj=procedimiento,
                     detail={"code": procedimiento.code} if creating else
                     _changes(before, _snapshot(procedimiento, PROCEDIMIENTO_FIELDS)))
    return procedimiento


def set_procedimiento_active(procedimiento: Procedimiento, is_active: bool, *,
                             acting_user) -> bool:
    """Show or hide a procedure in the sede; False if it already was so."""
    with transaction.atomic():
        changed = Procedimiento.objects.filter(pk=procedimiento.pk).exclude(
            is_active=is_active).update(is_active=is_active, updated_at=timezone.now())
        if changed:
            audit.record("sede.procedimiento." + ("activate" if is_active else "deactivate"),
                         user=acting_user, entity=current_entity(), obj=procedimiento)
            # An update() sends no post_save: the sede home counts the active procedures.
            page_cache.invalidate_current()
    procedimiento.is_active = is_active
    return bool(changed)


def delete_procedimiento(procedimiento: Procedimiento, *, acting_user) -> None:
    """Remove a procedure nobody has used. One with submissions stays (the registro and the
    citizens' folders refer to it): it can only be deactivated."""
    with transaction.atomic():
        locked = Procedimiento.objects.select_for_update().get(pk=procedimiento.pk)
        if has_presentaciones(locked):
            raise GestionError(_("El procedimiento tiene presentaciones y no se puede borrar; "
                                 "desactívelo para que deje de ofrecerse en la sede."))
        audit.record("sede.procedimiento.delete", user=acting_user, entity=current_entity(),
                     obj=locked, detail={"code": locked.code, "name": locked.name})
        locked.delete()


# --- tablón de anuncios -------------------------------------------------------------------

EDICTO_FIELDS = ["title", "organo", "body", "publish_from", "publish_until",
                 "document_sha256"]


def _attach(edicto: Edicto, content: bytes | None, sha256: str) -> None:
    if content:
        edicto.document.save("edicto.pdf", ContentFile(content), save=False)
        edicto.document_sha256 = sha256


def create_edicto(edicto: Edicto, *, content: bytes | None, sha256: str,
                  acting_user) -> Edicto:
    """Put an edicto on the tablón for its period (at once if the period has begun)."""
    with transaction.atomic():
        _attach(edicto, content, sha256)
        edicto.save()
        audit.record("sede.edicto.create", user=acting_user, entity=current_entity(),
                     obj=edicto, detail={"desde": edicto.publish_from.isoformat(),
                                         "hasta": edicto.publish_until.isoformat(),
                                         "documento_sha256": edicto.document_sha256})
    return edicto


def update_edicto(edicto: Edicto, *, content: bytes | None, sha256: str,
                  acting_user) -> Edicto:
    """Change an edicto that is not yet public. Once its exposure begins it is what the
    diligencia certifies: it can only be withdrawn."""
    with transaction.atomic():
        locked = Edicto.objects.select_for_update().get(pk=edicto.pk)
        if not locked.is_scheduled():
            raise GestionError(_("El edicto ya se ha publicado y no se puede modificar; "
                                 "puede retirarlo indicando el motivo."))
        before = _snapshot(locked, EDICTO_FIELDS)
        _attach(edicto, content, sha256)
        edicto.save()
        audit.record("sede.edicto.update", user=acting_user, entity=current_entity(),
                     obj=edicto, detail=_changes(before, _snapshot(edicto, EDICTO_FIELDS)))
    return edicto


def delete_edicto(edicto: Edicto, *, acting_user) -> None:
    """Remove an edicto that never became public."""
    with transaction.atomic():
        locked = Edicto.objects.select_for_update().get(pk=edicto.pk)
        if not locked.is_scheduled():
            raise GestionError(_("El edicto ya se ha publicado y no se puede borrar; "
                                 "puede retirarlo indicando el motivo."))
        audit.record("sede.edicto.delete", user=acting_user, entity=current_entity(),
                     obj=locked, detail={"title": locked.title})
        name = locked.document.name
        locked.delete()
        if name:
            storage = locked.document.storage
            transaction.on_commit(lambda: storage.delete(name))


def retirar_edicto(edicto: Edicto, *, reason: str, acting_user,
                   at: datetime.datetime | None = None) -> Edicto:
    """Withdraw a current edicto before its planned end: it leaves the tablón at once and
    its period of exposure (what the diligencia certifies) ends now."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Edicto.objects.select_for_update().get(pk=edicto.pk)
        if not locked.is_published(at):
            raise GestionError(_("Solo se puede retirar un edicto que está expuesto en el "
                                 "tablón."))
        locked.planned_until = locked.publish_until
        # The period constraint wants an end after the start, even for a withdrawal in
        # the very microsecond the exposure began.
        locked.publish_until = max(at, locked.publish_from + datetime.timedelta(microseconds=1))
        locked.withdrawn_at = at
        locked.withdrawal_reason = reason
        locked.save(update_fields=["planned_until", "publish_until", "withdrawn_at",
                                   "withdrawal_reason"])
        audit.record("sede.edicto.withdraw", user=acting_user, entity=current_entity(),
                     obj=locked, detail={"motivo": reason,
                                         "fin_previsto": locked.planned_until.isoformat(),
                                         "retirado": at.isoformat()})
    return locked
