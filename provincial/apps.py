from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincialConfig(AppConfig):
    name = "provincial"
    verbose_name = _("Plataforma provincial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from provincial import audit, audit_labels, diagnostics  # noqa: F401 - registers the job kind

        audit_labels.autodiscover()

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="audit-login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit-login-failed")
