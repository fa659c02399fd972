from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import backup
from tenants.models import Entity


class Command(BaseCommand):
    help = ("Restaura una copia de entidad: sobre la misma entidad (--replace) o como una "
            "entidad nueva (--as-slug y --domain, con CIF/DIR3/INE propios si la original existe).")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--replace", metavar="SLUG", help="entidad cuyos datos se sustituyen")
        parser.add_argument("--as-slug")
        parser.add_argument("--domain")
        parser.add_argument("--name")
        parser.add_argument("--cif")
        parser.add_argument("--dir3")
        parser.add_argument("--ine")

    def handle(self, *args, **options):
        into = None
        identity = None
        if options["replace"]:
            into = Entity.objects.adhered().filter(slug=options["replace"]).first()
            if into is None:
                raise CommandError(f"No existe la entidad «{options['replace']}».")
        else:
            if not (options["as_slug"] and options["domain"]):
                raise CommandError("Indique --replace SLUG, o --as-slug y --domain.")
            identity = {"slug": options["as_slug"], "domain": options["domain"]}
            for option, field in (("name", "name"), ("cif", "cif"), ("dir3", "dir3_code"),
                                  ("ine", "ine_code")):
                if options[option]:
                    identity[field] = options[option]
        try:
            with open(options["archive"], "rb") as archive:
                entity = backup.restore_entity(archive, into=into, new_identity=identity)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restaurada en {entity.name} ({entity.schema_name})."))
