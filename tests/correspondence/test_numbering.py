"""Registry numbers under concurrency: 16 threads registering at once get 1..16, no duplicate, no gap."""

import datetime as dt
import threading

import pytest
from django.db import connection

from hamdeli.core.tenancy import in_scope_of
from hamdeli.correspondence import services
from hamdeli.correspondence.models import Letter

THREADS = 16


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_gapless_numbers(org, officer, cities):
    barrier = threading.Barrier(THREADS)
    errors = []

    def register(n):
        try:
            barrier.wait()
            with in_scope_of(org):  # a thread starts with no tenant scope, as a worker would
                services.register_letter(org=org, actor=officer, direction="out", subject=f"letter {n}",
                                         recipient_city=cities["xian"], registered_on=dt.date(2020, 4, 1))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Letter.objects.filter(org=org, registry_year=1399).values_list("registry_seq", flat=True))
    assert numbers == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_a_failed_registration_gives_its_number_back(org, officer, cities):
    from hamdeli.core.errors import ValidationFailed

    services.register_letter(org=org, actor=officer, direction="out", subject="one", recipient_org="UN",
                             registered_on=dt.date(2020, 4, 1))
    with pytest.raises(ValidationFailed):
        services.register_letter(org=org, actor=officer, direction="out", subject="bad", occasion="nope",
                                 recipient_org="UN", registered_on=dt.date(2020, 4, 1))
    later = services.register_letter(org=org, actor=officer, direction="out", subject="two", recipient_org="UN",
                                     registered_on=dt.date(2020, 4, 1))
    assert later.registry_number == "1399/2"
