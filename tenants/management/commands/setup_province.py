from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import actions, provisioning


class Command(BaseCommand):
    help = ("Crea la entidad de la Diputación (esquema public) con su dominio provincial y "
            "prepara los esquemas de reserva. Idempotente; lo ejecuta el despliegue.")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Diputación Provincial de …")
        parser.add_argument("--dir3", required=True)
        parser.add_argument("--cif", required=True)
        parser.add_argument("--province", required=True)
        parser.add_argument("--domain", default=settings.PROVINCIAL_DOMAIN)

    def handle(self, *args, **options):
        try:
            entity = actions.ensure_diputacion(
                name=options["name"], dir3_code=options["dir3"], cif=options["cif"],
                province=options["province"], domain=options["domain"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        made = provisioning.refill_spares()
        self.stdout.write(self.style.SUCCESS(
            f"{entity.name} en {options['domain']}; {made} esquemas de reserva nuevos."))
