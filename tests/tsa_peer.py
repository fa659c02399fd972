"""A local RFC 3161 timestamp authority served over HTTP (http.server, in a thread).

Built on pyHanko's DummyTimeStamper (which signs whatever it is given) with the TSA
certificate of tests/pki.py, plus what a real TSA does around it:

- only POST with Content-Type application/timestamp-query (else HTTP 415), answered with
  application/timestamp-reply; optional HTTP basic authentication (401);
- a body that is not a DER TimeStampReq → status rejection, failInfo badDataFormat;
- a hash algorithm it does not accept, or a digest of the wrong length → badAlg;
- a requested policy other than its own → unacceptedPolicy;
- increasing serial numbers, and a log of every request and how it was answered.

`faults` makes it misbehave on purpose, to prove the client checks the answer:
"nonce" (answers another nonce), "imprint" (timestamps other data), "garbage" (a body
that is not a TimeStampResp), "refuse" (a rejection, timeNotAvailable, to any request).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import algos, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from provincial.signing.timestamps import TimeStampAnswer
from tests.pki import pki

POLICY_OID = "1.3.6.1.4.1.55555.3161.1"
ACCEPTED_HASHES = {"sha256": 32, "sha384": 48, "sha512": 64}


class _CountingTimeStamper(DummyTimeStamper):
    """DummyTimeStamper with our policy and serial numbers that only go up."""

    def __init__(self, *args, serials, **kwargs):
        super().__init__(*args, **kwargs)
        self._serials = serials

    def _build_tst_info(self, message_imprint, dt, req):
        info = super()._build_tst_info(message_imprint, dt, req)
        info["serial_number"] = next(self._serials)
        info["policy"] = tsp.ObjectIdentifier(POLICY_OID)
        return info


@dataclass
class LoggedRequest:
    content_type: str
    hash_algorithm: str = ""
    nonce: int | None = None
    status: str = ""
    serial: int | None = None


@dataclass
class TSAPeer:
    url: str = ""
    faults: set[str] = field(default_factory=set)
    username: str = ""
    password: str = ""
    log: list[LoggedRequest] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    def start(self) -> TSAPeer:
        issued = pki().certs["tsa"]
        tsa_cert = asn1_x509.Certificate.load(
            issued.certificate.public_bytes(serialization.Encoding.DER))
        tsa_key = keys.PrivateKeyInfo.load(issued.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        chain = [asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
                 for cert in issued.chain]
        stamper = _CountingTimeStamper(tsa_cert, tsa_key, certs_to_embed=chain,
                                       serials=itertools.count(1000))
        peer = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str = "text/plain"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._send(405, b"POST an application/timestamp-query\n")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                entry = LoggedRequest(content_type=self.headers.get("Content-Type", ""))
                with lock:
                    peer.log.append(entry)
                if peer.username:
                    expected = "Basic " + base64.b64encode(
                        f"{peer.username}:{peer.password}".encode()).decode()
                    if self.headers.get("Authorization") != expected:
                        entry.status = "http-401"
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", 'Basic realm="tsa"')
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                if entry.content_type.split(";")[0].strip() != "application/timestamp-query":
                    entry.status = "http-415"
                    self._send(415, b"Content-Type must be application/timestamp-query\n")
                    return
                if "garbage" in peer.faults:
                    entry.status = "garbage"
                    self._send(200, b"this is not DER", "application/timestamp-reply")
                    return
                with lock:
                    response = peer._answer(stamper, body, entry)
                self._send(200, response.dump(), "application/timestamp-reply")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _answer(self, stamper: DummyTimeStamper, body: bytes, entry: LoggedRequest
                ) -> tsp.TimeStampResp | TimeStampAnswer:
        try:
            request = tsp.TimeStampReq.load(body, strict=True)
            request.native  # noqa: B018 - parse it all now: asn1crypto parses lazily
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
        except (ValueError, TypeError, KeyError) as exc:
            entry.status = "rejection:bad_data_format"
            return _rejection("bad_data_format", f"not a DER TimeStampReq: {exc}")
        entry.hash_algorithm = algorithm
        entry.nonce = request["nonce"].native
        if ACCEPTED_HASHES.get(algorithm) != len(digest):
            entry.status = "rejection:bad_alg"
            return _rejection("bad_alg", f"hash algorithm {algorithm} not accepted")
        policy = request["req_policy"].native
        if policy is not None and policy != POLICY_OID:
            entry.status = "rejection:unaccepted_policy"
            return _rejection("unaccepted_policy", f"policy {policy} not offered")
        if "refuse" in self.faults:
            entry.status = "rejection:time_not_available"
            return _rejection("time_not_available", "clock not synchronised")
        if "imprint" in self.faults:
            request = tsp.TimeStampReq({
                "version": 1,
                "message_imprint": tsp.MessageImprint({
                    "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
                    "hashed_message": hashlib.new(algorithm, b"otros datos").digest()}),
                "nonce": request["nonce"], "cert_req": True})
        if "nonce" in self.faults:
            request = tsp.TimeStampReq({
                "version": 1, "message_imprint": request["message_imprint"],
                "nonce": core.Integer((entry.nonce or 0) + 1), "cert_req": True})
        response = stamper.request_tsa_response(request)
        entry.status = "granted"
        entry.serial = response["time_stamp_token"]["content"]["encap_content_info"][
            "content"].parsed["serial_number"].native
        return response


def _rejection(failure: str, text: str) -> TimeStampAnswer:
    status = tsp.PKIStatusInfo({
        "status": tsp.PKIStatus("rejection"),
        "status_string": tsp.PKIFreeText([text]),
        "fail_info": tsp.PKIFailureInfo({failure}),
    })
    # RFC 3161 leaves the token out of a rejection (asn1crypto's TimeStampResp wants it).
    return TimeStampAnswer({"status": status})
