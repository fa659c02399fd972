"""Certificados on the provincial host (/certificados/): the registration office's queue,
each certificate's page with its operations, the expiry dashboard, the local CA, and the
public CRLs and CA certificates its certificates point to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certificados import actions, forms, pki
from certificados import caducidad as expiry
from certificados.access import get_adjunto_for, get_certificado_for, operator_required
from certificados.choices import Autoridad, Estado, Tipo
from certificados.models import Certificado, LocalCA
from certificados.queries import filtered
from certificados.views import certificate_file, serve_adjunto
from provincial.spreadsheets import csv_writer
from tenants.views import form_errors_to

PAGE_SIZE = 25

QUEUES = {
    "acreditar": Q(state=Estado.SOLICITADO),
    "emitir": Q(state=Estado.ACREDITADO),
    "autoridad": Q(state=Estado.ENVIADO),
    "peticiones": ~Q(requested_operation=""),
    "todos": Q(),
}


@operator_required
def cola(request: HttpRequest) -> HttpResponse:
    """The office's work: requests to accredit, to send or issue, waiting at the
    authority, the entities' petitions; or every certificate, searched and filtered."""
    form = forms.ColaForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    vista = data.get("vista") or "acreditar"
    counts = Certificado.objects.aggregate(**{name: Count("pk", filter=condition)
                                              for name, condition in QUEUES.items()
                                              if name != "todos"})
    rows = filtered(Certificado.objects.filter(QUEUES[vista]), data)
    rows = rows.select_related("entity").order_by(
        *(("-created_at", "-pk") if vista == "todos" else ("created_at", "pk")))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page:
        row.days_to_expiry = row.days_left(now)
    tabs = [{"name": name, "label": label, "count": counts.get(name), "current": name == vista}
            for name, label in forms.QUEUE_VIEWS]
    return render(request, "certificados/cola.html", {
        "form": form, "page": page, "tabs": tabs, "vista": vista,
        "filtering": any(data.get(name) for name in ("q", "estado", "tipo", "autoridad",
                                                     "entidad"))})


@dataclass(frozen=True)
class Operation:
    form: type
    run: Callable
    done: str
    states: tuple[str, ...]
    title: str
    button: str
    danger: bool = False


def _emitir(certificado, data, user):
    csr = data.get("csr")
    return actions.emitir(certificado, operator=user, note=data.get("note", ""),
                          csr_pem=csr.read() if csr else None)


def _registrar(certificado, data, user):
    return actions.registrar_emitido(certificado, data["certificate"].read(), operator=user,
                                     password=data.get("password", ""),
                                     note=data.get("note", ""))


OPERATIONS = {
    "acreditar": Operation(forms.AcreditarForm,
                           lambda c, d, u: actions.acreditar(c, d["note"], operator=u),
                           gettext_lazy("Identidad acreditada."), (Estado.SOLICITADO,),
                           gettext_lazy("Acreditar la identidad"), gettext_lazy("Acreditar")),
    "enviar": Operation(forms.EnviarForm,
                        lambda c, d, u: actions.enviar(c, d["external_reference"], d["note"],
                                                       operator=u),
                        gettext_lazy("Envío registrado."), (Estado.ACREDITADO,),
                        gettext_lazy("Registrar el envío a la autoridad"),
                        gettext_lazy("Registrar el envío")),
    "emitir": Operation(forms.EmitirForm, _emitir, gettext_lazy("Certificado emitido."),
                        (Estado.ACREDITADO,), gettext_lazy("Emitir con la AC de la plataforma"),
                        gettext_lazy("Emitir el certificado")),
    "registrar": Operation(forms.RegistrarForm, _registrar,
                           gettext_lazy("Certificado registrado."), (Estado.ENVIADO,),
                           gettext_lazy("Registrar el certificado emitido"),
                           gettext_lazy("Comprobar y registrar")),
    "suspender": Operation(forms.SuspenderForm,
                           lambda c, d, u: actions.suspender(c, d["reason"], operator=u),
                           gettext_lazy("Certificado suspendido."), (Estado.EMITIDO,),
                           gettext_lazy("Suspender"), gettext_lazy("Suspender"), danger=True),
    "levantar": Operation(forms.LevantarForm,
                          lambda c, d, u: actions.levantar_suspension(c, d["reason"], operator=u),
                          gettext_lazy("Suspensión levantada."), (Estado.SUSPENDIDO,),
                          gettext_lazy("Levantar la suspensión"),
                          gettext_lazy("Levantar la suspensión")),
    "revocar": Operation(forms.RevocarForm,
                         lambda c, d, u: actions.revocar(c, d["motivo"], d["reason"], operator=u),
                         gettext_lazy("Certificado revocado."),
                         (Estado.EMITIDO, Estado.SUSPENDIDO), gettext_lazy("Revocar"),
                         gettext_lazy("Revocar definitivamente"), danger=True),
    "rechazar": Operation(forms.RechazarForm,
                          lambda c, d, u: actions.rechazar(c, d["reason"], operator=u),
                          gettext_lazy("Solicitud rechazada."),
                          (Estado.SOLICITADO, Estado.ACREDITADO, Estado.ENVIADO),
                          gettext_lazy("Rechazar la solicitud"), gettext_lazy("Rechazar"),
                          danger=True),
    "descartar": Operation(forms.DescartarForm,
                           lambda c, d, u: actions.descartar_peticion(c, d["reason"], operator=u),
                           gettext_lazy("Petición no atendida; se ha anotado el motivo."), (),
                           gettext_lazy("No atender la petición"),
                           gettext_lazy("No atender")),
}


