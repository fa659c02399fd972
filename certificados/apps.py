from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificadosConfig(AppConfig):
    name = "certificados"
    verbose_name = _("Certificados electrónicos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.schedules import crontab

        from certificados import (
            access,
            tasks,  # noqa: F401 - registers the Celery tasks
        )
        from provincial import panels, periodic, url_includes
        from provincial.signing import base as signing
        from provincial.signing import keys
        from tenants import demo_loaders, sections
        from tenants.sections import Section

        # The entity's user administrator, granted the application, where the entity
        # adheres to the service (the section's application also gates availability).
        sections.register(Section(namespace="certificados", label=_("Certificados"),
                                  url_name="gestion:certificados:list", icon="file",
                                  application="certificados", user_admin_only=True, order=85))
        url_includes.register(url_includes.BACKOFFICE, "certificados/", "certificados.urls")
        # The registration office's queue, the expiry dashboard, the local CA and its CRLs.
        url_includes.register(url_includes.PROVINCIAL, "certificados/",
                              "certificados.urls_provincial")
        panels.register(panels.Panel(
            key="certificados", title=_("Certificados"), url_name="certificados_prov:cola",
            is_visible=access.is_operator, template="certificados/panel_provincial.html",
            context="certificados.panels.provincial", order=40))
        demo_loaders.register("certificados", "certificados.demo.load_demo", order=40)
        periodic.register(periodic.Entry(
            name="Revisar la caducidad de los certificados",
            task="certificados.tasks.revisar_caducidades", schedule=crontab(hour=7, minute=0)))
        periodic.register(periodic.Entry(
            name="Publicar las CRL de la autoridad de certificación local",
            task="certificados.tasks.publicar_crls", schedule=crontab(hour=0, minute=20)))
        # The signing service finds each entity's sello de órgano, and trusts the local CA.
        signing.register_sello_provider("certificados.sellos.sello_for")
        signing.register_trust_provider("certificados.sellos.trust_material")
        signing.register_signer_provider("certificados.sellos.signer_for")
        # Columns of encrypted keys, re-encrypted by `manage.py rotate_signing_keys`.
        keys.register_encrypted_field("certificados.Certificado", "key_token")
        keys.register_encrypted_field("certificados.LocalCA", "root_key_token")
        keys.register_encrypted_field("certificados.LocalCA", "issuing_key_token")
