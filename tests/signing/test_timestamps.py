"""The RFC 3161 client against the local TSA peer: tokens, refusals, answers that do not
match the request."""

from __future__ import annotations

import hashlib

import pytest
import requests
from asn1crypto import algos, cms, tsp

from provincial.signing import timestamps
from provincial.signing.timestamps import TimeStampAnswer, TimestampError
from tests.tsa_peer import POLICY_OID


def _tst_info(token: bytes) -> tsp.TSTInfo:
    content = cms.ContentInfo.load(token)
    assert content["content_type"].native == "signed_data"
    return content["content"]["encap_content_info"]["content"].parsed


def _request(digest: bytes, algorithm: str = "sha256", policy: str | None = None) -> bytes:
    fields = {"version": 1, "cert_req": True, "message_imprint": tsp.MessageImprint({
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
        "hashed_message": digest})}
    if policy:
        fields["req_policy"] = policy
    return tsp.TimeStampReq(fields).dump()


def _post(tsa, body: bytes, content_type: str = "application/timestamp-query"):
    return requests.post(tsa.url, data=body, headers={"Content-Type": content_type}, timeout=5)


def test_tokens_cover_the_sha256_of_the_data_with_increasing_serials(tsa):
    first = _tst_info(timestamps.timestamp_token(b"documento uno"))
    second = _tst_info(timestamps.timestamp_token(b"documento dos"))

    assert first["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert first["message_imprint"]["hashed_message"].native == hashlib.sha256(
        b"documento uno").digest()
    assert first["policy"].native == POLICY_OID
    assert second["serial_number"].native > first["serial_number"].native
    assert [entry.nonce for entry in tsa.log] == [first["nonce"].native, second["nonce"].native]
    assert [entry.status for entry in tsa.log] == ["granted", "granted"]


def test_without_a_configured_tsa_there_is_no_token(settings):
    settings.SIGNING_TSA_URL = ""
    assert timestamps.default_timestamper() is None
    with pytest.raises(TimestampError, match=r"No hay autoridad de sellado de tiempo "
                                             r"configurada \(SIGNING_TSA_URL\)\."):
        timestamps.timestamp_token(b"x")


def test_an_answer_for_other_data_is_refused(tsa):
    tsa.faults.add("imprint")
    with pytest.raises(TimestampError, match=r"no corresponde a los datos enviados \(huella "
                                             r"distinta\)"):
        timestamps.timestamp_token(b"documento")
    assert tsa.log[-1].status == "granted"


def test_an_answer_to_another_request_is_refused(tsa):
    tsa.faults.add("nonce")
    with pytest.raises(TimestampError, match=r"no corresponde a esta petición \(nonce "
                                             r"distinto\)"):
        timestamps.timestamp_token(b"documento")


def test_an_answer_that_is_not_rfc_3161_is_refused(tsa):
    tsa.faults.add("garbage")
    with pytest.raises(TimestampError, match="no es una respuesta RFC 3161 válida"):
        timestamps.timestamp_token(b"documento")


def test_unreachable_tsa(settings):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(TimestampError, match=r"No se pudo contactar con la autoridad de "
                                             r"sellado de tiempo \(http://127.0.0.1:9/tsa\)"):
        timestamps.timestamp_token(b"documento")


def test_credentials_are_sent_and_a_refusal_is_explained(tsa, settings):
    tsa.username, tsa.password = "diputacion", "secreto"
    with pytest.raises(TimestampError, match="respondió HTTP 401 sin un sello de tiempo"):
        timestamps.timestamp_token(b"documento")
    settings.SIGNING_TSA_USERNAME, settings.SIGNING_TSA_PASSWORD = "diputacion", "secreto"
    assert _tst_info(timestamps.timestamp_token(b"documento"))["serial_number"].native
    assert [entry.status for entry in tsa.log] == ["http-401", "granted"]


def test_the_peer_refuses_what_a_real_tsa_refuses(tsa):
    digest = hashlib.sha256(b"x").digest()
    wrong_type = _post(tsa, _request(digest), content_type="application/octet-stream")
    assert wrong_type.status_code == 415

    answers = {
        "bad_data_format": _post(tsa, b"esto no es DER"),
        "bad_alg": _post(tsa, _request(hashlib.md5(b"x").digest(), "md5")),  # noqa: S324
        "unaccepted_policy": _post(tsa, _request(digest, policy="1.2.3.4")),
    }
    for failure, answer in answers.items():
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "application/timestamp-reply"
        status = TimeStampAnswer.load(answer.content)["status"]
        assert status["status"].native == "rejection"
        assert status["fail_info"].native == {failure}
    assert [entry.status for entry in tsa.log] == [
        "http-415", "rejection:bad_data_format", "rejection:bad_alg",
        "rejection:unaccepted_policy"]


def test_a_refusal_reaches_the_user_in_spanish(tsa):
    request = tsp.TimeStampReq.load(_request(hashlib.sha256(b"x").digest(), policy="1.2.3.4"))
    response = TimeStampAnswer.load(_post(tsa, request.dump()).content)
    with pytest.raises(TimestampError) as refused:
        timestamps.check_response(response, request, None, url=tsa.url)
    assert str(refused.value) == (f"La autoridad de sellado de tiempo ({tsa.url}) rechazó la "
                                  "petición: política no aceptada.")


def test_a_tsa_refusal_stops_the_token_and_the_signature(tsa, document_pdf):
    from provincial.signing import pades
    from tests.pki import identity

    pades.sign_pdf(document_pdf, identity())  # the client has its sizing sample now
    tsa.faults.add("refuse")
    expected = (f"La autoridad de sellado de tiempo ({tsa.url}) rechazó la petición: hora no "
                "disponible.")
    with pytest.raises(TimestampError) as refused:
        timestamps.timestamp_token(b"documento")
    assert str(refused.value) == expected
    uses = []
    with pytest.raises(TimestampError) as refused:
        pades.sign_pdf(document_pdf, identity("sello", on_use=uses.append))
    assert str(refused.value) == expected
    assert uses == []
