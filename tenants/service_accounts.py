"""Service accounts: programs of an entity that call its REST API with a token.

Actions (create, revoke), the token lookup the API's authentication uses, and
`ServicePrincipal`, what `request.user` is during a call made with such a token.

A token is `sp_` followed by 43 URL-safe characters (256 random bits). Only its SHA-256
is stored, with its first characters to recognise it: it is shown once, when the account
is created, and cannot be read back.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from provincial import audit
from tenants.models import Entity, ServiceAccount, User

TOKEN_PREFIX = "sp_"
PREFIX_LENGTH = 10  # "sp_" and 7 characters, kept to recognise a token
# `last_used_at` is written at most this often per account (not on every call).
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
MAX_NAME = 100
DUPLICATE_NAME = _lazy("Ya hay una cuenta de servicio activa con ese nombre.")


@dataclass(frozen=True)
class NewServiceAccount:
    """An account just created, with the token in clear: shown once, never stored."""

    account: ServiceAccount
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def validate(entity: Entity, name: str, applications: Iterable[str]) -> tuple[str, list[str]]:
    """The account's name (spaces collapsed) and applications, or ValidationError: a name,
    and at least one application, each unlocked by an approved adhesion of the entity."""
    from tenants import actions

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Indique el nombre del programa que usará la cuenta.")})
    if len(name) > MAX_NAME or "\x00" in name:
        raise ValidationError({"name": _("El nombre admite hasta %(max)s caracteres.")
                                       % {"max": MAX_NAME}})
    if ServiceAccount.objects.for_entity(entity).active().filter(name=name).exists():
        raise ValidationError({"name": DUPLICATE_NAME})
    granted = actions._check_applications(entity, applications)
    if not granted:
        raise ValidationError({"applications": _(
            "Conceda al menos una aplicación: la cuenta solo podrá usar las que se le concedan.")})
    return name, granted


def create_service_account(entity: Entity, *, name: str, applications: Iterable[str],
                           acting_user: User) -> NewServiceAccount:
    """A new account of `entity` for the applications named (a subset of those the entity
    adheres to), and its token, returned in clear this once. Only the entity's user
    administrator or a provincial admin may create one."""
    from tenants import actions

    actions._require_user_admin(acting_user, entity)
    name, granted = validate(entity, name, applications)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            account = ServiceAccount.objects.create(
                entity=entity, name=name, applications=granted, token_hash=hash_token(token),
                token_prefix=token[:PREFIX_LENGTH], created_by=acting_user)
            audit.record("tenants.service_account.create", user=acting_user, entity=entity,
                         obj=account, detail={"applications": granted})
    except IntegrityError as exc:
        # Two creations with the same name at once: the partial unique index decides.
        raise ValidationError({"name": DUPLICATE_NAME}) from exc
    return NewServiceAccount(account=account, token=token)


def revoke_service_account(account: ServiceAccount, *, acting_user: User) -> ServiceAccount:
    """Revoke the account: its token stops working at once. The row stays (audit trail)."""
    from tenants import actions

    actions._require_user_admin(acting_user, account.entity)
    with transaction.atomic():
        locked = ServiceAccount.objects.select_for_update().get(pk=account.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("La cuenta «%(name)s» ya estaba revocada.")
                                  % {"name": locked.name})
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record("tenants.service_account.revoke", user=acting_user, entity=locked.entity,
                     obj=locked)
    account.revoked_at, account.revoked_by = locked.revoked_at, locked.revoked_by
    return account


def account_for_token(token: str) -> ServiceAccount | None:
    """The account (active or revoked) whose token this is, with its entity; None if none."""
    if not looks_like_token(token) or len(token) > 200:
        return None
    return ServiceAccount.objects.select_related("entity").filter(
        token_hash=hash_token(token)).first()


def mark_used(account: ServiceAccount) -> None:
    """Remember when the account was last used, writing at most once a minute."""
    now = timezone.now()
    if account.last_used_at is not None and now - account.last_used_at < LAST_USED_RESOLUTION:
        return
    ServiceAccount.objects.filter(pk=account.pk).update(last_used_at=now)
    account.last_used_at = now


class ServicePrincipal:
    """`request.user` during a call made with a service account's token.

    Not a person: no membership, no permissions, no second factor. `service_account` is
    what the API's permission and audit read; `username` is how the audit trail and the
    registro name whoever acted.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_provincial_admin = False
    is_support_agent = False
    pk = None
    id = None

    def __init__(self, account: ServiceAccount) -> None:
        self.service_account = account
        self.username = account.display_name

    def __str__(self) -> str:
        return self.username

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.username

    def has_perm(self, perm: str, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def is_verified(self) -> bool:
        return False


def service_account_of(user) -> ServiceAccount | None:
    """The service account acting as `user` (a request's user), or None for a person."""
    return getattr(user, "service_account", None)

