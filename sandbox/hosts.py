"""Which real vendor host each sandbox path stands in for.

The add-on always builds the vendors' real URLs; in sandbox mode `to_sandbox` swaps the origin for
the stand-in's, so the code path is the same in both modes. Cassettes recorded against the
sandbox go the other way (`to_real`) so they read like real vendor traffic.
"""

from __future__ import annotations

# real origin → path under the sandbox root. One real origin per prefix, so both ways are exact.
HOSTS: dict[str, str] = {
    "https://appcenter.intuit.com": "/quickbooks/appcenter",
    "https://oauth.platform.intuit.com": "/quickbooks/oauth",
    "https://developer.api.intuit.com": "/quickbooks/developer",
    "https://sandbox-accounts.platform.intuit.com": "/quickbooks/accounts",
    "https://sandbox-quickbooks.api.intuit.com": "/quickbooks/api",
    "https://login.xero.com": "/xero/login",
    "https://identity.xero.com": "/xero/identity",
    "https://api.xero.com": "/xero/api",
    "https://connect.stripe.com": "/stripe/connect",
    "https://checkout.stripe.com": "/stripe/checkout",
    "https://api.stripe.com": "/stripe/api",
}


def to_sandbox(url: str, sandbox_root: str) -> str:
    for origin, prefix in HOSTS.items():
        if url == origin or url.startswith(origin + "/"):
            return sandbox_root.rstrip("/") + prefix + url[len(origin):]
    raise ValueError(f"No sandbox stand-in for {url}")


def to_real(url: str, sandbox_root: str) -> str:
    root = sandbox_root.rstrip("/")
    for origin, prefix in HOSTS.items():
        if url == root + prefix or url.startswith(root + prefix + "/"):
            return origin + url[len(root + prefix):]
    return url
