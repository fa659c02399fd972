from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Entidades y usuarios")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import routing
        from tenants import tasks  # noqa: F401 - registers the job handlers

        routing.connect_signals()
        _register_periodic_tasks()
        _invalidate_public_pages_on_write()


def _invalidate_public_pages_on_write() -> None:
    """The entity's public pages (provincial.page_cache) show its data and its services."""
    from provincial import page_cache
    from tenants.models import Adhesion, Entity, Service

    def adhesion_entity(adhesion: Adhesion) -> list[str]:
        # By id: when an entity is deleted, its adhesions go first.
        return list(Entity.objects.filter(pk=adhesion.entity_id)
                    .values_list("schema_name", flat=True))

    page_cache.invalidate_on_write(Entity, scopes=lambda entity: [entity.schema_name])
    page_cache.invalidate_on_write(Adhesion, scopes=adhesion_entity)
    page_cache.invalidate_on_write(Service, scopes=lambda _service: [page_cache.PLATFORM])


def _register_periodic_tasks() -> None:
    from celery.schedules import crontab

    from provincial import periodic
    from provincial.periodic import Entry

    periodic.register(Entry(name="Reponer los esquemas de reserva",
                            task="tenants.tasks.refill_spare_schemas", schedule=600,
                            queue="provision", former_names=("refill-spare-schemas",)))
    periodic.register(Entry(name="Copia de seguridad nocturna de las entidades",
                            task="tenants.tasks.backup_all_entities",
                            schedule=crontab(hour=2, minute=30), queue="provision",
                            former_names=("backup-all-entities",)))
    periodic.register(Entry(name="Borrar los traspasos de sesión usados o caducados",
                            task="tenants.tasks.purge_login_handoffs", schedule=3600,
                            former_names=("purge-login-handoffs",)))
