from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_idempotencyrecord"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="owners_require_two_factor",
            field=models.BooleanField(default=False, verbose_name="owners must use two-factor sign-in"),
        ),
    ]
