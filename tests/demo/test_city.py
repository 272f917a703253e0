"""The city demo's other counties (`kechuang demo --city`), drawn without a database:
every firm moved into its county (valid USCC with the county's code, the county's
areas and name), 泰兴市's real seed firms left out, certificate numbers apart from
泰兴市's."""

from __future__ import annotations

from kechuang.demo import city
from kechuang.demo.generate import generate
from kechuang.demo.lexicon import SEED_FIRMS
from kechuang.rules import uscc


def test_other_counties_are_their_own():
    data = generate(city.CITY_SEED)
    counties = city.split_counties(data)
    areas = {s.name: s.parent for s in city.peer_area_specs()}
    seed_names = {s.name for s in SEED_FIRMS}
    seen: set[str] = set()
    total = 0
    for county, d in counties:
        assert 150 < len(d.enterprises) < 500, county.name
        total += len(d.enterprises)
        for row in d.enterprises:
            check = uscc.validate(row["uscc"])
            assert check.ok and not check.warnings, row["uscc"]
            assert row["uscc"][2:8] == county.code
            assert areas[row["region"]] == county.code
            assert row["address"].startswith(county.name + row["region"])
            assert "泰兴" not in row["name"] and row["name"] not in seed_names
            assert row["uscc"] not in seen
            seen.add(row["uscc"])
        codes = {r["uscc"] for r in d.enterprises}
        for rows in (d.facts, d.corrections, d.ip_items, d.certificates):
            assert {r["uscc"] for r in rows} <= codes
        for row in d.certificates:
            if row["number"].startswith("GR"):
                assert int(row["number"][8:]) >= 10000  # 泰兴市's serials stay below
            else:
                assert "321283" not in row["number"]
    assert total == sum(1 for f in data.firms if not f.seed)
