import datetime as dt

from hamdeli.partners import selectors, services

D = dt.date


SIGNED = D(2008, 11, 6)


def _active(org, officer, city, signed_on=SIGNED):
    p = services.create_partnership(org=org, actor=officer, city=city)
    for action in ("submit_bill", "approve", "sign", "activate"):
        p = services.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=signed_on)
    return p


def _contact(org, officer, p, on, kind="letter"):
    return services.record_interaction(org=org, actor=officer, partnership=p, occurred_on=on, kind=kind,
                                       summary="contact")


def _fresh(org, p):
    return selectors.partnership(org=org, public_id=p.public_id)


def test_a_partner_silent_longer_than_the_threshold_is_dimmed_and_a_letter_revives_it(org, officer, cities):
    p = _active(org, officer, cities["barcelona"])
    _contact(org, officer, p, D(2014, 6, 3))
    assert selectors.health(_fresh(org, p), as_of=D(2020, 3, 1)).status == "dimmed"
    assert [x.city for x in selectors.partnerships(org=org, health="dimmed", as_of=D(2020, 3, 1))] == [p.city]
    _contact(org, officer, p, D(2020, 3, 24))
    health = selectors.health(_fresh(org, p), as_of=D(2020, 4, 1))
    assert (health.status, health.last_contact_on, health.months_silent) == ("healthy", D(2020, 3, 24), 1)
    assert not selectors.partnerships(org=org, health="dimmed", as_of=D(2020, 4, 1))
    periods = selectors.dimmed_periods(p, as_of=D(2020, 4, 1))
    assert [(x.start, x.end) for x in periods] == [(D(2014, 6, 3), D(2020, 3, 24))]


def test_the_threshold_is_configurable_per_organization(org, officer, cities):
    p = _active(org, officer, cities["barcelona"])
    _contact(org, officer, p, D(2020, 1, 1))
    assert selectors.health(_fresh(org, p), as_of=D(2020, 8, 1)).status == "healthy"  # default: 12 months
    org.dimmed_after_months = 6
    org.save()
    assert selectors.health(_fresh(org, p), as_of=D(2020, 8, 1)).status == "dimmed"


def test_a_standing_partner_with_no_contact_at_all_is_dimmed_but_a_proposal_is_not_judged(org, officer, cities):
    signed = _active(org, officer, cities["florence"])
    proposal = services.create_partnership(org=org, actor=officer, city=cities["hyderabad"])
    assert selectors.health(_fresh(org, signed)).status == "dimmed"
    assert selectors.health(_fresh(org, proposal)).status == "not_applicable"


def test_contacts_reported_by_other_apps_count_once(org, officer, cities):
    p = _active(org, officer, cities["xian"])
    for _ in range(3):
        services.record_contact(org=org, actor=officer, city_id=cities["xian"].pk, occurred_on=D(2020, 1, 27),
                                kind="letter", summary="Chinese New Year letter", source="letter", source_ref="L-1")
    assert p.interactions.count() == 1
    assert services.record_contact(org=org, actor=officer, city_id=cities["hyderabad"].pk,
                                   occurred_on=D(2020, 1, 27), kind="letter", summary="x", source="letter",
                                   source_ref="L-2") is None  # no partnership with that city: nothing recorded
