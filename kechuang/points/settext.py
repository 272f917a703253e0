"""The indicator set as the editor's text: YAML with Chinese keys and Chinese values
(the stored form, `IndicatorSet.parse`'s, keeps its English keys and codes).

Both ways: `to_text(data)` writes 编号/名称/分组/权重…, names each data item by its
Chinese label, refers to groups and stages by their 名称, and spells direction and
method in words; `from_text(text)` reads that back to the stored form, and `lines`
tells on which line of the text each item (and each key) stands, so that a problem
names its line. A key the editor does not know is refused with its line, so a typo is
never silently dropped. The stored keys are accepted as well (the shipped YAML file).

Why text and not a form: a set has nested parts (sources of two fields, threshold
bands, per-stage weights); a form for each would be many pages, while a YAML text with
Chinese keys keeps the whole set on one screen, diffable and pasteable, and the weights
grid beside it covers the common edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kechuang.rules.points import POINT_FIELDS

# section → (its Chinese key, the Chinese keys of one of its items)
TOP = {
    "id": "编号",
    "title": "名称",
    "source": "依据说明",
    "groups": "分组",
    "stages": "发展阶段",
    "indicators": "指标",
    "bonus": "加分项",
    "negative": "扣分项",
    "tiers": "档次",
}
# Set by the system when a draft is saved (its version and year): not in the text.
SYSTEM = ("version", "year_from")
ITEM_KEYS: dict[str, dict[str, str]] = {
    "groups": {"id": "编号", "label": "名称"},
    "stages": {"id": "编号", "label": "名称", "revenue_below": "销售收入低于（万元）"},
    "indicators": {
        "id": "编号",
        "label": "名称",
        "group": "分组",
        "source": "数据来源",
        "direction": "方向",
        "method": "计分方法",
        "thresholds": "分档门槛",
        "weights": "权重",
        "step": "提升步长",
        "step_text": "步长说明",
    },
    "bonus": {"id": "编号", "label": "名称", "field": "数据项", "points": "分值"},
    "negative": {"id": "编号", "label": "名称", "field": "数据项", "points": "分值"},
    "tiers": {"id": "编号", "label": "名称", "top": "排名前（比例）"},
}
THRESHOLD_KEYS = {"at_least": "不低于", "score": "得分比例"}
SOURCE_KINDS = {"field": "数据项", "ratio": "比值", "growth": "增长率"}
DIRECTIONS = {"higher": "越大越好", "lower": "越小越好"}
METHODS = {"percentile": "同阶段百分位", "thresholds": "分档"}
FIELD_BY_LABEL = {f.label: f.key for f in POINT_FIELDS.values()}


def _flip(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


class _Dumper(yaml.SafeDumper):
    pass


def _inline(items: dict[str, Any]) -> Any:
    return _Flow(items)


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line ({名称: 技术创新, …})."""


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)


def to_text(data: Any) -> str:
    """The stored set as the editor's Chinese YAML."""
    if not isinstance(data, dict):
        return ""
    groups = {
        str(g.get("id")): str(g.get("label"))
        for g in data.get("groups") or []
        if isinstance(g, dict)
    }
    stages = {
        str(s.get("id")): str(s.get("label"))
        for s in data.get("stages") or []
        if isinstance(s, dict)
    }
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SYSTEM:
            continue
        zh = TOP.get(str(key), str(key))
        if key in ITEM_KEYS and isinstance(value, list):
            out[zh] = [_item_out(key, item, groups, stages) for item in value]
        else:
            out[zh] = value
    return str(yaml.dump(out, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))


def _field_label(key: Any) -> Any:
    return POINT_FIELDS[key].label if key in POINT_FIELDS else key


def _item_out(section: str, item: Any, groups: dict[str, str], stages: dict[str, str]) -> Any:
    if not isinstance(item, dict):
        return item
    names = ITEM_KEYS[section]
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "group":
            value = groups.get(str(value), value)
        elif key == "field":
            value = _field_label(value)
        elif key == "direction":
            value = DIRECTIONS.get(str(value), value)
        elif key == "method":
            value = METHODS.get(str(value), value)
        elif key == "source" and isinstance(value, dict):
            value = {
                SOURCE_KINDS.get(str(k), str(k)): (
                    [_field_label(f) for f in v] if isinstance(v, list) else _field_label(v)
                )
                for k, v in value.items()
            }
        elif key == "weights" and isinstance(value, dict):
            value = _inline({stages.get(str(k), str(k)): v for k, v in value.items()})
        elif key == "thresholds" and isinstance(value, list):
            value = [
                _inline({THRESHOLD_KEYS.get(str(k), str(k)): v for k, v in t.items()})
                if isinstance(t, dict)
                else t
                for t in value
            ]
        out[names.get(str(key), str(key))] = value
    # short items (groups, stages, tiers, bonus and negative items) on one line each
    return _inline(out) if section != "indicators" else out


# -- the text read back -----------------------------------------------------------------------


