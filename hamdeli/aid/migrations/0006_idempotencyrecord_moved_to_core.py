"""The remembered Idempotency-Keys and form tokens move to core's table (core 0008); none is lost, so a
retry sent across the upgrade still replays instead of writing twice."""

from django.db import migrations

FIELDS = ("org_id", "key", "endpoint", "request_hash", "status", "body", "created_at")


def copy_to_core(apps, schema_editor):
    old = apps.get_model("aid", "IdempotencyRecord")
    new = apps.get_model("core", "IdempotencyRecord")
    rows = [new(**{name: getattr(record, name) for name in FIELDS}) for record in old.objects.iterator()]
    new.objects.bulk_create(rows, batch_size=1000)


def copy_back(apps, schema_editor):
    old = apps.get_model("aid", "IdempotencyRecord")
    new = apps.get_model("core", "IdempotencyRecord")
    rows = [old(**{name: getattr(record, name) for name in FIELDS}) for record in new.objects.iterator()]
    old.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("aid", "0005_pledge_link"), ("core", "0008_idempotencyrecord")]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="IdempotencyRecord"),
    ]
