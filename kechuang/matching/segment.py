"""Chinese word segmentation for search and matching (rjieba, the Rust binding of jieba).

Documents and queries go through the same `terms()`: jieba's search mode (which also
yields the two-character words inside longer ones: 动力电池 → 动力, 电池, 动力电池),
plus the two-character pieces of any longer word jieba does not know, so that a word
missing from its dictionary is still found by its parts. Single characters and common
words that say nothing about a technology (技术, 研究, 提升 …) are dropped."""

from __future__ import annotations

import re
import unicodedata

import rjieba

# Words that appear in nearly every demand and profile; matching on them says nothing.
STOPWORDS = frozenset(
    """
    技术 研究 开发 研发 提升 提高 应用 企业 需求 问题 解决 相关 方面 进行 实现 方法 工艺 产品
    项目 合作 专家 领域 方向 我们 公司 需要 希望 能够 以及 及其 其中 通过 采用 基于 关键 主要
    有限公司 有限 集团 大学 学院 研究院 研究所 教授 研究员 博士 副教授 高级 工程师 国家 省级
    一种 一个 方案 系统 改进 优化 降低 减少 增加 现有 目前 存在 难题 攻关 服务 开展 支持 推动
    """.split()
)

_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+\-]*|[\u4e00-\u9fff]+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def terms(text: str) -> list[str]:
    """The distinct terms of `text`, in order of first appearance."""
    out: dict[str, None] = {}
    for run in _WORD.findall(normalise(text)):
        if not _CJK.match(run):
            if len(run) >= 2 and run not in STOPWORDS:
                out[run] = None
            continue
        for word in rjieba.cut_for_search(run):
            if len(word) < 2 or word in STOPWORDS:
                continue
            out[word] = None
            if len(word) >= 3 and _CJK.match(word) and not rjieba.has_word(word):
                for i in range(len(word) - 1):
                    piece = word[i : i + 2]
                    if piece not in STOPWORDS:
                        out[piece] = None
    return list(out)


def indexed(text: str) -> str:
    """What the full-text index stores: the terms, space-separated."""
    return " ".join(terms(text))
