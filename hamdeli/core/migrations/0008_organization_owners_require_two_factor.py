from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_auditentry_hashed_actor_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="owners_require_two_factor",
            field=models.BooleanField(default=False, verbose_name="owners must use two-factor sign-in"),
        ),
    ]
