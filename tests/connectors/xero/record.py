"""Re-record only Xero's cassettes from Remit's sandbox (no vendor reached):

    .venv/bin/python -m tests.connectors.xero.record [extra pytest arguments]

Exactly tests/connectors/record.py (whole sandbox on loopback, --record-mode=rewrite, requests
mapped back to Xero's real hosts, then a replay in a fresh interpreter), aimed at this folder
alone so another vendor's cassettes are neither rewritten nor needed to collect.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.connectors import record as shared


def main(argv: list[str]) -> int:
    shared.HERE = Path(__file__).resolve().parent
    return shared.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
