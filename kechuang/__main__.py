"""The `kechuang` command (= `python -m kechuang` = manage.py).

With no arguments, `help` or `--help` it prints a table of Kechuang's own commands first
(rich), then Django's; `assess` runs the rules engine directly (no Django start-up);
everything else is Django's management utility.
"""

from __future__ import annotations

import os
import sys

OUR_APPS_PREFIX = "kechuang."


def _print_help() -> None:
    import django
    from django.core.management import get_commands, load_command_class
    from rich.console import Console
    from rich.table import Table

    django.setup()
    console = Console()
    ours = Table(title="科创云 Kechuang — 命令 commands", show_lines=False, title_justify="left")
    ours.add_column("command", style="bold cyan", no_wrap=True)
    ours.add_column("what it does")
    django_names: list[str] = []
    for name, app in sorted(get_commands().items()):
        if app.startswith(OUR_APPS_PREFIX):
            cmd = load_command_class(app, name)
            ours.add_row(name, (cmd.help or "").strip().splitlines()[0] if cmd.help else "")
        else:
            django_names.append(name)
    console.print(ours)
    console.print(
        "Usage: kechuang COMMAND [options]   ·   kechuang COMMAND --help for a command's options\n"
        "Django commands: " + ", ".join(django_names),
        highlight=False,
        markup=False,
    )


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) >= 2 and argv[1] == "assess":
        # The rules engine needs no database: skip Django's start-up (about half a
        # second per call); the `assess` management command runs the very same code.
        from kechuang.rules.cli import main as assess_main

        code = assess_main(["assess", *argv[2:]], prog="kechuang")
        sys.stdout.flush()
        if code:
            sys.exit(code)
        return
    if len(argv) < 2 or (argv[1] in ("help", "--help", "-h") and len(argv) == 2):
        _print_help()
        return
    from django.core.management import execute_from_command_line

    argv[0] = "kechuang"
    try:
        execute_from_command_line(argv)
    except Exception as exc:
        from django.conf import settings

        from kechuang.core.outage import cli_message, database_unreachable

        if not database_unreachable(exc):
            raise
        # One line an operator can act on, instead of the driver's long traceback.
        print(cli_message(settings.DATABASES["default"]), file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
