from hamdeli.campaigns.models import (
    AdvocacyCampaign,
    Campaign,
    DesignFile,
    DesignSet,
    Endorsement,
    Placement,
    RecognitionCopy,
)
from hamdeli.campaigns.selectors import public_endorsements
from hamdeli.demo.loader import load_demo


def test_demo_holds_the_story_and_loads_twice_without_duplicates(db):
    load_demo()
    counts = [m.objects.count() for m in (Campaign, DesignSet, DesignFile, Placement, Endorsement, RecognitionCopy)]
    load_demo()
    assert [m.objects.count() for m in (Campaign, DesignSet, DesignFile, Placement, Endorsement,
                                        RecognitionCopy)] == counts
    sets = DesignSet.objects.all()
    assert sets.count() == 20
    assert all(s.ready_on.isoformat() >= "2020-02-20" and s.ready_on.isoformat() <= "2020-04-19" for s in sets)
    statement = AdvocacyCampaign.objects.get(title__en="No to sanctions during COVID-19")
    assert statement.published
    assert "President of INTA" in [e.endorser_name for e in public_endorsements(statement)]
    copies = RecognitionCopy.objects.select_related("recipient")
    original = copies.get(is_original=True)
    assert original.recipient.name["en"] == "Ministry of Health" and original.handed_over_on is None
    assert copies.filter(is_original=False).count() == 5
    assert copies.filter(handed_over_on__isnull=True).count() == 1


def test_cli_report_lists_pending_handovers(db, capsys):
    from hamdeli.cli import main

    load_demo()
    assert main(["campaigns", "report", "--org", "isfahan"]) == 0
    out = capsys.readouterr().out
    assert "Stay home" in out and "Ministry of Health (original)" in out
    assert main(["campaigns", "report", "--org", "nowhere"]) == 2