def _form_for(name: str, certificado: Certificado, data=None, files=None):
    operation = OPERATIONS[name]
    kwargs = {"kind": certificado.kind} if operation.form is forms.EmitirForm else {}
    return operation.form(data, files, auto_id=f"{name}_%s", **kwargs)


def _available(certificado: Certificado) -> list[str]:
    """The operations the page offers for the certificate's state and authority."""
    names = [name for name, op in OPERATIONS.items() if certificado.state in op.states]
    if certificado.is_issued_here:
        names = [n for n in names if n not in ("enviar", "registrar")]
    else:
        names = [n for n in names if n != "emitir"]
    if certificado.requested_operation:
        names.append("descartar")
    return names


def _detail(request: HttpRequest, certificado: Certificado, bound: tuple[str, object] | None
            = None, status: int = 200) -> HttpResponse:
    petition_op = {"suspender": "suspender", "levantar": "levantar", "revocar": "revocar"}.get(
        certificado.requested_operation)
    available = _available(certificado)
    # Open: the operation just tried, else what the entity asked for, else the next step of
    # a request (acreditar, enviar or emitir, registrar); a live certificate's stay closed.
    if bound:
        opened = bound[0]
    elif petition_op:
        opened = petition_op
    else:
        opened = next((n for n in available if n in ("acreditar", "enviar", "emitir",
                                                      "registrar")), "")
    operations = []
    for name in available:
        form = bound[1] if bound and bound[0] == name else _form_for(name, certificado)
        operations.append({"name": name, "op": OPERATIONS[name], "form": form,
                           "open": name == opened})
    return render(request, "certificados/detalle.html", {
        "c": certificado, "eventos": certificado.eventos.select_related("operator"),
        "adjuntos": certificado.adjuntos.all(), "operations": operations,
        "petition_op": petition_op, "days_left": certificado.days_left(),
        "other_requests": Certificado.objects.filter(entity=certificado.entity,
                                                     holder_nif=certificado.holder_nif,
                                                     kind=certificado.kind)
        .exclude(pk=certificado.pk).order_by("-created_at")[:5]}, status=status)


@operator_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_certificado_for(request, pk))


@operator_required
def accion(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    certificado = get_certificado_for(request, pk)
    if name not in OPERATIONS:
        raise Http404
    if request.method != "POST":
        # A refused operation leaves its address in the browser; opening it again (reload
        # after the form was resubmitted, history, a copied link) leads to the page.
        return redirect("certificados_prov:detail", pk=certificado.pk)
    form = _form_for(name, certificado, request.POST, request.FILES)
    if form.is_valid():
        try:
            OPERATIONS[name].run(certificado, form.cleaned_data, request.user)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, str(OPERATIONS[name].done))
            return redirect("certificados_prov:detail", pk=certificado.pk)
    # The refusal of the operation itself (wrong state, the authority's checks) goes at the
    # top of the page: the operation may no longer be offered in the state found.
    for error in form.non_field_errors():
        messages.error(request, error)
    certificado.refresh_from_db()
    return _detail(request, certificado, bound=(name, form), status=400)


@operator_required
def adjunto(request: HttpRequest, pk: int, adjunto_pk: int):
    return serve_adjunto(request, get_adjunto_for(request, pk, adjunto_pk))


