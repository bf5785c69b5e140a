import datetime as dt

import pytest

from hamdeli.correspondence import services
from hamdeli.partners import services as partners_services


@pytest.fixture
def xian_partner(org, officer, cities):
    p = partners_services.create_partnership(org=org, actor=officer, city=cities["xian"])
    for action, on in [("submit_bill", dt.date(2008, 6, 1)), ("approve", dt.date(2008, 9, 1)),
                       ("sign", dt.date(2009, 3, 25)), ("activate", dt.date(2009, 4, 25))]:
        p = partners_services.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=on)
    return p


@pytest.fixture
def outgoing(org, officer, cities):
    def make(subject="Greetings", **fields):
        fields.setdefault("recipient_city", cities["xian"])
        fields.setdefault("registered_on", dt.date(2020, 1, 26))
        return services.register_letter(org=org, actor=officer, direction="out", subject=subject, **fields)
    return make


def walk(letter, org, officer, steps):
    for action, on in steps:
        letter = services.transition_letter(org=org, actor=officer, letter=letter, action=action, on=on,
                                            assignee="Protocol desk" if action == "assign" else "")
    return letter
