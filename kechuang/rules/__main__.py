"""`python -m kechuang.rules` → kechuang.rules.cli.main."""

from __future__ import annotations

import sys

from kechuang.rules.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
