"""Matching quality over a labelled set (run by hand, not a test).

    .venv/bin/python bench/match_quality.py [--database-url postgres://…/h_x]

Loads bench/data/match_labelled.yaml (40 experts written for the purpose, 68 technology
demands each with the expert a bureau officer would introduce; not the demo's records)
through the services, ranks the experts for each demand as the demand page does
(`matching.selectors.rank_for`: matched words weighted by rarity, same technology domain,
past cooperation) and prints recall@5 (right expert among the first five) and MRR, with
and without the domain bonus, and the demands whose right expert is not first. Everything
it writes is rolled back. Target (issue #17): recall@5 ≥ 0.8.
"""

from __future__ import annotations

import argparse

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    engine = setup(args.database_url, "match_quality")

    from django.db import transaction

    from kechuang.accounts.models import User
    from kechuang.matching.samples import evaluate, load_labelled

    with transaction.atomic():
        staff = User.objects.create(username="bench-staff", role="staff", is_superuser=True)
        _, cases = load_labelled(staff)
        full = evaluate(cases)
        text_only = evaluate(cases, use_domain=False)
        transaction.set_rollback(True)
    print(f"engine: {engine}; labelled demands: {full.n}")
    print(f"recall@5 = {full.recall_at_5:.3f}   MRR = {full.mrr:.3f}   (words + domain)")
    print(f"recall@5 = {text_only.recall_at_5:.3f}   MRR = {text_only.mrr:.3f}   (words only)")
    for title, rank in full.misses:
        print(f"  not first: {title} → rank {rank if rank is not None else '未进入候选'}")


if __name__ == "__main__":
    main()
