from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants import backup
from tenants.models import Entity


class Command(BaseCommand):
    help = "Copia de seguridad de una entidad: su esquema y sus filas en las tablas comunes."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", help="fichero .tar.gz (por omisión, en BACKUP_DIR)")

    def handle(self, *args, **options):
        entity = Entity.objects.adhered().filter(slug=options["slug"]).first()
        if entity is None:
            raise CommandError(f"No existe la entidad «{options['slug']}».")
        if options["output"]:
            path = Path(options["output"])
            partial = path.with_name(path.name + ".partial")
            with partial.open("wb") as output:
                manifest = backup.dump_entity(entity, output)
            partial.rename(path)
        else:
            path, manifest, _removed = backup.write_backup(entity, Path(settings.BACKUP_DIR),
                                                           keep=settings.BACKUP_KEEP)
        self.stdout.write(self.style.SUCCESS(
            f"{entity.name}: {len(manifest['tables'])} tablas en {path}"))
