"""The Isfahan 2020 demo: the story's facts are there, and loading it twice adds nothing."""

from django.apps import apps

from hamdeli.demo.loader import load_demo
from hamdeli.partners import selectors
from hamdeli.partners.models import NetworkMembership, Partnership


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label not in {"sessions", "contenttypes"}}


def test_loading_the_demo_twice_adds_nothing(db):
    logins = load_demo()
    first = _row_counts()
    assert load_demo()["users"] == logins["users"]
    assert _row_counts() == first
    usernames = {username for _org, username, _role in logins["users"]}
    assert {"isfahan_owner", "isfahan_officer", "isfahan_logistics", "isfahan_viewer", "xian_officer"} <= usernames


def test_the_demo_tells_the_partners_story(db):
    load_demo()
    isfahan = Partnership.objects.filter(org__slug="isfahan").select_related("org")
    sisters = isfahan.filter(kind="sister_city", signed_on__isnull=False)
    assert sisters.count() == 13
    assert {"Xi’an", "Barcelona"} <= set(sisters.values_list("city__name_en", flat=True))
    hyderabad = isfahan.get(city__name_en="Hyderabad")
    assert hyderabad.state == "bill_submitted"
    assert selectors.ordinal(hyderabad) == (14, False)  # it would be Isfahan's 14th sister city
    assert isfahan.get(city__name_en="Guangzhou").kind == "friendship_city"

    org = hyderabad.org
    barcelona = selectors.partnership(org=org, public_id=isfahan.get(city__name_en="Barcelona").public_id)
    assert any(p.end is not None and p.end.year == 2020 for p in selectors.dimmed_periods(barcelona)), (
        "Barcelona's relation dimmed, then revived in 2020")
    assert selectors.health(barcelona).status == "healthy"
    assert selectors.partnerships(org=org, health="dimmed").exists()  # others still wait to be revived

    assert Partnership.objects.filter(org__slug="xian", city__name_en="Isfahan").exists()
    states = dict(NetworkMembership.objects.filter(org=org).values_list("network__slug", "state"))
    assert states["metropolis"] == "member" and states["inta"] == "member"
    assert {states["wego"], states["iclei"], states["unesco-gnlc"]} <= {"considering", "applied"}
