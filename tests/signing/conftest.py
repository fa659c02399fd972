"""Signing fixtures: the test PKI of tests/pki.py trusted for the whole package, a local
timestamp authority, and a one-page document laid out like the platform's."""

from __future__ import annotations

import pytest

from tests.pki import TestPKI, trusting_test_ca
from tests.tsa_peer import TSAPeer

DOCUMENT_HTML = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 34mm 20mm 40mm 20mm;
        @bottom-center { content: element(pie); width: 100%; vertical-align: top; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; }
footer { position: running(pie); border-top: 0.75pt solid #333; padding-top: 2mm;
         font-size: 7.5pt; }
footer .qr { display: inline-block; width: 22mm; height: 22mm; background: #ccc; }
</style></head><body>
<footer><span class="qr"></span> Código seguro de verificación (CSV): ABCD-EFGH-JKLM</footer>
<h1>VOLANTE DE EMPADRONAMIENTO</h1>
<p>Doña María Pérez García figura inscrita en el padrón municipal de habitantes de Agost.</p>
</body></html>"""


@pytest.fixture(scope="package")
def test_pki() -> TestPKI:
    # Alone: the apps' trust providers (certificados reads the database) are set aside
    # for this package only.
    with trusting_test_ca() as built:
        yield built


@pytest.fixture(autouse=True)
def _trusted(test_pki):
    """Every test here trusts the test CA."""
    return test_pki


@pytest.fixture(scope="session")
def document_pdf() -> bytes:
    """A one-page A4 document with the platform's margins and footer (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=DOCUMENT_HTML).write_pdf()


@pytest.fixture(scope="package")
def _tsa_server(test_pki):
    peer = TSAPeer().start()
    yield peer
    peer.stop()


@pytest.fixture
def tsa(_tsa_server, settings) -> TSAPeer:
    """The local TSA, configured as the platform's (SIGNING_TSA_URL), with a fresh log
    and no faults."""
    _tsa_server.faults.clear()
    _tsa_server.log.clear()
    _tsa_server.username = _tsa_server.password = ""
    settings.SIGNING_TSA_URL = _tsa_server.url
    settings.SIGNING_TSA_USERNAME = settings.SIGNING_TSA_PASSWORD = ""
    return _tsa_server


@pytest.fixture(autouse=True)
def _no_tsa_by_default(settings):
    settings.SIGNING_TSA_URL = ""
