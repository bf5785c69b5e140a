import datetime as dt

import pytest

from hamdeli.campaigns.services import awareness


@pytest.fixture
def campaign(org, officer):
    """The spring-1399 "stay home" campaign, planned for Esfand 1398 to Farvardin 1399."""
    return awareness.create_campaign(org=org, actor=officer, name={"fa": "در خانه بمانیم", "en": "Stay home"},
                                     starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
