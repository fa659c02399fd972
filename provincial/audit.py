"""The audit trail: one function to record, one middleware to know the source IP."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

from django.db import models

from provincial.models import AuditEvent

_source_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("source_ip", default=None)


def subject_ref(document: str) -> str:
    """The keyed hash under which events about the holder of `document` are filed."""
    import hashlib
    import hmac

    from django.conf import settings

    normalized = "".join(ch for ch in document.upper() if ch.isalnum())
    key = hashlib.sha256(f"audit-subject:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def _event(action: str, *, user=None, entity=None, obj: models.Model | None = None,
           detail: dict[str, Any] | None = None, subject: str = "") -> AuditEvent:
    account = getattr(user, "service_account", None)
    if account is not None:
        detail = {**(detail or {}), "service_account": account.pk}
    return AuditEvent(
        subject_ref=subject_ref(subject) if subject else "",
        action=action,
        user=user if user is not None and user.is_authenticated and account is None else None,
        username=getattr(user, "username", "") or "",
        entity=entity,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail or {},
        source_ip=_source_ip.get(),
    )


def record(action: str, *, user=None, entity=None, obj: models.Model | None = None,
           detail: dict[str, Any] | None = None, subject: str = "") -> AuditEvent:
    """Append an audit event. `action` is dotted: app.object.verb (tenants.membership.grant).

    `subject` is the document number of the person whose personal data this is about.
    `user` may be a service account acting through the API (anything with a
    `service_account`): the event then names the account, and its id is in the detail.
    """
    event = _event(action, user=user, entity=entity, obj=obj, detail=detail, subject=subject)
    event.save(force_insert=True)
    return event


def record_each(action: str, items: Iterable[tuple[models.Model, str]], *, user=None,
                entity=None, detail: dict[str, Any] | None = None) -> int:
    """One event per (object, subject document) in one INSERT: a read that shows several
    people's data (a search result) is filed under each of them. Returns the count."""
    events = [_event(action, user=user, entity=entity, obj=obj, detail=detail, subject=subject)
              for obj, subject in items]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def _request_entity(request):
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and not tenant.is_diputacion else None


def on_login(sender, request, user, **kwargs) -> None:
    record("auth.login", user=user, entity=_request_entity(request), obj=user)


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("auth.logout", user=user, entity=_request_entity(request), obj=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record("auth.login_failed", entity=_request_entity(request) if request else None,
           detail={"username": str(credentials.get("username", ""))[:150]})


def client_ip(request) -> str | None:
    """The client's address; behind our reverse proxy, the one it appended last."""
    from django.conf import settings

    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    """Remembers the client's IP for the audit records written during the request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _source_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _source_ip.reset(token)
