"""The RFC 3161 timestamp client.

`default_timestamper()` is the TSA configured in `SIGNING_TSA_URL` (with HTTP basic
credentials `SIGNING_TSA_USERNAME`/`SIGNING_TSA_PASSWORD` when given), or None: without
one, signatures carry only the signing time the signer claims (PAdES B-B).

The client checks what pyHanko's does (status granted, the nonce) and also that the token
answers this request: the same message imprint (hash algorithm and digest).
"""

from __future__ import annotations

import asyncio
import hashlib
from functools import lru_cache

from asn1crypto import cms, core, tsp
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from provincial.signing.base import SigningError

_FAILURES = {
    "bad_alg": "algoritmo no admitido",
    "bad_request": "petición no admitida",
    "bad_data_format": "formato de datos incorrecto",
    "time_not_available": "hora no disponible",
    "unaccepted_policy": "política no aceptada",
    "unaccepted_extension": "extensión no aceptada",
    "add_info_not_available": "información adicional no disponible",
    "system_failure": "fallo del sistema",
}


class TimeStampAnswer(core.Sequence):
    """TimeStampResp as RFC 3161 defines it: the token is absent from a rejection
    (asn1crypto's TimeStampResp requires it, and cannot read a real refusal)."""

    _fields = [  # noqa: RUF012 - asn1crypto's declaration style
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class TimestampError(SigningError):
    """No timestamp could be obtained, or the one obtained does not answer the request.
    The message is in Spanish."""


class CheckedTimeStamper(RequestsHTTPTimeStamper):
    """pyHanko's HTTP client (requests), refusing an answer to another request and
    giving Spanish errors."""

    def __init__(self, url: str, *, auth: tuple[str, str] | None = None,
                 timeout: float = 10):
        super().__init__(url, timeout=timeout, auth=auth)

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            return await super().async_request_tsa_response(req)
        except TimestampRequestError as exc:
            response = exc.args[1] if len(exc.args) > 1 else None
            if response is not None:
                raise TimestampError(
                    _("La autoridad de sellado de tiempo (%(url)s) respondió HTTP %(status)s "
                      "sin un sello de tiempo.") % {"url": self.url,
                                                     "status": response.status_code}) from exc
            raise TimestampError(_("No se pudo contactar con la autoridad de sellado de tiempo "
                                   "(%(url)s).") % {"url": self.url}) from exc
        except ValueError as exc:
            raise TimestampError(_("La respuesta de la autoridad de sellado de tiempo "
                                   "(%(url)s) no es una respuesta RFC 3161 válida.")
                                 % {"url": self.url}) from exc

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        nonce, request = self.request_cms(message_digest, md_algorithm)
        response = await self.async_request_tsa_response(request)
        return check_response(response, request, nonce, url=self.url)


def check_response(response: tsp.TimeStampResp | TimeStampAnswer, request: tsp.TimeStampReq, nonce: int | None,
                   *, url: str) -> cms.ContentInfo:
    """The token of a granted answer to `request`, or TimestampError."""
    try:
        response = TimeStampAnswer.load(response.dump())
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            failures = response["status"]["fail_info"].native or set()
            texts = "; ".join(_FAILURES.get(failure, failure) for failure in sorted(failures))
            detail = "; ".join(response["status"]["status_string"].native or [])
            raise TimestampError(
                _("La autoridad de sellado de tiempo (%(url)s) rechazó la petición: "
                  "%(reason)s.") % {"url": url, "reason": texts or detail or status})
        token = response["time_stamp_token"]
        info = token["content"]["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        asked = request["message_imprint"]
        received_nonce = info["nonce"].native
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise TimestampError(_("La respuesta de la autoridad de sellado de tiempo (%(url)s) "
                               "no es una respuesta RFC 3161 válida.") % {"url": url}) from exc
    if (imprint["hash_algorithm"]["algorithm"].native != asked["hash_algorithm"]["algorithm"].native
            or imprint["hashed_message"].native != asked["hashed_message"].native):
        raise TimestampError(_("El sello de tiempo recibido de %(url)s no corresponde a los datos "
                               "enviados (huella distinta).") % {"url": url})
    if nonce is not None and received_nonce != nonce:
        raise TimestampError(_("El sello de tiempo recibido de %(url)s no corresponde a esta "
                               "petición (nonce distinto).") % {"url": url})
    return token


def default_timestamper() -> TimeStamper | None:
    """The configured TSA (`SIGNING_TSA_URL`), or None when there is none."""
    url = settings.SIGNING_TSA_URL
    if not url:
        return None
    return _timestamper(url, settings.SIGNING_TSA_USERNAME, settings.SIGNING_TSA_PASSWORD)


@lru_cache(maxsize=4)
def _timestamper(url: str, username: str, password: str) -> CheckedTimeStamper:
    # One client per configuration: pyHanko keeps in it the sample token it asks for once
    # to size the signature, so each later signature costs one request to the TSA.
    return CheckedTimeStamper(url, auth=(username, password) if username else None)


def timestamp_token(data: bytes, *, timestamper: TimeStamper | None = None) -> bytes:
    """An RFC 3161 TimeStampToken (DER ContentInfo) over the SHA-256 of `data`, from
    `timestamper` (default: the configured TSA)."""
    timestamper = timestamper or default_timestamper()
    if timestamper is None:
        raise TimestampError(_("No hay autoridad de sellado de tiempo configurada "
                               "(SIGNING_TSA_URL)."))
    digest = hashlib.sha256(data).digest()
    try:
        token = asyncio.run(timestamper.async_timestamp(digest, "sha256"))
    except TimestampError:
        raise
    except (TimestampRequestError, OSError) as exc:
        raise TimestampError(_("No se pudo obtener el sello de tiempo: %(error)s")
                             % {"error": exc}) from exc
    return token.dump()
