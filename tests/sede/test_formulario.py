"""The sede's submission form: the represented person's fields, file inputs without
select-list help, and one rule for attachments applied when the citizen fills the form
(so confirming never refuses what the first step accepted)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django import forms
from django.template.loader import render_to_string
from django_tenants.utils import schema_context

from sede.models import Presentacion, PresentacionAnexo
from tests.conftest import HOST_A, ROOT
from tests.sede.conftest import citizen, pdf_bytes
from tests.sede.test_presentacion import _errors, asientos, fill, form, upload

pytestmark = pytest.mark.django_db

CTRL_HELP = "mantenga pulsada la tecla Ctrl"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


# --- the represented person ---------------------------------------------------------------


def test_the_represented_persons_fields_are_marked_to_show_with_the_box(province):
    body = citizen().get("/sede/instancia-general/").content.decode()
    tagged = re.findall(r'<input [^>]*data-shown-with="representa"[^>]*>', body)
    assert sorted(re.search(r'name="(\w+)"', tag).group(1) for tag in tagged) == [
        "representado_apellido1", "representado_apellido2", "representado_documento",
        "representado_nombre"]
    assert "/static/sede/sede.js" in body
    assert "data-shown-with" in (ROOT / "sede" / "static" / "sede" / "sede.js").read_text()


def test_unticked_box_ignores_whatever_the_hidden_fields_hold(province):
    client = citizen()
    response = fill(client, form(representado_documento="basura", representado_nombre="X"))
    assert response.status_code == 302, _errors(response)
    assert client.post(response["Location"]).status_code == 302
    [asiento] = asientos(province)
    assert [(i.documento, i.es_representante) for i in asiento.interesados.all()] == [
        ("12345678Z", False)]


# --- no select-list help on file inputs ---------------------------------------------------


def test_file_inputs_carry_no_select_list_help(province, client_for):
    assert CTRL_HELP not in citizen().get("/sede/instancia-general/").content.decode()
    clerk = client_for(province.clerk_a, HOST_A)
    for path in ("/gestion/registro/asientos/nuevo/entrada/", "/gestion/sede/tablon/nuevo/"):
        response = clerk.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert 'type="file"' in body, path
        assert CTRL_HELP not in body, path


def test_a_multiple_select_list_keeps_its_help():
    class Both(forms.Form):
        lista = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
        ficheros = forms.FileField()

    html = render_to_string("includes/form.html", {"form": Both()})
    assert html.count(CTRL_HELP) == 1
    assert html.index(CTRL_HELP) < html.index('type="file"')


# --- attachments: one rule at the first step -----------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fotos.zip", _zip({"a.txt": b"hola"}),
     "«fotos.zip»: formato no admitido. Se admiten PDF, XML, ODT, ODS, DOCX, XLSX, JPEG, PNG"),
    ("fotos", _zip({"a.txt": b"hola"}), "«fotos»: formato no admitido."),
    ("carta.pdf", DOCX, "«carta.pdf» no es un fichero PDF válido: su contenido es DOCX"),
    ("truncado.pdf", b"%PDF-1.4\n1 0 obj", "«truncado.pdf» no es un fichero PDF válido"),
])
def test_an_attachment_the_registro_would_refuse_is_refused_at_the_first_step(
        province, name, content, message):
    response = fill(citizen(), form(anexos=[upload(name, content)]))
    assert response.status_code == 200
    assert message in _errors(response).replace("&#x27;", "'")
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.count() == 0


@pytest.mark.parametrize(("name", "content", "stored", "mime"), [
    ("documento", None, "documento.pdf", "application/pdf"),
    ("informe.v2", None, "informe.v2.pdf", "application/pdf"),
    ("C:\\fakepath\\escrito", None, "escrito.pdf", "application/pdf"),
    ("carta", DOCX, "carta.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("x" * 300, None, "x" * 196 + ".pdf", "application/pdf"),
])
def test_a_name_without_a_usable_extension_gets_its_formats_and_is_registered(
        province, name, content, stored, mime):
    content = content or pdf_bytes("Escrito")
    client = citizen()
    response = fill(client, form(anexos=[upload(name, content)]))
    assert response.status_code == 302, _errors(response)
    with schema_context(province.a.schema_name):
        draft = PresentacionAnexo.objects.get()
        assert (draft.nombre, draft.mime) == (stored, mime)
    done = client.post(response["Location"])
    assert done.status_code == 302
    [asiento] = asientos(province)
    assert [(a.nombre, a.mime) for a in asiento.anexos.all()] == [(stored, mime)]


def test_attachments_over_the_registros_total_are_refused_at_the_first_step(province,
                                                                            settings):
    plano = pdf_bytes("Plano de situación")
    settings.REGISTRO_ASIENTO_MAX_BYTES = len(plano) * 2
    files = [upload(f"plano{i}.pdf", plano) for i in range(3)]
    response = fill(citizen(), form(anexos=files))
    assert response.status_code == 200
    assert "Los anexos suman 0,0 MB; el máximo por asiento es 0,0 MB." in _errors(response)
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.count() == 0


def test_a_draft_the_registro_refuses_answers_400_and_is_kept(province):
    """A draft kept from before the rule (a ZIP): confirming says why, with a 4xx, and
    the citizen can go back and correct it."""
    client = citizen()
    response = fill(client, form(anexos=[upload("a.pdf", pdf_bytes())]))
    with schema_context(province.a.schema_name):
        PresentacionAnexo.objects.update(nombre="fotos.zip", contenido=_zip({"a": b"b"}))
    confirm = client.post(response["Location"])
    assert confirm.status_code == 400
    assert "«fotos.zip»: formato no admitido" in confirm.content.decode().replace("&#x27;", "'")
    assert asientos(province) == []
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.get().asiento_id is None
