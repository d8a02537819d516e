#!/usr/bin/env python
"""Django's command-line utility; `casustafel` (installed console command) does the same."""

from casustafel.cli import main

if __name__ == "__main__":
    main()
