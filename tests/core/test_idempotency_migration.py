"""Upgrading moves the remembered Idempotency-Keys from aid's table to core's: a retry sent across the
upgrade still replays its first response instead of writing twice."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hamdeli.places.models import City, Country

BEFORE = [("aid", "0005_pledge_link"), ("core", "0007_auditentry_hashed_actor_id")]
AFTER = [("aid", "0006_idempotencyrecord_moved_to_core")]


@pytest.mark.django_db(transaction=True)
def test_remembered_keys_survive_the_move_to_core():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        # places was not rolled back: today's model; the office as core's tables stand at BEFORE.
        country, _ = Country.objects.get_or_create(code="IR", defaults={"name_en": "Iran", "name_fa": "ایران"})
        city, _ = City.objects.get_or_create(geonameid=418863, defaults={"name_en": "Isfahan", "country": country})
        org = old_apps.get_model("core", "Organization").objects.create(name={"en": "Isfahan"}, slug="isfahan-mig",
                                                                          city_id=city.pk)
        old_apps.get_model("aid", "IdempotencyRecord").objects.create(
            org_id=org.pk, key="retry-1", endpoint="POST /api/v1/aid/pledges", request_hash="h" * 64, status=201,
            body={"id": 7})

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        moved = new_apps.get_model("core", "IdempotencyRecord").objects.get(key="retry-1")
        assert (moved.org_id, moved.endpoint, moved.status, moved.body) == (
            org.pk, "POST /api/v1/aid/pledges", 201, {"id": 7})
        assert "aid_idempotencyrecord" not in connection.introspection.table_names()
    finally:  # leave the database as the other tests expect it, whatever happened above
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
