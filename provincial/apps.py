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
        _register_periodic_tasks()

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="audit-login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit-login-failed")


def _register_periodic_tasks() -> None:
    from django.conf import settings

    from provincial import periodic

    periodic.register(periodic.Entry(
        name="Enviar a la cola los trabajos pendientes",
        task="provincial.tasks.dispatch_pending_jobs",
        schedule=settings.JOB_OUTBOX_SWEEP_SECONDS, former_names=("dispatch-pending-jobs",)))
