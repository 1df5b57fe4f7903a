"""Background tasks (Huey). Each runs in an app context and retries with backoff.

Tasks arrive with the features that need them: processing webhook events, posting to the
ledger, refreshing the chart of accounts.
"""

from addon.queue import app_task, huey  # noqa: F401  (re-exported for task modules)
