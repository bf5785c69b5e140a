"""`hamdeli practices reindex` and `hamdeli practices evaluate`."""

import json

from hamdeli.core.tenancy import across_offices


@across_offices("the search index covers every office's practices")
def _reindex(args) -> int:
    from tqdm import tqdm

    from hamdeli.practices import services
    from hamdeli.practices.models import Practice
    from hamdeli.practices.search import keyword

    rows = Practice.objects.select_related("city").order_by("pk")
    if args.embeddings:
        Practice.objects.update(embedding=None)
    for practice in tqdm(rows.iterator(chunk_size=500), total=rows.count(), unit="practice", desc="search text"):
        services.refresh_derived(practice, embed=False)
        Practice.objects.filter(pk=practice.pk).update(search_text=practice.search_text,
                                                       topics_key=practice.topics_key, languages=practice.languages)
    keyword.rebuild()
    done = services.embed_missing(progress=lambda chunks: tqdm(chunks, unit="batch", desc="embeddings"))
    print(f"keyword index rebuilt; {done} embedding(s) computed")
    return 0


def _evaluate(args) -> int:
    from django.db import transaction

    from hamdeli.core import selectors as core
    from hamdeli.practices.evaluation import load_samples, read_queries, recall_at

    org = core.office(args.org)
    if org is None:
        print(f"no organization {args.org!r}; load the demo first (hamdeli demo)")
        return 1
    with transaction.atomic():  # the samples are loaded for the measurement only, then rolled back
        practices = load_samples(org=org, actor=None, visibility="private")
        report = recall_at(org=org, practices=practices, queries=read_queries(args.queries))
        transaction.set_rollback(True)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def _import(args) -> int:
    from pathlib import Path

    from django.db import transaction

    from hamdeli.core import selectors as core
    from hamdeli.core.errors import ServiceError
    from hamdeli.practices import exchange

    org = core.office(args.org)
    if org is None:
        print(f"no organization {args.org!r}")
        return 1
    path = Path(args.file)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}")
        return 1
    fmt = args.format or ("csv" if path.suffix.lower() == ".csv" else "json")
    try:
        with transaction.atomic():
            result = exchange.import_practices(org=org, actor=None, content=content, format=fmt)
    except ServiceError as exc:
        print(exc.message)
        for field, message in (exc.fields or {}).items():
            print(f"  {field}: {message}")
        return 2
    for practice in result.practices:
        print(practice.public_id)
    if result.embeddings == "done":
        print(f"{len(result.practices)} practice(s) imported and embedded")
    else:
        print(f"{len(result.practices)} practice(s) imported; embeddings are computed in the background by "
              "hamdeli worker (hamdeli practices reindex computes any left)")
    return 0


def _evaluate_crosslingual(args) -> int:
    from django.db import transaction

    from hamdeli.core import selectors as core
    from hamdeli.practices.evaluation import evaluate, load_crosslingual, read_crosslingual

    org = core.office(args.org)
    if org is None:
        print(f"no organization {args.org!r}; load the demo first (hamdeli demo)")
        return 1
    data = read_crosslingual(args.queries)
    with transaction.atomic():  # loaded for the measurement only, then rolled back
        practices = load_crosslingual(org=org, actor=None, data=data)
        report = evaluate(org=org, practices=practices, data=data)
        transaction.set_rollback(True)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def register(sub) -> None:
    practices = sub.add_parser("practices", help="practice exchange").add_subparsers(dest="practices_command",
                                                                                   required=True)
    p = practices.add_parser("reindex", help="rebuild the keyword index and compute missing embeddings")
    p.add_argument("--embeddings", action="store_true", help="recompute every embedding, not only missing ones")
    p.set_defaults(handler=_reindex)
    p = practices.add_parser("evaluate", help="recall@5 of keyword, semantic and hybrid search on the query set")
    p.add_argument("--org", default="isfahan")
    p.add_argument("--queries", default=None, help="a JSON query file (default: tests/practices/eval_queries.json)")
    p.add_argument("--crosslingual", action="store_const", const=_evaluate_crosslingual, dest="handler",
                   help="per query language x practice language: all expected in the top 5, top 1 and MRR of each "
                        "mode on tests/practices/data/crosslingual_eval.json, with same-language distractors")
    p.set_defaults(handler=_evaluate)
    p = practices.add_parser("import", help="import practices from a JSON or CSV file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--org", default="isfahan")
    p.add_argument("--format", choices=("json", "csv"), default=None, help="default: from the file's extension")
    p.set_defaults(handler=_import)
