from decimal import Decimal

from kechuang.targets.growth import cagr, competition_rank, mean_rate, percent, yoy


def test_yoy_is_the_change_over_last_year():
    assert yoy(100, 129) == Decimal("0.29")
    assert yoy(0, 5) is None and yoy(None, 5) is None


def test_mean_rate_averages_the_three_yearly_rates():
    # 100 → 150 → 180 → 216: rates 0.5, 0.2, 0.2 → mean 0.3
    assert mean_rate([100, 150, 180, 216]) == Decimal("0.3")
    assert mean_rate([100, None, 180, 216]) is None


def test_cagr_is_the_compound_rate():
    assert cagr(100, 121, 2) == Decimal("0.1")
    assert cagr(100, 133.1 if False else Decimal("133.1"), 3) == Decimal("0.1")
    assert cagr(0, 10, 3) is None


def test_percent_rounds_half_up_for_display_only():
    assert percent(Decimal("0.265650")) == Decimal("26.57")
    assert percent(Decimal("0.468"), 1) == Decimal("46.8")


def test_competition_ranking_gives_ties_the_same_rank_and_skips():
    ranks = competition_rank([("a", 10), ("b", 10), ("c", 8), ("d", None), ("e", 12)])
    assert ranks == {"e": 1, "a": 2, "b": 2, "c": 4, "d": None}
