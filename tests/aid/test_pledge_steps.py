"""A pledge's steps are services named after their verbs, one table from the action's name to them."""

import pytest

from hamdeli.aid import services
from hamdeli.aid.models import Pledge
from hamdeli.core.errors import ValidationFailed
from tests.aid.conftest import inbound_pledge


def test_every_step_of_a_pledge_is_a_service_named_after_its_verb():
    assert tuple(services.PLEDGE_STEPS) == Pledge.STEPS
    for step, (service, _takes) in services.PLEDGE_STEPS.items():
        assert service is getattr(services, f"{step}_pledge")


def test_an_unknown_step_is_refused_naming_the_action(aid):
    pledge, _consignment = inbound_pledge(aid, accept=False, ship=False)
    with pytest.raises(ValidationFailed) as refused:
        services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledge, action="teleport")
    assert set(refused.value.fields) == {"action"}
    assert Pledge.objects.get(pk=pledge.pk).state == "offered"
