from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tenants", "0003_user_session_epoch_handoff_otp"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[("clerk", "Personal de la entidad"),
                         ("user_admin", "Administrador de usuarios"),
                         ("tic", "Operador TIC de la mancomunidad")],
                default="clerk", max_length=12, verbose_name="perfil"),
        ),
    ]
