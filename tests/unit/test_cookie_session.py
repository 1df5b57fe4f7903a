"""The session's signing serializer is built once per key set (addon/cookie_session.py), and a
new key set is honoured at once: a cookie signed with a retired key still opens while that key is
a fallback, and not after."""

from flask import Flask, session

from addon.cookie_session import CachedSerializerSessionInterface


def _app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "first"
    app.session_interface = CachedSerializerSessionInterface()

    @app.get("/set")
    def set_value():
        session["who"] = "ada"
        return "ok"

    @app.get("/get")
    def get_value():
        return session.get("who", "nobody")

    return app


def test_one_serializer_serves_every_request_with_the_same_keys():
    app = _app()
    interface = app.session_interface
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_a_rotated_key_is_used_at_once_and_the_old_one_only_as_a_fallback():
    app = _app()
    client = app.test_client()
    client.get("/set")
    assert client.get("/get").text == "ada"
    app.secret_key = "second"
    app.config["SECRET_KEY_FALLBACKS"] = ["first"]
    assert client.get("/get").text == "ada"  # signed with "first", still accepted
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/get").text == "nobody"  # "first" retired: the cookie no longer opens
