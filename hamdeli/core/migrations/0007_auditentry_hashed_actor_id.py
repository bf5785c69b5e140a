"""The actor's id as an entry's hash covers it, for offices brought over from another instance (their
people have other ids here). A nullable column with no default: an ALTER TABLE … ADD COLUMN on both
databases, so the audit table (and its append-only triggers) stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_membership_deactivated")]

    operations = [
        migrations.AddField("auditentry", "hashed_actor_id", models.BigIntegerField(blank=True, editable=False,
                                                                                    null=True)),
    ]