@operator_required
def descargar(request: HttpRequest, pk: int) -> HttpResponse:
    return certificate_file(get_certificado_for(request, pk))


@operator_required
def caducidad(request: HttpRequest) -> HttpResponse:
    """What expires this quarter, in the next 90 days or next quarter, by entity and kind."""
    form = forms.CaducidadForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("periodo") or "trimestre"
    board = expiry.dashboard(period, kind=data.get("tipo") or "")
    if request.GET.get("formato") == "csv":
        return _dashboard_csv(board, period)
    return render(request, "certificados/caducidad.html", {
        "form": form, "board": board, "period": period,
        "period_label": expiry.PERIODS[period], "kinds": Tipo, "now": timezone.now(),
        "periods": [{"name": name, "label": label, "current": name == period}
                    for name, label in expiry.PERIODS.items()],
        "query_tipo": data.get("tipo") or ""})


def _dashboard_csv(board, period: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caducidades-{period}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow([_("Referencia"), _("Entidad"), _("Tipo"), _("Certificado"), _("Autoridad"),
                     _("Estado"), _("Caduca"), _("Días"), _("Renovación pedida")])
    for row in board.rows:
        writer.writerow([row.reference, row.entity.name, row.kind_short, row.title,
                         row.get_authority_display(), row.get_state_display(),
                         timezone.localtime(row.not_after).strftime("%d/%m/%Y"),
                         row.days_to_expiry, _("Sí") if row.renewal_requested else _("No")])
    return response


@operator_required
def autoridad(request: HttpRequest) -> HttpResponse:
    """The platform's local CA: its certificates, its CRLs, what it has issued."""
    cas = list(LocalCA.objects.annotate(
        issued=Count("certificados", filter=~Q(certificados__serial_hex="")),
        listed=Count("certificados", filter=Q(certificados__state__in=[Estado.SUSPENDIDO,
                                                                       Estado.REVOCADO]))))
    for ca in cas:
        ca.root = ca.root_certificate if ca.root_certificate_pem else None
        ca.issuing = ca.issuing_certificate if ca.issuing_certificate_pem else None
        ca.root_name = pki.readable(ca.root.subject) if ca.root else ""
        ca.issuing_name = pki.readable(ca.issuing.subject) if ca.issuing else ""
        ca.crl = x509.load_der_x509_crl(bytes(ca.crl_der)) if ca.crl_der else None
        # Past its next update, validators refuse the CRL: the office must see it.
        ca.crl_stale = ca.crl_next_update is not None and ca.crl_next_update < timezone.now()
    return render(request, "certificados/autoridad.html", {
        "cas": cas, "can_create": request.user.is_provincial_admin
        and not any(ca.is_active for ca in cas), "local": Autoridad.LOCAL})


@operator_required
@require_POST
def autoridad_crear(request: HttpRequest) -> HttpResponse:
    if not request.user.is_provincial_admin:
        raise Http404
    try:
        actions.crear_ac_local(operator=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Autoridad de certificación local creada."))
    return redirect("certificados_prov:autoridad")


# --- public: what relying parties fetch ---------------------------------------------------------


def _ca(pk: int) -> LocalCA:
    ca = LocalCA.objects.filter(pk=pk).exclude(root_certificate_pem="").first()
    if ca is None:
        raise Http404
    return ca


def _der(data: bytes, content_type: str, filename: str, max_age: int) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def crl(request: HttpRequest, pk: int) -> HttpResponse:
    """The issuing CA's current CRL (DER), as its certificates' distribution point says."""
    ca = _ca(pk)
    return _der(bytes(ca.crl_der), "application/pkix-crl", f"{pk}.crl", 3600)


def crl_raiz(request: HttpRequest, pk: int) -> HttpResponse:
    ca = _ca(pk)
    return _der(bytes(ca.root_crl_der), "application/pkix-crl", f"{pk}-raiz.crl", 3600)


def ac(request: HttpRequest, pk: int) -> HttpResponse:
    return _der(_ca(pk).issuing_certificate.public_bytes(Encoding.DER), "application/pkix-cert",
                f"{pk}.cer", 86400)


def ac_raiz(request: HttpRequest, pk: int) -> HttpResponse:
    return _der(_ca(pk).root_certificate.public_bytes(Encoding.DER), "application/pkix-cert",
                f"{pk}-raiz.cer", 86400)
