"""Re-record the gateway cassettes from Remit's sandbox (no gateway reached):

    .venv/bin/python -m tests.gateways.record [test paths] [extra pytest arguments]

Exactly tests/connectors/record.py (the whole sandbox on loopback, --record-mode=rewrite,
requests mapped back to the real hosts, then a replay in a fresh interpreter), aimed at
tests/gateways, so no connector cassette is rewritten.
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
