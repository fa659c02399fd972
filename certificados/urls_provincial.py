"""Certificados on the provincial host (/certificados/): the registration office's queue,
each certificate's operations, the expiry dashboard, the local CA and its public CRLs."""

from django.urls import path

from certificados import views_provincial as views

app_name = "certificados_prov"
urlpatterns = [
    path("", views.cola, name="cola"),
    path("caducidad/", views.caducidad, name="caducidad"),
    path("autoridad/", views.autoridad, name="autoridad"),
    path("autoridad/crear/", views.autoridad_crear, name="autoridad_crear"),
    # Public: relying parties fetch these (anonymous, as the certificates say).
    path("crl/<int:pk>.crl", views.crl, name="crl"),
    path("crl/<int:pk>-raiz.crl", views.crl_raiz, name="crl_raiz"),
    path("ac/<int:pk>.cer", views.ac, name="ac"),
    path("ac/<int:pk>-raiz.cer", views.ac_raiz, name="ac_raiz"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto, name="adjunto"),
    path("<int:pk>/certificado.cer", views.descargar, name="descargar"),
    path("<int:pk>/<slug:name>/", views.accion, name="accion"),
]
