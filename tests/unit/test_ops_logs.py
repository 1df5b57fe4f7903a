"""Log lines: JSON in production by default, each with the request id being handled."""

import io
import json
import logging

import pytest

from addon.ops import logs
from addon.settings import SettingsError, from_environment, resolve
from tests.unit.test_settings import PRODUCTION


def test_production_logs_json_and_elsewhere_text_unless_told(tmp_path):
    assert resolve(from_environment(PRODUCTION), tmp_path)["LOG_FORMAT"] == "json"
    assert resolve(from_environment({}), tmp_path)["LOG_FORMAT"] == "text"
    told = {"REMIT_LOG_FORMAT": "json"}
    assert resolve(from_environment(told), tmp_path)["LOG_FORMAT"] == "json"
    with pytest.raises(SettingsError, match="REMIT_LOG_FORMAT"):
        resolve(from_environment({"REMIT_LOG_FORMAT": "xml"}), tmp_path)


def test_a_json_line_carries_the_request_id_and_the_exception():
    stream = io.StringIO()
    logger = logging.getLogger("remit.test.json")
    logger.addHandler(logs.handler("json", stream))
    logger.propagate = False
    token = logs.current_request_id.set("req-42")
    try:
        logger.warning("posting %s: outcome=%s", 7, "posted")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logs.current_request_id.reset(token)
    logger.warning("outside any request")
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "posting 7: outcome=posted" and first["level"] == "WARNING"
    assert first["request_id"] == "req-42" and first["logger"] == "remit.test.json"
    assert "time" in first
    assert second["request_id"] == "req-42" and "ValueError: boom" in second["exception"]
    assert "request_id" not in third
