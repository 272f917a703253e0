"""`python -m kechuang.rules assess …` — the plain entry point (wrapped by `kechuang assess`).

    assess INPUT [--rules ids|all] [--as-of DATE] [--format json|jsonl|csv|xlsx|parquet]
           [--out PATH]
    assess --template out.xlsx
    docs [--check]

Exit status: 0 done; 2 invalid input or arguments (every error on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

import polars as pl

from kechuang.rules.evaluate import assess
from kechuang.rules.explain import document, records
from kechuang.rules.inputs import InputError, load
from kechuang.rules.model import RuleSet
from kechuang.rules.outputs import OUTPUT_FORMATS, render, write_template, write_xlsx
from kechuang.rules.rulesets import UnknownRuleSet, select
from kechuang.rules.table import (
    table_frame,
    table_inputs,
    write_csv_table,
    write_table_parquet,
)

LARGE = 50_000  # rows from which a progress bar is shown
CHUNK = 250_000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 too; keep the message Chinese-friendly
        self.print_usage(sys.stderr)
        print(f"参数错误: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(prog: str = "python -m kechuang.rules") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="科创云 认定规则评价")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="评价企业（高企、科小、培育库）")
    a.add_argument("input", nargs="?", type=Path, help=".xlsx .csv .parquet .json .jsonl")
    a.add_argument(
        "--rules", default=None, help="规则集，逗号分隔，或 all（默认：评价日期有效的全国性规则集）"
    )
    a.add_argument("--as-of", default=None, help="评价日期 YYYY-MM-DD（默认今天）")
    a.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="输出格式（默认按 --out 后缀，否则 json）",
    )
    a.add_argument(
        "--out", type=Path, default=None, help="输出文件（默认标准输出；xlsx、parquet 必须指定）"
    )
    a.add_argument("--template", type=Path, default=None, help="写出空白输入模板 .xlsx 后退出")
    d = sub.add_parser("docs", help="由代码生成 docs/rules/*.md")
    d.add_argument("--check", action="store_true", help="只检查，不一致时退出码1")
    d.add_argument("--dir", type=Path, default=None)
    return parser


def _fail(errors: Sequence[str]) -> int:
    print(f"输入无效，共 {len(errors)} 处错误，未做评价、未写出任何文件：", file=sys.stderr)
    for e in errors:
        print(e, file=sys.stderr)
    return 2


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A rich progress bar on stderr for large inputs; a no-op otherwise."""
    if total < LARGE:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        yield progress


def _atomic_write(path: Path, write: Any) -> None:
    """Write to a temporary file beside `path`, then rename: no partial output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_assess(
    input_path: Path, *, rules: str | None, as_of: date, fmt: str, out: Path | None
) -> int:
    try:
        rulesets: list[RuleSet] = select(rules, as_of)
    except UnknownRuleSet as exc:
        return _fail([str(exc)])
    if not input_path.exists():
        return _fail([f"第1行 输入: 文件不存在 {input_path}"])
    try:
        parsed = load(input_path, as_of=as_of)
    except InputError as exc:
        return _fail(exc.errors)
    for w in parsed.warnings:
        print(f"警告: {w}", file=sys.stderr)
    facts = parsed.facts
    if fmt == "csv":
        return _write_csv(facts, rulesets, as_of=as_of, out=out)
    if fmt == "parquet":
        if out is None:
            return _fail(["parquet 格式须用 --out 指定输出文件"])
        return _write_parquet(facts, rulesets, as_of=as_of, out=out)
    with _progress(facts.height) as progress:
        task = progress.add_task("评价", total=facts.height) if progress else None
        parts: list[pl.DataFrame] = []
        for start in range(0, max(facts.height, 1), CHUNK):
            chunk = facts.slice(start, CHUNK)
            parts.append(assess(chunk, rulesets, as_of=as_of))
            if progress is not None and task is not None:
                progress.advance(task, chunk.height)
        evaluated = pl.concat(parts) if len(parts) > 1 else parts[0]
        if progress is not None:
            task = progress.add_task("生成结果", total=evaluated.height * len(rulesets))

        def results() -> Iterator[dict[str, Any]]:
            for r in records(evaluated, rulesets):
                if progress is not None:
                    progress.advance(task, 1)
                yield r

        if fmt == "xlsx":
            if out is None:
                return _fail(["xlsx 格式须用 --out 指定输出文件"])
            _atomic_write(out, lambda p: write_xlsx(results(), rulesets, p))
            return 0
        listed = list(results())
        text = render(listed, document(as_of, rulesets, listed), fmt, rulesets)
    if out is None:
        sys.stdout.write(text)
    else:
        _atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"))
    return 0


def _table_chunks(
    facts: pl.DataFrame, rulesets: Sequence[RuleSet], *, as_of: date, for_csv: bool
) -> Iterator[pl.DataFrame]:
    """The flat table a chunk of rows at a time, from decisions-only runs that compute
    just the columns the table reads (it has no notes or remedies); with a progress bar."""
    needed = table_inputs(rulesets)
    with _progress(facts.height) as progress:
        task = progress.add_task("评价", total=facts.height) if progress else None
        for start in range(0, max(facts.height, 1), CHUNK):
            chunk = facts.slice(start, CHUNK)
            evaluated = assess(chunk, rulesets, as_of=as_of, detail=False, columns=needed)
            yield table_frame(evaluated, rulesets, for_csv=for_csv)
            if progress is not None and task is not None:
                progress.advance(task, chunk.height)


def _write_csv(
    facts: pl.DataFrame, rulesets: Sequence[RuleSet], *, as_of: date, out: Path | None
) -> int:
    """The flat table as CSV, written chunk by chunk."""

    def write(stream: IO[bytes]) -> None:
        chunks = _table_chunks(facts, rulesets, as_of=as_of, for_csv=True)
        for i, table in enumerate(chunks):
            write_csv_table(table, stream, header=i == 0)

    if out is None:
        write(sys.stdout.buffer)
        sys.stdout.flush()
    else:

        def to_file(path: Path) -> None:
            with path.open("wb") as stream:
                write(stream)

        _atomic_write(out, to_file)
    return 0


def _write_parquet(
    facts: pl.DataFrame, rulesets: Sequence[RuleSet], *, as_of: date, out: Path
) -> int:
    """The flat table as one typed Parquet file (our addition to assess.md's formats, for
    large batches): the same rows and columns as the csv table."""
    tables = list(_table_chunks(facts, rulesets, as_of=as_of, for_csv=False))
    _atomic_write(out, lambda path: write_table_parquet(tables, path))
    return 0


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m kechuang.rules") -> int:
    args = build_parser(prog).parse_args(list(argv) if argv is not None else None)
    if args.command == "docs":
        from kechuang.rules.docs import write_docs

        stale = write_docs(args.dir, check=args.check)
        for name in stale:
            print(f"{'过期' if args.check else '已更新'}: {name}", file=sys.stderr)
        return 1 if (args.check and stale) else 0
    if args.template is not None:
        _atomic_write(args.template, write_template)
        return 0
    if args.input is None:
        return _fail(["请给出输入文件，或用 --template 生成模板"])
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        return _fail([f"--as-of “{args.as_of}”不是日期（YYYY-MM-DD）"])
    fmt = args.format
    if fmt is None:
        suffix = args.out.suffix.lower().lstrip(".") if args.out else ""
        fmt = suffix if suffix in OUTPUT_FORMATS else "json"
    return run_assess(args.input, rules=args.rules, as_of=as_of, fmt=fmt, out=args.out)
