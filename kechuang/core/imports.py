"""Import and export kinds: one frame for every sheet a user uploads or downloads.

Each app declares its kinds in its contributions (`IMPORTS`); the one `/imports/` page
and the one `kechuang import|export|template KIND` command read them here. A kind
checks and (with `commit`) writes a whole sheet in one transaction, and answers with an
`ImportPlan`: the rows it would write (new / changed / unchanged, with their changes)
and every error, naming row and column. Its export writes the same columns, so that an
export edited in Excel imports back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.tabular import Column


@dataclass
class RowResult:
    row: int
    status: str  # new | changed | unchanged
    key: str
    name: str = ""
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # FieldError
    warnings: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def counts(self) -> dict[str, int]:
        out = {
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "errors": len(self.errors),
            "rows": len(self.rows),
        }
        for r in self.rows:
            out[r.status] += 1
        return out

    @property
    def ok(self) -> bool:
        return not self.errors


Runner = Callable[..., ImportPlan]  # (*, actor, data, filename, commit) -> ImportPlan
Exporter = Callable[..., tuple[list[str], Iterable[list[Any]]]]  # (*, actor, region, year)


def _anyone(actor: Any) -> tuple[bool, str]:
    return True, ""


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: str
    columns: list[Column]
    run: Runner
    permission: Callable[[Any], tuple[bool, str]] = _anyone
    note: str = ""
    aliases: tuple[str, ...] = ()
    template_lists: Callable[[], dict[str, list[str]]] | None = None
    export: Exporter | None = None
    order: int = 100


def kinds() -> dict[str, ImportKind]:
    """Every declared kind, by key, in order."""
    from kechuang.core.registry import collect

    found = sorted(collect("IMPORTS"), key=lambda k: (k.order, k.key))
    return {k.key: k for k in found}


def get_kind(key: str) -> ImportKind:
    found = kinds()
    for kind in found.values():
        if key == kind.key or key in kind.aliases:
            return kind
    raise ValidationFailed([], f"未知的导入类型“{key}”，可选：{'、'.join(found)}")


def kinds_for(actor: Any) -> list[ImportKind]:
    """The kinds `actor` may import."""
    return [k for k in kinds().values() if k.permission(actor)[0]]


def import_run(*, actor: Any, kind: str, data: bytes, filename: str, commit: bool) -> ImportPlan:
    """Check (and with `commit`, write) a sheet of `kind` as `actor`."""
    spec = get_kind(kind)
    allowed, reason = spec.permission(actor)
    if not allowed:
        raise PermissionDenied(reason)
    return spec.run(actor=actor, data=data, filename=filename, commit=commit)


def export_rows(
    *, actor: Any, kind: str, region: str = "", year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    """Headers and rows of `kind` in its import layout, as `actor` may see them."""
    spec = get_kind(kind)
    if spec.export is None:
        raise ValidationFailed([], f"“{spec.title}”没有导出")
    allowed, reason = spec.permission(actor)
    if not allowed:
        raise PermissionDenied(reason)
    return spec.export(actor=actor, region=region, year=year)
