"""`manage.py generate_padron <entity slug> [--inhabitants N] [--seed S]`: a synthetic
padrón (and callejero, if the entity has none) for demos and benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from padron import demo
from tenants.models import Entity


class Command(BaseCommand):
    help = ("Genera un padrón de demostración en el esquema de una entidad (y su callejero si "
            "no lo tiene): hojas, habitantes, movimientos y periodos de residencia.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("entity", help="identificador (slug) de la entidad")
        parser.add_argument("--inhabitants", type=int, default=3_000,
                            help="habitantes inscritos que se añaden (3.000)")
        parser.add_argument("--seed", type=int, default=2026,
                            help="semilla: la misma da el mismo padrón sobre un esquema vacío")

    def handle(self, *args, **options) -> None:
        entity = Entity.objects.filter(slug=options["entity"]).first()
        if entity is None or entity.is_diputacion:
            raise CommandError(f"No hay ninguna entidad con el identificador {options['entity']!r}.")
        if options["inhabitants"] < 1:
            raise CommandError("--inhabitants debe ser al menos 1.")
        self.stdout.write(f"Generando {options['inhabitants']} habitantes en {entity.name}…")
        report = demo.generate(entity, inhabitants=options["inhabitants"], seed=options["seed"],
                               log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(report.summary()))
