"""The posting engine: gateway money movements become ledger postings (pure), and the runner."""
