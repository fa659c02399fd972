"""A crawler that uses the running demo the way its users do, over HTTP.

`Browser` keeps cookies per host (each `<entity>.localhost` is its own site, as in a real
browser), sends the Host header of the demo's hosts to the server's loopback port and
follows redirects. `Crawler` walks every link a user's pages offer within that user's
hosts, submits the forms that are safe to submit with plausible values, and feeds every
query parameter and form field it finds malformed values. It records what a user must
never see: a 5xx, and raw identifiers (audit action codes, job kinds, management command
names, untranslated third-party admin names) in the visible text.

Nothing here knows the apps: pages are found by following links, so a new app's pages are
crawled as soon as a demo user can reach them.
"""

from __future__ import annotations

import http.client
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

# Paths a crawl must not open or submit: they end the session, change the user's own
# credentials, hand a session to another host, or delete.
DENY = re.compile(
    r"/salir/|/cerrar-todas/|/cuentas/|/traspaso/|/entrar/$|/cambiar/\d+/|/logout/|"
    r"/password_change/|/password/|/delete/|/eliminar/|/mis-entidades/\d+/"
)
# Malformed values for query parameters and form fields: an impossible date, letters where
# a number goes, a number too large for any column, and a 10 kB string.
MALFORMED = ["2026-02-30", "abc", "9" * 30, "x" * 10_240]

# English names that third-party apps bring and nobody translated.
ENGLISH = re.compile(
    r"\b(TOTP devices?|Static devices?|Access attempts?|Access failures?|Access logs?|"
    r"Periodic tasks?|Interval schedules?|Solar events?|Clocked schedules?|"
    r"Task results?|Group results?|Can (?:add|change|delete|view) [a-z]+)\b")
# A dotted lower-case identifier such as an audit action (`tenants.membership.update`) or
# a job kind (`sede.acuse`), unless it is a host name or a file name.
DOTTED = re.compile(r"(?<![\w@./-])([a-z][a-z_]+(?:\.[a-z][a-z_0-9]+)+)(?![\w@/-])")
NOT_IDENTIFIER_ENDINGS = ("es", "com", "org", "net", "eu", "cat", "gob", "localhost", "pdf",
                          "xml", "csv", "txt", "xlsx", "zip", "html", "rtf", "png", "jpg", "json",
                          "dat", "gz", "p12", "pem", "cer", "xsig", "eml", "mbox")


