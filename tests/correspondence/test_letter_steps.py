"""A letter's steps are services named after their verbs, one table from the action's name to them."""

from hamdeli.correspondence import services
from hamdeli.correspondence.models import LetterAction


def test_every_step_of_a_letter_is_a_service_named_after_its_verb():
    assert list(services.LETTER_STEPS) == LetterAction.values
    names = {"return_to_draft": "return_letter_to_draft"}
    for step, (service, _takes) in services.LETTER_STEPS.items():
        assert service is getattr(services, names.get(step, f"{step}_letter"))
