from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import actions
from tenants.choices import EntityKind


class Command(BaseCommand):
    help = ("Da de alta una entidad adherida: crea su esquema (renombrando uno de reserva o "
            "clonando la plantilla) y sus dominios.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identificador corto, p. ej. alcoi")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", default=EntityKind.AYUNTAMIENTO,
                            choices=[k for k in EntityKind.values if k != EntityKind.DIPUTACION])
        parser.add_argument("--ine", default="", help="código INE con dígito de control (030092)")
        parser.add_argument("--dir3", required=True)
        parser.add_argument("--cif", required=True)
        parser.add_argument("--province", required=True)
        parser.add_argument("--comarca", default="")
        parser.add_argument("--population", type=int)
        parser.add_argument("--population-year", type=int)
        parser.add_argument("--domain", action="append", required=True,
                            help="dominio (repetible; el primero es el principal)")

    def handle(self, *args, **options):
        try:
            result = actions.provision_entity(
                name=options["name"], slug=options["slug"], kind=options["kind"],
                ine_code=options["ine"], dir3_code=options["dir3"], cif=options["cif"],
                province=options["province"], comarca=options["comarca"],
                domains=options["domain"], population=options["population"],
                population_year=options["population_year"], acting_user=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{result.entity.name}: esquema «{result.entity.schema_name}» creado por {result.method} "
            f"en {result.seconds * 1000:.0f} ms."))
