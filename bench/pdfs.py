"""What a page's file costs to build within the request (not a test). Prints JSON; see bench/results/pdfs.json.

    .venv/bin/python bench/pdfs.py [--runs 10] [--out FILE]

Loads the demo into a fresh SQLite database (a temporary folder), then times, `--runs` times each after one
warm-up: a letter's PDF (the demo's longest letter, in its own language: `correspondence.printing.letter_pdf`,
what its page's PDF link answers at once), the largest demo pledge's donor report PDF (what `aid.report`
prepares in the background), the letters register CSV and the office's whole archive (both prepared in the
background), and, as the same run's baseline, WeasyPrint drawing a one-line Persian page
(`core.pdf.html_to_pdf`). Decides whether the letter's PDF may stay immediate (well under a second).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function, runs: int) -> dict:
    function()  # warm-up: fonts loaded, templates compiled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hamdeli-bench-pdfs-"))
    os.environ.update({"HAMDELI_VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "hamdeli.settings",
                       "HAMDELI_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models.functions import Length
    from django.http import QueryDict

    from hamdeli.core import downloads
    from hamdeli.core.models import Membership, Role
    from hamdeli.core.pdf import html_to_pdf
    from hamdeli.core.tenancy import scopes_disabled
    from hamdeli.correspondence import printing
    from hamdeli.correspondence.models import Letter
    from hamdeli.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    load_demo(verbose=False)
    with scopes_disabled():
        letter = Letter.objects.select_related("org", "recipient_city").annotate(size=Length("body")).order_by(
            "-size").first()
        owner = Membership.objects.filter(org=letter.org, role=Role.OWNER).select_related("user").first()
        from hamdeli.aid.models import Pledge

        pledge = Pledge.objects.filter(org=letter.org).order_by("-pk").first()
        asked = downloads.Asked(org=letter.org, actor=owner.user, role=Role.OWNER, params=QueryDict(mutable=True))
        report_params = QueryDict(mutable=True)
        report_params["pledge"] = str(pledge.public_id)
        report = downloads.Asked(org=letter.org, actor=owner.user, role=Role.OWNER, params=report_params)
        baseline = '<html lang="fa" dir="rtl"><body><p>سلام</p></body></html>'
        figures = {
            "baseline_one_line_pdf": timed(lambda: html_to_pdf(baseline, lang="fa"), args.runs),
            "letter_pdf": timed(lambda: printing.letter_pdf(letter), args.runs),
            "donor_report_pdf": timed(lambda: downloads.kind_of("aid.report").build(report), args.runs),
            "letters_csv": timed(lambda: downloads.kind_of("correspondence.letters").build(asked), args.runs),
            "office_archive": timed(lambda: downloads.kind_of("core.office").build(asked).close(),
                                    max(2, args.runs // 5)),
        }
    base = figures["baseline_one_line_pdf"]["p50_ms"]
    for figure in figures.values():
        figure["ratio_to_baseline"] = round(figure["p50_ms"] / base, 2)
    result = {"letter_chars": len(letter.body), "letter_language": letter.language, "figures": figures,
              "load_average": os.getloadavg(), "cpus": os.cpu_count()}
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
