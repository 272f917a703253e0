"""Charts of the report as PNG, rendered server-side with matplotlib and the CJK font
the server has (fonts-wqy-microhei)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
BLUE, ORANGE, GREEN, GREY = "#1F4E79", "#E07B39", "#3A9A5B", "#A6A6A6"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if CJK_FONT.exists():
        font_manager.fontManager.addfont(str(CJK_FONT))
        name = font_manager.FontProperties(fname=str(CJK_FONT)).get_name()
        plt.rcParams["font.family"] = [name]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def trend_chart(
    years: list[int], series: dict[str, list[float | None]], labels: dict[str, str]
) -> bytes:
    """Bars for the first series, lines for the others, over five years."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    x = list(range(len(years)))
    colors = [BLUE, ORANGE, GREEN, GREY]
    for i, (key, values) in enumerate(series.items()):
        ys = [v if v is not None else float("nan") for v in values]
        if i == 0:
            bars = ax.bar(
                x,
                [0 if v is None else v for v in values],
                color=colors[0],
                width=0.5,
                label=labels[key],
            )
            ax.bar_label(bars, labels=["" if v is None else f"{v:g}" for v in values], fontsize=8)
        else:
            ax.plot(x, ys, marker="o", color=colors[i % 4], label=labels[key])
            for xi, v in zip(x, values, strict=True):
                if v is not None:
                    ax.annotate(
                        f"{v:g}",
                        (xi, v),
                        textcoords="offset points",
                        xytext=(0, 5),
                        ha="center",
                        fontsize=8,
                        color=colors[i % 4],
                    )
    ax.set_xticks(x, [f"{y}年" for y in years])
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(series)
    )
    ax.set_title("近五年科技创新主体发展情况", fontsize=11)
    return _png(fig)


def bar_chart(
    names: list[str],
    values: list[float | None],
    title: str,
    unit: str,
    highlight: str | None = None,
) -> bytes:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    heights = [0 if v is None else v for v in values]
    colors = [ORANGE if n == highlight else BLUE for n in names]
    bars = ax.bar(range(len(names)), heights, color=colors, width=0.55)
    ax.bar_label(bars, labels=["无数据" if v is None else f"{v:g}" for v in values], fontsize=8)
    many = len(names) > 8  # slanted, each label ending under its bar, so long names never overlap
    ax.set_xticks(
        range(len(names)),
        names,
        fontsize=8,
        rotation=45 if many else 0,
        ha="right" if many else "center",
        rotation_mode="anchor",
    )
    ax.set_ylabel(unit, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=11)
    return _png(fig)
