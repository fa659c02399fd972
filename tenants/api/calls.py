"""Every call a service account makes to the REST API is audited with the account: the
method, the path (never the query string, which may carry a document number) and the
status answered, also when its token was refused for being revoked or of another entity
(filed under the account's own entity, so that its administrator sees it).

`tenants.api.urls` wraps every API view with `audited`.
"""

from __future__ import annotations

import functools

from provincial import audit
from tenants.service_accounts import ServicePrincipal, service_account_of

CALL = "tenants.service_account.call"


def record_call(request, status: int) -> None:
    principal = getattr(request, "user", None)
    account = service_account_of(principal)
    detail = {"method": request.method, "path": request.path[:500], "status": status}
    if account is None:
        refused = getattr(request, "refused_service_account", None)
        if refused is None:
            return  # a person, or no credentials at all
        account, reason = refused
        principal = ServicePrincipal(account)
        detail["refused"] = reason
        detail["host"] = request.get_host()[:200]
    audit.record(CALL, user=principal, entity=account.entity, obj=account, detail=detail)


def audited(view):
    """`view` (a DRF view function), auditing the calls of service accounts."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            record_call(request, 500)
            raise
        record_call(request, response.status_code)
        return response

    return wrapper
