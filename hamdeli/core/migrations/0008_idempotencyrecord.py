"""IdempotencyRecord moves from aid to core: core.idempotency serves every app's writes, and core must not
reach up into aid for its table. aid's 0006 copies the remembered keys here before dropping its own table."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0007_auditentry_hashed_actor_id")]

    operations = [
        migrations.CreateModel(
            name="IdempotencyRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200)),
                ("endpoint", models.CharField(max_length=300)),
                ("request_hash", models.CharField(max_length=64)),
                ("status", models.PositiveSmallIntegerField()),
                ("body", models.JSONField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("org", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                          to="core.organization")),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("org", "key", "endpoint"),
                                                             name="core_idempotency_unique")]},
        ),
    ]
