"""A campaign's steps are services named after their verbs, one table from the action's name to them."""

from hamdeli.campaigns.models import CampaignAction
from hamdeli.campaigns.services import awareness


def test_every_step_of_a_campaign_is_a_service_named_after_its_verb():
    assert list(awareness.CAMPAIGN_STEPS) == CampaignAction.values
    for step, service in awareness.CAMPAIGN_STEPS.items():
        assert service is getattr(awareness, f"{step}_campaign")
