"""The foundation (`provincial/`, `tenants/`) knows no service app: apps plug in through
registries they fill from their AppConfig.ready() (sections, URL includes, panels, portal
cards, API routes, demo loaders, periodic tasks, audit labels, job kinds, document kinds).

Checked over the source tree, not one file: every .py under provincial/ and tenants/ is
parsed, and every import is read — at module level, inside functions and under
TYPE_CHECKING, relative ones resolved — with the string literals that import or name an
app at run time (`import_module`, `__import__`, `import_string`, `include`, `get_model`,
`get_app_config`). The foundation's templates are read for `{% url %}` of an app's URL
namespace and `{% include %}` / `{% extends %}` of an app's templates.

Allowed, and only there: `provincial/settings.py` lists the apps (INSTALLED_APPS) and their
environment-driven settings, whose values may be dotted paths into the app (e.g.
PADRON_INE_TRANSPORT); those are data, not imports, and this check does not flag them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION = ("provincial", "tenants")
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "provincial", ROOT / "tenants"]
# Calls whose first argument, a string, names a module or an app.
DYNAMIC = {"import_module", "__import__", "import_string", "include", "get_model",
           "get_app_config", "find_spec"}


def service_apps() -> set[str]:
    """Top-level packages of the installed apps that live in this repository, except the
    foundation: what the foundation may not import (a new app is covered by being installed)."""
    found = set()
    for config in apps.get_app_configs():
        top = config.name.split(".")[0]
        path = Path(config.path).resolve()
        if top not in FOUNDATION and path.is_relative_to(ROOT) and ".venv" not in path.parts:
            found.add(top)
    return found


@dataclass(frozen=True)
class Finding:
    where: str  # "tenants/demo.py:203"
    target: str  # the module or app it names
    how: str  # "import", "from", "import_module()"…

    def __str__(self) -> str:
        return f"{self.where}: {self.how} {self.target}"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve_relative(path: Path, module: str | None, level: int) -> str:
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[:len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, module] if module else base)


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def imports_of(source: str, path: Path) -> list[tuple[int, str, str]]:
    """(line, module or app named, how) for every import the source makes."""
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, "import") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve_relative(path, node.module, node.level) if node.level \
                else node.module or ""
            if module:
                found.append((node.lineno, module, "from"))
            else:  # a relative import above every package: its names are top-level modules
                found += [(node.lineno, alias.name, "from") for alias in node.names]
        elif isinstance(node, ast.Call) and _call_name(node) in DYNAMIC and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value, f"{_call_name(node)}()"))
    return found


def _names_app(target: str, service: set[str]) -> str | None:
    top = target.split(".")[0]
    return top if top in service else None


def check_source(source: str, path: Path, service: set[str]) -> list[Finding]:
    where = path.relative_to(ROOT).as_posix()
    return [Finding(f"{where}:{line}", target, how)
            for line, target, how in imports_of(source, path)
            if _names_app(target, service)]


def foundation_files() -> list[Path]:
    return sorted(path for package in FOUNDATION for path in (ROOT / package).rglob("*.py"))


def test_the_service_apps_are_the_installed_apps_outside_the_foundation():
    assert {"padron", "registro", "sede", "soporte", "codigos"} <= service_apps()
    assert not set(FOUNDATION) & service_apps()


def test_the_foundation_imports_no_service_app():
    service = service_apps()
    files = foundation_files()
    assert len(files) > 50  # the whole tree, migrations and management commands included
    findings = [finding for path in files
                for finding in check_source(path.read_text(), path, service)]
    assert not findings, "The foundation imports service apps:\n" + "\n".join(map(str, findings))


URL_TAG = re.compile(r"""\{%\s*url\s+['"](?P<name>[\w:-]+)['"]""")
TEMPLATE_TAG = re.compile(r"""\{%\s*(?:include|extends)\s+['"](?P<name>[^'"]+)['"]""")


def _service_namespaces(service: set[str]) -> set[str]:
    """The URL namespaces the service apps' URL modules declare (app_name)."""
    from provincial import url_includes

    namespaces = set(service)
    for host in url_includes.HOSTS:
        for item in url_includes.includes(host):
            if _names_app(item.urls, service):
                module = __import__(item.urls, fromlist=["app_name"])
                namespaces.add(getattr(module, "app_name", ""))
    return namespaces - {""}


def check_template(text: str, where: str, service: set[str], namespaces: set[str]) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in URL_TAG.finditer(line):
            if set(match["name"].split(":")[:-1]) & namespaces:
                findings.append(Finding(f"{where}:{number}", match["name"], "{% url %}"))
        for match in TEMPLATE_TAG.finditer(line):
            if match["name"].split("/")[0] in service:
                findings.append(Finding(f"{where}:{number}", match["name"], "template of"))
    return findings


def test_the_foundation_templates_name_no_app_page_or_template():
    service = service_apps()
    namespaces = _service_namespaces(service)
    assert {"padron", "sede", "sede_gestion", "soporte_prov", "intercambio_ine"} <= namespaces
    findings = []
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            if ".venv" in path.parts:
                continue
            where = path.relative_to(ROOT).as_posix()
            findings += check_template(path.read_text(), where, service, namespaces)
    assert not findings, "Foundation templates name apps:\n" + "\n".join(map(str, findings))


SAMPLE = '''
import padron
import provincial.jobs, registro.services as rs
from sede.models import Edicto
from tenants import sections
from .padron import nothing

def later():
    from soporte import demo
    import importlib
    importlib.import_module("padron.ine.vista")
    return import_string("registro.transporte.CarpetaTransporte")

if TYPE_CHECKING:
    from codigos.models import Codigo

urlpatterns = [path("x/", include("soporte.urls")), path("y/", include("tenants.urls_offices"))]
model = apps.get_model("padron", "Habitante")
text = "padron.ine.generar"  # a plain string (a job kind, an audit code) is no import
'''


def test_the_check_finds_every_way_of_importing():
    service = {"padron", "registro", "sede", "soporte", "codigos"}
    found = [(f.where, f.target, f.how)
             for f in check_source(SAMPLE, ROOT / "tenants/ejemplo.py", service)]
    assert sorted(found, key=lambda item: int(item[0].rsplit(":", 1)[1])) == [
        ("tenants/ejemplo.py:2", "padron", "import"),
        ("tenants/ejemplo.py:3", "registro.services", "import"),
        ("tenants/ejemplo.py:4", "sede.models", "from"),
        ("tenants/ejemplo.py:9", "soporte", "from"),
        ("tenants/ejemplo.py:11", "padron.ine.vista", "import_module()"),
        ("tenants/ejemplo.py:12", "registro.transporte.CarpetaTransporte", "import_string()"),
        ("tenants/ejemplo.py:15", "codigos.models", "from"),
        ("tenants/ejemplo.py:17", "soporte.urls", "include()"),
        ("tenants/ejemplo.py:18", "padron", "get_model()"),
    ]


def test_a_relative_import_is_resolved_before_it_is_judged():
    service = {"padron"}
    # In provincial/documents/x.py, `..` is provincial; `...` is above it, where padron lives.
    assert [str(f) for f in check_source("from ... import padron\nfrom .. import jobs\n",
                                         ROOT / "provincial/documents/x.py", service)] == [
        "provincial/documents/x.py:1: from padron"]
    assert _resolve_relative(ROOT / "provincial/documents/x.py", "jobs", 2) == "provincial.jobs"
    assert _resolve_relative(ROOT / "tenants/api/urls.py", None, 1) == "tenants.api"


def test_the_template_check_finds_an_apps_url_and_template():
    found = check_template(
        "{% url 'sede:home' %}\n{% url 'gestion:padron:home' %}\n{% url 'home' %}\n"
        '{% include "padron/_ine_fichero.html" with f=x %}\n{% extends "layouts/base.html" %}',
        "tenants/templates/x.html", {"padron", "sede"}, {"padron", "sede"})
    assert [str(f) for f in found] == [
        "tenants/templates/x.html:1: {% url %} sede:home",
        "tenants/templates/x.html:2: {% url %} gestion:padron:home",
        "tenants/templates/x.html:4: template of padron/_ine_fichero.html"]
