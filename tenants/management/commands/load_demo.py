from django.core.management.base import BaseCommand

from provincial import page_cache
from tenants import demo, provisioning


class Command(BaseCommand):
    help = "Carga una provincia de demostración (idempotente)."

    def handle(self, *args, **options):
        self.stdout.write("Cargando la provincia de demostración…")
        entities = demo.load(stdout=self.stdout)
        # The demo writes in bulk (no signals): every entity's kept pages are made stale.
        page_cache.invalidate(page_cache.PLATFORM)
        made = provisioning.refill_spares()
        self.stdout.write(self.style.SUCCESS(
            f"{len(entities)} entidades listas; {made} esquemas de reserva preparados."))
