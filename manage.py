#!/usr/bin/env python
"""manage.py = `kechuang` = `python -m kechuang`."""

from kechuang.__main__ import main

if __name__ == "__main__":
    main()
