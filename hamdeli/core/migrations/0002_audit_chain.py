"""The audit becomes provable: origin columns, a per-org hash chain over existing and new entries,
and triggers that refuse UPDATE and DELETE on the audit table."""

import django.db.models.deletion
from django.db import migrations, models

from hamdeli.core import chain, triggers


def chain_existing(apps, schema_editor):
    Organization = apps.get_model("core", "Organization")
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    for org in Organization.objects.all():
        seq, prev = 0, chain.GENESIS
        for entry in AuditEntry.objects.filter(org=org).order_by("at", "pk"):
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            values = {name: getattr(entry, name) for name in chain.FIELDS if name != "org"}
            values["org"] = org.public_id
            entry.hash = prev = chain.entry_hash(values)
            entry.save(update_fields=["seq", "prev_hash", "hash"])
        AuditChainHead.objects.create(org=org, seq=seq, hash=prev)


def create_triggers(apps, schema_editor):
    triggers.run(schema_editor.connection, create=True)


def drop_triggers(apps, schema_editor):
    triggers.run(schema_editor.connection, create=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField("auditentry", "channel", models.CharField(blank=True, default="", max_length=20)),
        migrations.AddField("auditentry", "token_id", models.CharField(blank=True, default="", max_length=36)),
        migrations.AddField("auditentry", "ip", models.GenericIPAddressField(blank=True, null=True)),
        migrations.AddField("auditentry", "request_id", models.CharField(blank=True, default="", max_length=64)),
        migrations.AddField("auditentry", "seq", models.PositiveBigIntegerField(default=0), preserve_default=False),
        migrations.AddField("auditentry", "prev_hash", models.CharField(default="", max_length=64),
                            preserve_default=False),
        migrations.AddField("auditentry", "hash", models.CharField(default="", max_length=64), preserve_default=False),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("org", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True,
                                             related_name="+", serialize=False, to="core.organization")),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("org", "seq"), name="one_audit_entry_per_chain_position"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
