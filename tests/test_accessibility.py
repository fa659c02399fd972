"""Accessibility basics of the pages people fill in, checked on the HTML the server sends:
the language is declared, there is one main heading and a main landmark, every visible
form control has a label (or an aria-label), every image has a text alternative, and no
element carries an inline style or script (the CSP forbids them, so they would not work)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import HOST_A, HOST_PROVINCIAL
from tests.sede.conftest import citizen

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.h1 = 0
        self.main = 0
        self.labels: set[str] = set()
        self.controls: list[dict] = []
        self.images_without_alt: list[str] = []
        self.inline: list[str] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main" or a.get("role") == "main":
            self.main += 1
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.labels.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag != "input" or a.get("type", "text") not in UNLABELLED_TYPES:
                self.controls.append({**a, "_tag": tag, "_wrapped": self._label_depth > 0})
        elif tag == "img" and a.get("alt") is None:
            self.images_without_alt.append(a.get("src", ""))
        if "style" in a:
            self.inline.append(f"<{tag} style>")
        if tag == "script" and not a.get("src"):
            self.inline.append("<script> without src")
        if any(name.startswith("on") for name in a):
            self.inline.append(f"<{tag}> event handler")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [f"<{c['_tag']} name={c.get('name')!r}>" for c in self.controls
                if not (c["_wrapped"] or c.get("id") in self.labels
                        or c.get("aria-label") or c.get("aria-labelledby"))]


def check(client, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    page = Page()
    page.feed(response.content.decode())
    assert page.lang == "es", path
    assert page.h1 == 1, (path, page.h1)
    assert page.main == 1, (path, page.main)
    assert page.unlabelled() == [], path
    assert page.images_without_alt == [], path
    assert page.inline == [], path
    return page


SEDE = ["/sede/", "/sede/procedimientos/", "/sede/calendario/", "/sede/tablon/",
        "/sede/verificar/", "/sede/identificarse/"]
CITIZEN = ["/sede/instancia-general/", "/sede/carpeta/"]
CLERK = ["/gestion/", "/gestion/padron/habitantes/", "/gestion/padron/habitantes/alta/",
         "/gestion/registro/", "/gestion/registro/asientos/",
         "/gestion/registro/asientos/nuevo/entrada/", "/gestion/soporte/",
         "/gestion/soporte/nueva/"]


@pytest.mark.parametrize("path", SEDE)
def test_public_sede_pages(province, client, path):
    from django.test import Client

    page = check(Client(HTTP_HOST=HOST_A), path)
    if path == "/sede/verificar/":
        assert page.controls  # the CSV form is there, and labelled


@pytest.mark.parametrize("path", CITIZEN)
def test_pages_of_an_identified_citizen(province, path):
    check(citizen(), path)


@pytest.mark.parametrize("path", CLERK)
def test_back_office_forms_and_lists(province, client_for, path):
    check(client_for(province.clerk_a, HOST_A), path)


@pytest.mark.parametrize("path", ["/soporte/", "/soporte/nueva/", "/intercambio-ine/"])
def test_provincial_desk_pages(province, client_for, path):
    user = province.provincial_admin if path == "/intercambio-ine/" else province.support_agent
    check(client_for(user, HOST_PROVINCIAL), path)


def test_the_checker_sees_what_it_looks_for():
    page = Page()
    page.feed('<html lang="ca"><main><h1>a</h1><h1>b</h1><label for="x">X</label>'
              '<input id="x"><input name="sin"><label>Envuelto <select name="s"></select>'
              '</label><input type="hidden" name="h"><img src="a.png">'
              '<p style="color:red" onclick="x()">t</p><script>1</script></main></html>')
    assert (page.lang, page.h1, page.main) == ("ca", 2, 1)
    assert page.unlabelled() == ["<input name='sin'>"]
    assert page.images_without_alt == ["a.png"]
    assert page.inline == ["<p style>", "<p> event handler", "<script> without src"]
