"""Benchmark of PAdES signing beside unsigned rendering, in one run.

    .venv/bin/python bench/signing.py [--count N]

Prints figures and ratios; asserts nothing. No database: a one-page document is rendered
with the platform's PDF base template (provincial/documents, WeasyPrint) and signed with
a sello of the test PKI (tests/pki.py, RSA 2048, built at start). Each row is N documents
(default 30) in this process; rows 1-3 interleaved (one document of each in turn):

1. rendering only (the ceiling);
2. rendering + PAdES B-B (pades.sign_pdf without timestamp);
3. rendering + PAdES B-T/B-LT: timestamp from a local RFC 3161 TSA over HTTP
   (tests/tsa_peer.py, in a thread of this process) and the validation data in the DSS;
4. signing only, B-B and B-LT, on an already rendered PDF;
5. validation (validation.validate_pdf) of a B-B and of a B-LT signed PDF.
Ratios are to row 1. The TSA runs on the same cores: with a remote TSA, B-T adds the
round trip instead.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provincial.settings")
# Nothing here connects to a database; the settings want a URL all the same.
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/provincial_bench_signing")

BODY = """
<p>D./Dña. MARÍA PÉREZ GARCÍA, con DNI 12345678Z, figura inscrito/a en el Padrón Municipal
de Habitantes de este municipio, en el domicilio CALLE MAYOR, 12, 1.º A, desde el
15/03/2011, según los datos que constan en el padrón a la fecha de expedición.</p>
<table class="datos ficha">
<tr><th>Nombre y apellidos</th><td>MARÍA PÉREZ GARCÍA</td></tr>
<tr><th>Documento</th><td>12345678Z</td></tr>
<tr><th>Fecha de nacimiento</th><td>02/07/1984</td></tr>
<tr><th>Domicilio</th><td>CALLE MAYOR, 12, 1.º A · 03698 Agost</td></tr>
</table>
<p class="nota">Este volante tiene validez informativa y no acredita otros hechos que los que
constan en el padrón municipal.</p>
"""


def say(message: str) -> None:
    print(message, flush=True)


def rate(label: str, count: int, seconds: float, ceiling: float | None) -> float:
    per_second = count / seconds
    ratio = f" ({per_second / ceiling:.0%} of rendering)" if ceiling else ""
    say(f"  {label:<44} {per_second:7.2f} PDF/s  {1000 * seconds / count:7.1f} ms each{ratio}")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="documents per row (default 30)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.template import Context, Template
    from weasyprint import HTML

    from provincial.documents.services import qr_data_uri
    from provincial.signing import pades, validation
    from provincial.signing.timestamps import CheckedTimeStamper
    from tests.pki import identity, pki, trusting_test_ca
    from tests.tsa_peer import TSAPeer

    say(f"Signing benchmark: {args.count} one-page documents per row "
        f"(CPU cores: {os.cpu_count()})")
    started = time.perf_counter()
    pki()
    say(f"  test PKI built in {time.perf_counter() - started:.1f} s")
    url = "https://agost.example.es/sede/verificar/?csv=ABCD-EFGH-JKLM-NPQR"
    context = Context({
        "entity": types.SimpleNamespace(name="Ayuntamiento de Agost", cif="P0300500C",
                                        address="Plaza de España, 1", postal_code="03698",
                                        province="Alicante"),
        "stamp": types.SimpleNamespace(csv="ABCD-EFGH-JKLM-NPQR", verification_url=url,
                                       verification_base_url=url.split("?")[0],
                                       qr=qr_data_uri(url), sealed=True,
                                       issued_at=datetime.datetime.now(datetime.UTC)),
        "title": "Volante de empadronamiento",
    })
    template = Template('{% extends "documentos/pdf/base.html" %}{% block body %}' + BODY
                        + "{% endblock %}")

    def render() -> bytes:
        return HTML(string=template.render(context)).write_pdf()

    render()  # warm up fonts and caches
    sello = identity()
    peer = TSAPeer().start()
    timestamper = CheckedTimeStamper(peer.url)
    settings.SIGNING_TSA_URL = ""
    try:
        with trusting_test_ca():
            pades.sign_pdf(render(), sello, csv="X", timestamper=timestamper)  # warm up
            say("")
            say("Rendering and signing (rows 1-3 interleaved):")
            samples = {}

            def run(label, work, ceiling=None):
                begin = time.perf_counter()
                for _ in range(args.count):
                    result = work()
                elapsed = time.perf_counter() - begin
                samples[label] = rate(label, args.count, elapsed, ceiling)
                return result

            # Rows 1-3 interleaved, one document of each in turn, so that a change of load
            # on the machine weighs on the three alike.
            kinds = {
                "1. rendering (unsigned)": render,
                "2. rendering + PAdES B-B": lambda: pades.sign_pdf(
                    render(), sello, csv="ABCD-EFGH-JKLM-NPQR", timestamper=None),
                "3. rendering + PAdES B-LT (local TSA)": lambda: pades.sign_pdf(
                    render(), sello, csv="ABCD-EFGH-JKLM-NPQR", timestamper=timestamper),
            }
            spent = dict.fromkeys(kinds, 0.0)
            for _ in range(args.count):
                for label, work in kinds.items():
                    begin = time.perf_counter()
                    work()
                    spent[label] += time.perf_counter() - begin
            ceiling = None
            for label in kinds:
                samples[label] = rate(label, args.count, spent[label], ceiling)
                ceiling = ceiling or samples[label]
            unsigned = render()
            say("")
            say("Signing only (the same rendered PDF):")
            signed_bb = run("4a. PAdES B-B", lambda: pades.sign_pdf(
                unsigned, sello, csv="ABCD-EFGH-JKLM-NPQR", timestamper=None), ceiling)
            signed_lt = run("4b. PAdES B-LT (local TSA)", lambda: pades.sign_pdf(
                unsigned, sello, csv="ABCD-EFGH-JKLM-NPQR", timestamper=timestamper), ceiling)
            say("")
            say("Validation:")
            run("5a. validate_pdf, B-B", lambda: validation.validate_pdf(signed_bb), ceiling)
            run("5b. validate_pdf, B-LT", lambda: validation.validate_pdf(signed_lt), ceiling)
            say("")
            say(f"Sizes: unsigned {len(unsigned):,} B, B-B {len(signed_bb):,} B, "
                f"B-LT {len(signed_lt):,} B. TSA requests: {len(peer.log)}, "
                f"{sum(entry.status == 'granted' for entry in peer.log)} granted.")
            ratio_bb = samples["2. rendering + PAdES B-B"] / ceiling
            ratio_lt = samples["3. rendering + PAdES B-LT (local TSA)"] / ceiling
            say(f"Summary: signing keeps {ratio_bb:.0%} of the unsigned rate with B-B and "
                f"{ratio_lt:.0%} with a timestamp and LTV data.")
    finally:
        peer.stop()


if __name__ == "__main__":
    main()
