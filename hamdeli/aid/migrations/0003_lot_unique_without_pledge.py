"""One lot per (org, item, number) when it has no pledge (the old constraint let NULL pledges repeat),
after merging the duplicates that concurrent first intakes made; indexes for the forward trace."""

from django.conf import settings
from django.db import migrations, models

from hamdeli.aid import triggers


def merge_duplicate_lots(apps, schema_editor):
    """Fold every lot without a pledge into the first of its (org, item, number): its balances are
    added to that lot's, its movements and box lines point at it (the append-only trigger is lifted
    for that one update), then it is removed."""
    Lot, Balance = apps.get_model("aid", "Lot"), apps.get_model("aid", "Balance")
    Movement, BoxLine = apps.get_model("aid", "Movement"), apps.get_model("aid", "BoxLine")
    groups = (Lot.objects.filter(pledge__isnull=True).values("org_id", "item_id", "number")
              .annotate(n=models.Count("id"), keep=models.Min("id")).filter(n__gt=1))
    merged = {}
    for group in groups:
        dups = Lot.objects.filter(pledge__isnull=True, org_id=group["org_id"], item_id=group["item_id"],
                                  number=group["number"]).exclude(pk=group["keep"]).values_list("pk", flat=True)
        merged.update({pk: group["keep"] for pk in dups})
    if not merged:
        return
    for balance in Balance.objects.filter(lot_id__in=merged):
        target, _created = Balance.objects.get_or_create(
            location_id=balance.location_id, item_id=balance.item_id, lot_id=merged[balance.lot_id],
            defaults={"org_id": balance.org_id, "virtual": balance.virtual, "quantity": 0})
        Balance.objects.filter(pk=target.pk).update(quantity=models.F("quantity") + balance.quantity)
        balance.delete()
    triggers.run(schema_editor.connection, create=False)
    for old, keep in merged.items():
        Movement.objects.filter(lot_id=old).update(lot_id=keep)
        BoxLine.objects.filter(lot_id=old).update(lot_id=keep)
    triggers.run(schema_editor.connection, create=True)
    Lot.objects.filter(pk__in=merged).delete()
    if schema_editor.connection.vendor == "postgresql":  # fire the deferred FK checks before the DDL below
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('aid', '0002_movement_append_only'),
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='lot',
            name='aid_lot_unique',
        ),
        migrations.RunPython(merge_duplicate_lots, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='balance',
            index=models.Index(fields=['lot'], name='aid_balance_lot'),
        ),
        migrations.AddIndex(
            model_name='movement',
            index=models.Index(fields=['lot', 'to_location'], name='aid_movement_lot_to'),
        ),
        migrations.AddConstraint(
            model_name='lot',
            constraint=models.UniqueConstraint(condition=models.Q(('pledge__isnull', False)), fields=('org', 'item', 'number', 'pledge'), name='aid_lot_unique'),
        ),
        migrations.AddConstraint(
            model_name='lot',
            constraint=models.UniqueConstraint(condition=models.Q(('pledge__isnull', True)), fields=('org', 'item', 'number'), name='aid_lot_unique_without_pledge'),
        ),
    ]
