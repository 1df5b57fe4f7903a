import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from addon import create_app, settings
from addon.settings import SETTINGS, SettingsError, from_environment, resolve

README = Path(__file__).resolve().parents[2] / "README.md"


def test_typed_values_are_parsed_and_defaults_filled(tmp_path):
    values = from_environment(
        {"REMIT_HUEY_IMMEDIATE": "yes", "REMIT_HTTP_TIMEOUT": "7.5", "REMIT_ENV": "development"}
    )
    assert values["HUEY_IMMEDIATE"] is True
    assert values["HTTP_TIMEOUT"] == 7.5
    resolved = resolve(values, tmp_path)
    assert resolved["DATABASE_URL"] == f"sqlite:///{tmp_path / 'remit.sqlite3'}"
    assert resolved["SANDBOX_URL"] == "http://127.0.0.1:5000/sandbox"
    assert resolved["SANDBOX_MODE"] is True


def test_malformed_values_name_the_setting():
    with pytest.raises(SettingsError, match="REMIT_HUEY_IMMEDIATE must be true or false"):
        from_environment({"REMIT_HUEY_IMMEDIATE": "perhaps"})
    with pytest.raises(SettingsError, match="REMIT_HTTP_TIMEOUT must be a number"):
        from_environment({"REMIT_HTTP_TIMEOUT": "soon"})


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    values = from_environment({"REMIT_ENV": "production"})
    with pytest.raises(SettingsError) as refused:
        resolve(values, tmp_path)
    assert "REMIT_SECRET_KEY and REMIT_ENCRYPTION_KEYS" in str(refused.value)
    with pytest.raises(SettingsError, match="without REMIT_ENCRYPTION_KEYS"):
        create_app({"ENV": "production", "SECRET_KEY": "s", "ENCRYPTION_KEYS": None})


def test_a_bad_encryption_key_is_named_but_not_echoed(tmp_path):
    good = Fernet.generate_key().decode()
    values = from_environment({"REMIT_ENCRYPTION_KEYS": f"{good},not-a-key-xyz"})
    with pytest.raises(SettingsError) as refused:
        resolve(values, tmp_path)
    assert "key #2" in str(refused.value)
    assert "not-a-key-xyz" not in str(refused.value)
    assert good not in str(refused.value)


def test_development_keys_are_generated_once_and_kept(tmp_path):
    first = resolve(from_environment({}), tmp_path)
    second = resolve(from_environment({}), tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["ENCRYPTION_KEYS"] == second["ENCRYPTION_KEYS"]
    assert (tmp_path / "development-secrets.json").stat().st_mode & 0o077 == 0


def test_vendor_credentials_leave_sandbox_mode(tmp_path):
    values = from_environment({"REMIT_STRIPE_CLIENT_ID": "ca_123"})
    assert resolve(values, tmp_path)["SANDBOX_MODE"] is False


def test_readme_documents_every_setting_and_no_other():
    documented = set(re.findall(r"`REMIT_([A-Z_]+)`", README.read_text()))
    known = {setting.name for setting in SETTINGS}
    assert known - documented == set(), "settings missing from README"
    assert documented - known - {"REQUIRE_BROWSER"} == set(), "README names unknown settings"
    assert settings.PREFIX == "REMIT_"


def test_plain_postgresql_urls_use_psycopg3(tmp_path):
    values = from_environment({"REMIT_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    url = resolve(values, tmp_path)["DATABASE_URL"]
    assert url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
