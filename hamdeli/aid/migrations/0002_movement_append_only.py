"""Movements are append-only: triggers refuse UPDATE and DELETE on SQLite and PostgreSQL."""

from django.db import migrations

from hamdeli.aid import triggers


def create(apps, schema_editor):
    triggers.run(schema_editor.connection, create=True)


def drop(apps, schema_editor):
    triggers.run(schema_editor.connection, create=False)


class Migration(migrations.Migration):
    dependencies = [("aid", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
