"""Steps that leave Remit (a ledger's or a gateway's sign-in and consent pages) when Remit runs
inside QuickBooks or Xero.

Those vendors' pages refuse to be framed, so a framed Remit opens them in a window of its own
(remit.js adds `window=popup` to the link); the step starts here remembering that, and where it
finishes Remit answers with a page that sends the framed Remit to the landing page and closes
itself (or, without JavaScript or an opener, says the window can be closed and links on).
Outside a frame nothing changes: the links open in the same window (`target="_top"`).
"""

from __future__ import annotations

from flask import redirect, render_template, request, session

POPUP = "finish_in_popup"  # carried over a new sign-in (addon/current.py CARRIED_OVER)


def framed_request() -> bool:
    """The browser is loading this step inside a frame (a marketplace's launch link, a page
    without JavaScript): the vendor's page would be refused there."""
    return request.headers.get("Sec-Fetch-Dest") in ("iframe", "frame")


def leave_frame_page(destination: str):
    """Instead of a vendor's page the frame would refuse: a button that opens it outside."""
    return render_template("auth/leave_frame.html", destination=destination,
                           url=request.full_path if request.query_string else request.path)


def remember_window() -> None:
    """At the start of a step that leaves Remit: does it run in a window of its own?"""
    if request.args.get("window") == "popup":
        session[POPUP] = True
    else:
        session.pop(POPUP, None)


def finish(landing: str):
    """At the step's successful end: the landing page, or the page that hands it back to the
    framed Remit when the step ran in a window of its own."""
    if session.pop(POPUP, False):
        # The step's messages ("connected again") are for the window that carries on.
        pending = session.pop("_flashes", None)
        page = render_template("auth/finished_outside.html", landing=landing)
        if pending:
            session["_flashes"] = pending
        return page
    return redirect(landing)