@dataclass
class Read:
    """The stored form of a text, the problems of its keys (each with its line), and
    the line of each item, by its 名称, for naming the line of a later problem."""

    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    item_lines: dict[str, int] = field(default_factory=dict)

    def with_lines(self, problems: list[str]) -> list[str]:
        """The set's problems, each led by the line of the first item it names."""
        out = []
        for p in problems:
            line = next((n for label, n in self.item_lines.items() if f"“{label}”" in p), None)
            out.append(f"第{line}行：{p}" if line is not None else p)
        return out


class TextError(ValueError):
    """The text is not YAML, or not a mapping: nothing can be read (with its line)."""


def from_text(text: str) -> Read:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise TextError(f"{where}格式错误，不是有效的YAML") from None
    if not isinstance(node, yaml.MappingNode):
        raise TextError("内容须为一个映射（键: 值）")
    return _Reader().run(node)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.item_lines: dict[str, int] = {}
        self.constructor = yaml.SafeLoader("")

    def value(self, node: yaml.Node) -> Any:
        return self.constructor.construct_object(node, deep=True)

    def key_of(self, node: yaml.Node, known: dict[str, str], where: str) -> str | None:
        """The stored key of a Chinese (or stored) key; None and a problem if unknown."""
        raw = str(self.value(node))
        back = _flip(known)
        if raw in back:
            return back[raw]
        if raw in known:
            return raw
        self.problems.append(
            f"第{node.start_mark.line + 1}行：{where}没有“{raw}”这一项"
            f"（可用：{'、'.join(known.values())}）"
        )
        return None

    def run(self, node: yaml.MappingNode) -> Read:
        raw: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if str(self.value(k)) in (*SYSTEM, "版本", "起始年度"):
                continue  # the system sets them on saving
            key = self.key_of(k, TOP, "指标体系")
            if key is not None:
                raw[key] = v
        data: dict[str, Any] = {}
        # groups and stages first: indicators name them by 名称
        order = [k for k in TOP if k in raw]
        lists: dict[str, list[Any]] = {}
        for key in order:
            v = raw[key]
            if key in ITEM_KEYS and isinstance(v, yaml.SequenceNode):
                lists[key] = [self.item(key, n) for n in v.value]
            else:
                data[key] = self.value(v)
        groups = _flip(
            {
                str(g.get("id")): str(g.get("label"))
                for g in lists.get("groups", [])
                if isinstance(g, dict)
            }
        )
        stages = _flip(
            {
                str(s.get("id")): str(s.get("label"))
                for s in lists.get("stages", [])
                if isinstance(s, dict)
            }
        )
        for key in order:
            if key not in lists:
                continue
            data[key] = [self.resolve(key, item, groups, stages) for item in lists[key]]
        return Read(data, self.problems, self.item_lines)

    def item(self, section: str, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.value(node)
        names = ITEM_KEYS[section]
        out: dict[str, Any] = {}
        where = f"{TOP[section]}的一项"
        for k, v in node.value:
            key = self.key_of(k, names, where)
            if key is None:
                continue
            if key == "thresholds" and isinstance(v, yaml.SequenceNode):
                bands = []
                for band in v.value:
                    if isinstance(band, yaml.MappingNode):
                        b: dict[str, Any] = {}
                        for bk, bv in band.value:
                            name = self.key_of(bk, THRESHOLD_KEYS, "分档门槛")
                            if name is not None:
                                b[name] = self.value(bv)
                        bands.append(b)
                    else:
                        bands.append(self.value(band))
                out[key] = bands
            elif key == "source" and isinstance(v, yaml.MappingNode):
                src: dict[str, Any] = {}
                for sk, sv in v.value:
                    name = self.key_of(sk, SOURCE_KINDS, "数据来源")
                    if name is not None:
                        src[name] = self.value(sv)
                out[key] = src
            else:
                out[key] = self.value(v)
        label = out.get("label")
        if isinstance(label, str) and label not in self.item_lines:
            self.item_lines[label] = node.start_mark.line + 1
        return out

    def resolve(
        self, section: str, item: Any, groups: dict[str, str], stages: dict[str, str]
    ) -> Any:
        """Chinese values back to codes (an unknown one is left for the set's checks)."""
        if not isinstance(item, dict):
            return item
        out = dict(item)
        if "group" in out:
            out["group"] = groups.get(str(out["group"]), out["group"])
        if "field" in out:
            out["field"] = FIELD_BY_LABEL.get(str(out["field"]), out["field"])
        if "direction" in out:
            out["direction"] = _flip(DIRECTIONS).get(str(out["direction"]), out["direction"])
        if "method" in out:
            out["method"] = _flip(METHODS).get(str(out["method"]), out["method"])
        if isinstance(out.get("source"), dict):
            out["source"] = {
                k: [FIELD_BY_LABEL.get(str(f), f) for f in v]
                if isinstance(v, list)
                else FIELD_BY_LABEL.get(str(v), v)
                for k, v in out["source"].items()
            }
        if isinstance(out.get("weights"), dict):
            out["weights"] = {stages.get(str(k), str(k)): v for k, v in out["weights"].items()}
        return out
