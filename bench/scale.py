"""Scale a loaded demo county up to a province-sized registry, in minutes (PostgreSQL).

The demo (`kechuang demo`, about 1,500 firms) is loaded through the services; this copies
its registry in SQL until there are `--enterprises` firms: each copy of a firm gets a new
valid USCC (GB 32100 check digits), a numbered name, its original's town or park, its
yearly facts (every amount scaled by a per-copy factor between 0.6 and 1.5, counts kept,
so ratios — and the rules' verdicts — vary with the original, not with the copy), their
revisions, IP items and certificates (numbers suffixed to stay unique). Everything the
list, the enterprise page, the indicators and the assessments read is there; the
cultivation pool, ledgers and programme applications stay those of the demo county.

    .venv/bin/python bench/scale.py --database-url postgres://…/h_load_province --enterprises 100000

It is also called by `bench/load.py --scale province`. One transaction; ANALYZE at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 2021
# A copy's amounts are its original's × (FACTOR_LO + k/100), k in [0, FACTOR_SPAN).
FACTOR_LO = 0.6
FACTOR_SPAN = 91


def _columns(model: type, skip: set[str]) -> list[str]:
    return [
        f.column
        for f in model._meta.concrete_fields  # type: ignore[attr-defined]
        if f.column not in skip and not f.primary_key
    ]


def _q(cols: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def scale_registry(*, enterprises: int, seed: int = SEED, log: bool = True) -> int:
    """Copy the registry until it holds `enterprises` firms; returns how many were added."""
    from django.db import connection, transaction

    from kechuang.enterprises.models import (
        Certificate,
        Enterprise,
        FactRevision,
        IPItem,
        YearlyFacts,
    )
    from kechuang.rules import uscc

    assert connection.vendor == "postgresql", "the scaler writes PostgreSQL SQL (COPY)"
    started = time.perf_counter()

    def say(msg: str) -> None:
        if log:
            print(f"  {time.perf_counter() - started:6.1f} s  {msg}", flush=True)

    base = list(Enterprise.objects.order_by("pk").values_list("pk", "region__code"))
    have = len(base)
    need = enterprises - have
    if need <= 0:
        say(f"{have:,} enterprises already: nothing to add")
        return 0
    rng = random.Random(seed)
    taken = set(Enterprise.objects.values_list("uscc", flat=True))
    # The copies are registered in the county of their original (its region code).
    rows = io.StringIO()
    for k in range(need):
        original, region = base[k % have]
        copy_no = k // have + 1
        while True:
            code = uscc.generate(rng, region=(region or "321283")[:6])
            if code not in taken:
                taken.add(code)
                break
        factor = FACTOR_LO + rng.randrange(FACTOR_SPAN) / 100
        rows.write(f"{original}\t{copy_no}\t{code}\t{factor:.2f}\n")
    say(f"{need:,} new codes generated")
    e_cols = _columns(Enterprise, {"uscc", "name"})
    f_cols = _columns(YearlyFacts, {"enterprise_id"})
    money = {f.column for f in YearlyFacts._meta.concrete_fields if f.name.endswith("_yuan")}
    r_cols = _columns(FactRevision, {"facts_id"})
    ip_cols = _columns(IPItem, {"enterprise_id", "number"})
    c_cols = _columns(Certificate, {"enterprise_id", "number"})
    ent = Enterprise._meta.db_table
    facts = YearlyFacts._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE scale_map (original integer, copy_no integer, uscc varchar(18),"
            " factor numeric(4, 2), new_id integer) ON COMMIT DROP"
        )
        rows.seek(0)
        with cur.cursor.copy("COPY scale_map (original, copy_no, uscc, factor) FROM STDIN") as copy:
            copy.write(rows.getvalue())
        cur.execute(
            f"INSERT INTO {ent} (uscc, name, {_q(e_cols)}) "
            f"SELECT m.uscc, e.name || '（' || m.copy_no || '）', "
            f"{', '.join('e.' + c for c in e_cols)} "
            f"FROM scale_map m JOIN {ent} e ON e.id = m.original ORDER BY m.original, m.copy_no"
        )
        cur.execute(f"UPDATE scale_map m SET new_id = e.id FROM {ent} e WHERE e.uscc = m.uscc")
        cur.execute("CREATE INDEX ON scale_map (original)")
        say(f"{need:,} enterprises")
        sel = [f"round(f.{c} * m.factor, 2)" if c in money else f"f.{c}" for c in f_cols]
        cur.execute(
            f"INSERT INTO {facts} (enterprise_id, {_q(f_cols)}) "
            f"SELECT m.new_id, {', '.join(sel)} FROM scale_map m "
            f"JOIN {facts} f ON f.enterprise_id = m.original"
        )
        say(f"{cur.rowcount:,} yearly facts")
        rev = FactRevision._meta.db_table
        cur.execute(
            f"INSERT INTO {rev} (facts_id, {_q(r_cols)}) "
            f"SELECT nf.id, {', '.join('r.' + c for c in r_cols)} FROM scale_map m "
            f"JOIN {facts} of ON of.enterprise_id = m.original "
            f"JOIN {rev} r ON r.facts_id = of.id "
            f"JOIN {facts} nf ON nf.enterprise_id = m.new_id AND nf.fiscal_year = of.fiscal_year"
        )
        say(f"{cur.rowcount:,} fact revisions")
        for model, cols in ((IPItem, ip_cols), (Certificate, c_cols)):
            table = model._meta.db_table
            cur.execute(
                f"INSERT INTO {table} (enterprise_id, number, {_q(cols)}) "
                f"SELECT m.new_id, left(t.number, 33) || '-' || m.copy_no, "
                f"{', '.join('t.' + c for c in cols)} FROM scale_map m "
                f"JOIN {table} t ON t.enterprise_id = m.original"
            )
            say(f"{cur.rowcount:,} {model._meta.verbose_name}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    say("ANALYZE")
    # raw SQL sends no signals: the cached complete years and counts start again
    from kechuang.core.cache import registry_changed

    registry_changed()
    return need


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--enterprises", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    scale_registry(enterprises=args.enterprises)


if __name__ == "__main__":
    main()
