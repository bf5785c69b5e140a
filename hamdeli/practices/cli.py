"""`hamdeli practices reindex` and `hamdeli practices evaluate`."""

import json


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

    from hamdeli.core.models import Organization
    from hamdeli.practices.evaluation import load_samples, read_queries, recall_at

    org = Organization.objects.filter(slug=args.org).first()
    if org is None:
        print(f"no organization {args.org!r}; load the demo first (hamdeli demo)")
        return 1
    with transaction.atomic():  # the samples are loaded for the measurement only, then rolled back
        practices = load_samples(org=org, actor=None, visibility="private")
        report = recall_at(org=org, practices=practices, queries=read_queries(args.queries))
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
    p.set_defaults(handler=_evaluate)
