"""The baseline: a Flask endpoint that only answers 200, served the same way as the add-on."""

from flask import Flask

app = Flask(__name__)


@app.post("/webhooks/stripe")
def receive():
    return {"received": True}
