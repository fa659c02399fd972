"""Re-encrypt every private key the platform holds under the first key of
SIGNING_KEY_ENCRYPTION_KEYS.

Rotation: put the new Fernet key first in SIGNING_KEY_ENCRYPTION_KEYS (keeping the old
one after it), restart, run this command, then drop the old key. Each row is rewritten in
its own transaction with a row lock, so the command can be interrupted and run again.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from provincial.signing import keys


class Command(BaseCommand):
    help = "Vuelve a cifrar las claves privadas custodiadas con la clave de cifrado actual."

    def handle(self, *args, **options) -> None:
        keys.reset_cache()
        total = 0
        for model_label, field_name in keys.encrypted_fields():
            model = apps.get_model(model_label)
            pks = list(model.objects.exclude(**{field_name: ""}).values_list("pk", flat=True))
            for pk in pks:
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    token = getattr(row, field_name)
                    if not token:
                        continue
                    model.objects.filter(pk=pk).update(**{field_name: keys.reencrypt(token)})
                total += 1
            self.stdout.write(f"{model_label}.{field_name}: {len(pks)}")
        self.stdout.write(self.style.SUCCESS(f"Claves vueltas a cifrar: {total}"))