@dataclass
class Response:
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Cookies per host, the Host header of the demo's hosts, redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, dict[str, str]] = {}
        self.requests = 0

    def request(self, method: str, url: str, data: dict | list | None = None,
                *, follow: bool = True, referer: str | None = None) -> Response:
        for _ in range(10):
            response = self._once(method, url, data, referer)
            location = response.headers.get("location")
            if not (follow and location and response.status in (301, 302, 303, 307, 308)):
                return response
            if response.status in (301, 302, 303):
                method, data = "GET", None
            referer, url = url, urljoin(url, location)
        return response

    def get(self, url: str, **kwargs) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: dict | list, **kwargs) -> Response:
        return self.request("POST", url, data, **kwargs)

    def _once(self, method: str, url: str, data, referer: str | None) -> Response:
        parts = urlsplit(url)
        host = parts.netloc
        jar = self.cookies.setdefault(parts.hostname or "", {})
        headers = {"Host": host, "User-Agent": "crawl-test", "Accept": "text/html,*/*"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if referer:
            headers["Referer"] = referer
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"{parts.scheme}://{host}"
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        for attempt in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                connection.request(method, target, body=body, headers=headers)
                raw = connection.getresponse()
                payload = raw.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                if attempt == 2:
                    raise
                time.sleep(0.5)
            finally:
                connection.close()
        self.requests += 1
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                        jar.pop(key, None)
                    else:
                        jar[key] = morsel.value
        return Response(method, url, raw.status,
                        {k.lower(): v for k, v in raw.getheaders()}, payload)

    def csrf_post(self, page: Response, data: dict) -> Response:
        """Post the page's first form with `data` added to its hidden fields."""
        form = lxml.html.fromstring(page.body).forms[0]
        fields = {k: v for k, v in form.form_values()}
        fields.update(data)
        return self.post(urljoin(page.url, form.action or page.url), fields, referer=page.url)


def visible_text(html: bytes) -> str:
    """What a person reads on the page: text outside scripts, styles, code and inputs."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in tree.xpath("//script|//style|//code|//pre|//textarea|//template|"
                              "//*[@hidden]|//svg|//noscript"):
        element.drop_tree()
    return " ".join(" ".join(tree.itertext()).split())


def raw_identifiers(text: str, command_names: set[str], app_names: set[str] | None = None
                    ) -> list[str]:
    """Internal identifiers in a page's visible text. A dotted name counts when it starts
    with the name of an installed app (`tenants.membership.update`, `sede.acuse`), if
    `app_names` is given."""
    found = [m.group(0) for m in ENGLISH.finditer(text)]
    for match in DOTTED.finditer(text):
        value = match.group(1)
        if value.rsplit(".", 1)[-1] in NOT_IDENTIFIER_ENDINGS:
            continue
        if app_names is not None and value.split(".", 1)[0] not in app_names:
            continue
        found.append(value)
    words = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text))
    found.extend(sorted(words & command_names))
    return found


def shape(url: str) -> str:
    """A URL's pattern: numbers, references and codes replaced, query values dropped."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9a-fA-F-]{32,36}/", "/<uuid>/", parts.path)
    path = re.sub(r"/(?=[^/]*\d)[A-Za-z0-9_.-]+/", "/<id>/", path)
    path = re.sub(r"/(?=[^/]*\d)[A-Za-z0-9_.-]+/", "/<id>/", path)
    names = ",".join(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return f"{parts.hostname}{path}?{names}"


@dataclass
class Finding:
    kind: str
    method: str
    url: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.method} {self.url[:200]} {self.detail[:300]}"


@dataclass
class Crawler:
    """Walks one user's hosts from `start` URLs, within caps; collects findings."""

    browser: Browser
    hosts: set[str]
    command_names: set[str]
    allowed_words: set[str] = field(default_factory=set)  # e.g. user names with a dot
    app_names: set[str] | None = None
    max_pages: int = 150
    # Pages of one URL shape (/x/<id>/) visited per user: three instances of a detail page
    # find what the fifth would, and the suite must stay under 20 minutes on 2 cores.
    per_shape: int = 3
    fuzz: bool = True
    findings: list[Finding] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    shapes: Counter = field(default_factory=Counter)
    forms_done: set[str] = field(default_factory=set)
    fuzzed: set[str] = field(default_factory=set)
    pages: int = 0
    _finding_keys: set = field(default_factory=set)

    def run(self, start: list[str]) -> list[Finding]:
        queue = deque(start)
        while queue and self.pages < self.max_pages:
            url = queue.popleft()
            if url in self.visited or not self._allowed(url):
                continue
            key = shape(url)
            if self.shapes[key] >= self.per_shape:
                continue
            self.visited.add(url)
            self.shapes[key] += 1
            self.pages += 1
            response = self.browser.get(url)
            self._check(response)
            if not response.is_html or response.status >= 400:
                continue
            tree = self._tree(response)
            if tree is None:
                continue
            for link in tree.xpath("//a[@href]/@href"):
                target = self._absolute(response.url, link)
                if target and target not in self.visited:
                    queue.append(target)
            if self.fuzz:
                self._fuzz_query(response.url)
            for form in tree.forms:
                self._forms(response, form, queue)
        return self.findings

    # -- checks --------------------------------------------------------------------------
    def _check(self, response: Response, *, malformed: bool = False) -> None:
        if response.status >= 500:
            self._found(Finding("5xx" if not malformed else "5xx on malformed input",
                                response.method, response.url, str(response.status)))
        elif response.is_html and response.status < 300:
            found = set(raw_identifiers(visible_text(response.body), self.command_names,
                                        self.app_names))
            found -= self.allowed_words
            if found:
                self._found(Finding("raw identifier", response.method, response.url,
                                    ", ".join(sorted(found))))

    def _found(self, finding: Finding) -> None:
        """Record a finding once per kind of page (a list fuzzed twenty ways is one bug)."""
        key = (finding.kind, finding.method, shape(finding.url), finding.detail)
        if key not in self._finding_keys:
            self._finding_keys.add(key)
            self.findings.append(finding)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme == "http" and parts.hostname in self.hosts
                and not DENY.search(parts.path)
                and not parts.path.startswith("/static/"))

    def _absolute(self, base: str, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return None
        target = urljoin(base, href)
        parts = urlsplit(target)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))

    @staticmethod
    def _tree(response: Response):
        try:
            return lxml.html.fromstring(response.body, base_url=response.url)
        except (lxml.etree.ParserError, ValueError):
            return None

    # -- malformed query parameters ------------------------------------------------------
    def _fuzz_query(self, url: str) -> None:
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        for index, (name, _value) in enumerate(params):
            key = f"{parts.hostname}{shape(url)}#{name}"
            if key in self.fuzzed:
                continue
            self.fuzzed.add(key)
            for bad in MALFORMED:
                changed = [*params[:index], (name, bad), *params[index + 1:]]
                target = urlunsplit((parts.scheme, parts.netloc, parts.path,
                                     urlencode(changed), ""))
                self._check(self.browser.get(target), malformed=True)

    # -- forms ---------------------------------------------------------------------------
    def _forms(self, page: Response, form, queue: deque) -> None:
        method = (form.method or "GET").upper()
        action = self._absolute(page.url, form.action or page.url) or page.url
        if not self._allowed(action):
            return
        fields = [(name, value) for name, value in form.form_values()]
        names = [el.name for el in form.inputs if el.name and getattr(el, "type", "") not in
                 ("submit", "button", "hidden", "file", "image", "reset")]
        key = f"{method} {shape(action)}"
        if key in self.forms_done:
            return
        self.forms_done.add(key)
        if method == "GET":
            target = urlunsplit((*urlsplit(action)[:3], urlencode(fields), ""))
            queue.append(target)
            if self.fuzz:
                for name in names:
                    for bad in MALFORMED:
                        values = [(k, bad if k == name else v) for k, v in fields]
                        if name not in dict(values):
                            values.append((name, bad))
                        url = urlunsplit((*urlsplit(action)[:3], urlencode(values), ""))
                        self._check(self.browser.get(url), malformed=True)
            return
        # The admin's add and change forms are exercised with malformed values only: a
        # valid submission would provision entities or change users mid-crawl.
        plausible = None if "/admin/" in urlsplit(action).path else self._plausible(form)
        if plausible is not None:
            response = self.browser.post(action, plausible, referer=page.url)
            self._check(response)
            if response.is_html and response.status < 400 and response.url != page.url:
                queue.appendleft(response.url)
        if self.fuzz and names:
            base = dict(fields)
            for bad in MALFORMED:
                data = {**base, **{name: bad for name in names}}
                self._check(self.browser.post(action, data, referer=page.url), malformed=True)

    @staticmethod
    def _plausible(form) -> list[tuple[str, str]] | None:
        """The form filled as a careful user would fill what is required, or None when it
        asks for a file (the crawl uploads nothing)."""
        values = []
        for element in form.inputs:
            name = element.name
            if not name:
                continue
            tag = element.tag
            kind = (element.get("type") or "text").lower() if tag == "input" else tag
            current = element.value if kind not in ("checkbox", "radio") else None
            if kind == "file":
                if element.get("required") is not None:
                    return None
                continue
            if kind in ("submit", "button", "image", "reset"):
                continue
            if kind == "checkbox":
                if element.checked:
                    values.append((name, element.get("value") or "on"))
                continue
            if kind == "radio":
                first_of_unchecked_group = name not in {n for n, _ in values} and not any(
                    r.checked for r in form.inputs if r.name == name)
                if element.checked or first_of_unchecked_group:
                    values.append((name, element.get("value") or "on"))
                continue
            if tag == "select":
                options = [o.get("value", o.text or "") for o in element.xpath(".//option")]
                chosen = element.value
                if isinstance(chosen, list | set) or hasattr(chosen, "add"):
                    chosen = list(chosen)
                    values.extend((name, v) for v in chosen)
                    continue
                if not chosen:
                    chosen = next((o for o in options if o), "")
                values.append((name, chosen or ""))
                continue
            if current:
                values.append((name, current))
                continue
            if kind == "hidden":
                values.append((name, ""))
                continue
            values.append((name, _sample(kind, name)))
        return values


def _sample(kind: str, name: str) -> str:
    lowered = name.lower()
    if kind == "email" or "email" in lowered or "correo" in lowered:
        return "prueba.rastreo@example.es"
    if kind == "date" or "fecha" in lowered:
        return time.strftime("%Y-%m-%d")
    if kind == "number":
        return "1"
    if kind == "tel" or "telefono" in lowered or "phone" in lowered:
        return "965000000"
    if kind == "url":
        return "https://example.es/"
    if "nif" in lowered or "dni" in lowered or "documento" in lowered:
        return "12345678Z"
    if kind == "textarea":
        return "Texto de prueba escrito por el rastreo automático de la demostración."
    if kind in ("time",):
        return "10:00"
    return "Prueba del rastreo"
