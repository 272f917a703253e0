"""A labelled set of experts and demands (bench/data/match_labelled.yaml), loaded through
the services, for measuring the matching (bench/match_quality.py) and testing it. Its
records are written for the purpose and kept apart from the demo county's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kechuang.matching import selectors, services
from kechuang.matching.models import Expert

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "match_labelled.yaml"


@dataclass(frozen=True)
class Case:
    title: str
    text: str
    domain: str
    expert_id: int


def load_labelled(actor: Any, path: Path = LABELLED) -> tuple[dict[str, Expert], list[Case]]:
    """Write the set's institutions and experts; return the experts by key and the
    demands with the id of their right expert."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    insts = {
        i["key"]: services.institution_save(
            actor=actor,
            via="command",
            data={"name": i["name"], "kind": i["kind"], "city": i.get("city", "")},
        )
        for i in data["institutions"]
    }
    experts = {
        x["key"]: services.expert_save(
            actor=actor,
            via="command",
            data={
                "name": x["name"],
                "institution": insts[x["inst"]],
                "domain": x["domain"],
                "fields": x["fields"],
                "achievements": x.get("achievements", ""),
                "title": "教授",
            },
        )
        for x in data["experts"]
    }
    cases = [
        Case(d["title"], d["text"], d["domain"], experts[d["expert"]].pk) for d in data["demands"]
    ]
    return experts, cases


@dataclass(frozen=True)
class Quality:
    n: int
    recall_at_5: float
    mrr: float
    misses: list[tuple[str, int | None]]


def evaluate(cases: list[Case], *, use_domain: bool = True) -> Quality:
    """recall@5 (the right expert among the first five) and MRR over the cases."""
    hits, rr, misses = 0, 0.0, []
    for c in cases:
        ranked = selectors.rank_for(
            text=f"{c.title} {c.text}", domain=c.domain if use_domain else "", limit=50
        ).get("expert", [])
        refs = [m.entry.ref for m in ranked if m.entry.kind == "expert"]
        rank = refs.index(c.expert_id) + 1 if c.expert_id in refs else None
        if rank is not None and rank <= 5:
            hits += 1
        if rank is not None:
            rr += 1 / rank
        if rank != 1:
            misses.append((c.title, rank))
    n = len(cases)
    return Quality(n, hits / n if n else 0.0, rr / n if n else 0.0, misses)
