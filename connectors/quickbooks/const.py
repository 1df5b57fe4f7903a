"""QuickBooks Online constants: pinned API version, hosts and the error mapping tables."""

from __future__ import annotations

from connectors.base import AuthError, ConnectorError, RateLimited, Rejected, VendorUnavailable

# Intuit serves every minor version below 75 as 75 since 1 Aug 2025; pin it so a library default
# can never move us. https://blogs.intuit.com/2025/01/21/changes-to-our-accounting-api-that-may-impact-your-application/
MINOR_VERSION = 75

# Accounting API roots. Sandbox mode (Remit's own sandbox/) only swaps this base URL.
PRODUCTION_API_BASE = "https://quickbooks.api.intuit.com/v3"
SANDBOX_API_BASE = "https://sandbox-quickbooks.api.intuit.com/v3"

# OAuth endpoints (Intuit's discovery documents; the same for development and production keys).
TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"  # noqa: S105 (a URL)
REVOKE_URL = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"

# Intuit sends no Retry-After with its throttle (reference §3.1: "On 429 wait 60 s").
THROTTLE_WAIT_SECONDS = 60.0
# The fault code of Intuit's ThrottleExceeded, whatever HTTP status carries it.
THROTTLE_FAULT = "3001"

# Intuit's largest query page; python-quickbooks' all() would stop at 100 rows.
MAX_PAGE_SIZE = 1000

# Refresh this long before the access token expires, so no call starts with a dying token.
REFRESH_AHEAD_SECONDS = 120

# Field limits checked before a write, so a too-long value fails here rather than at Intuit:
# `requestid` (https://blogs.intuit.com/2015/04/06/15346/), Payment.PaymentRefNum and
# PrivateNote (Intuit's 2050 "String length" faults) [verify the two field limits].
REQUEST_ID_LIMIT = 50
PAYMENT_REF_LIMIT = 21
DOC_NUMBER_LIMIT = 21  # a transaction's DocNumber (reference no.) [verify]
PRIVATE_NOTE_LIMIT = 4000


class TokenRejected(AuthError):
    """HTTP 401 from the Accounting API: the access token expired or was revoked. The connector
    refreshes once and retries; callers see it as the AuthError it is."""


class StaleObject(Rejected):
    """Intuit's 5010 "Stale Object Error": something the write touched (an invoice) was saved by
    someone else meanwhile. Unlike other refusals, the same request may succeed when sent again
    (with the same requestid), so `transient` is True."""

    transient = True

# HTTP statuses that decide the error on their own, whatever the body says. python-quickbooks
# drops the status (except 401), so the client reads it from the response.
# https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
STATUS_ERRORS: dict[int, type[ConnectorError]] = {
    401: TokenRejected,  # token expired or revoked (gateway "AuthenticationFailed", 3200)
    403: AuthError,  # token not valid for this company ("ApplicationAuthorizationFailed", 3100)
    429: RateLimited,  # ThrottleExceeded, 3001
}

# Intuit Fault codes (Fault.Error[0].code) that are not "the request was wrong". Any other fault
# on a non-5xx answer is a Rejected. https://developer.intuit.com/hub/blog/2017/06/08/top-quickbooks-online-api-errors-and-how-to-handle-them
FAULT_CODE_ERRORS: dict[int, type[ConnectorError]] = {
    100: AuthError,  # General Authentication Error
    120: AuthError,  # Authorization Failure: the user lost rights to the company
    3001: RateLimited,  # ThrottleExceeded (sometimes sent with 200/400/403 instead of 429)
    3100: AuthError,  # ApplicationAuthorizationFailed
    3200: AuthError,  # AuthenticationFailed
    10000: VendorUnavailable,  # SystemFault "An application error has occurred": resubmit
}

# Refusals that carry Intuit's Detail like any Rejected, but deserve their own class.
REJECTED_FAULTS: dict[int, type[Rejected]] = {
    5010: StaleObject,  # Stale Object Error
}
