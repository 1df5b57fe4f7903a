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
    assert resolved["BASE_URL"] == "http://127.0.0.1:5000"
    assert resolved["SANDBOX_URL"] == "http://127.0.0.1:5000/sandbox"
    assert resolved["QUICKBOOKS_ENVIRONMENT"] == "sandbox"
    assert resolved["SANDBOX_MODE"] is False  # only the development stack hands stand-ins in


def test_malformed_values_name_the_setting():
    with pytest.raises(SettingsError, match="REMIT_HUEY_IMMEDIATE must be true or false"):
        from_environment({"REMIT_HUEY_IMMEDIATE": "perhaps"})
    with pytest.raises(SettingsError, match="REMIT_HTTP_TIMEOUT must be a number"):
        from_environment({"REMIT_HTTP_TIMEOUT": "soon"})


PRODUCTION = {
    "REMIT_ENV": "production",
    "REMIT_SECRET_KEY": "secret-key-value-1",
    "REMIT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "REMIT_BASE_URL": "https://remit.example.com",
    "REMIT_STRIPE_CLIENT_ID": "ca_value_2",
    "REMIT_STRIPE_SECRET_KEY": "sk_live_value_3",
    "REMIT_STRIPE_WEBHOOK_SECRET": "whsec_value_4",
    "REMIT_QUICKBOOKS_CLIENT_ID": "qb-value-5",
    "REMIT_QUICKBOOKS_CLIENT_SECRET": "qb-value-6",
    "REMIT_XERO_CLIENT_ID": "xero-value-7",
    "REMIT_XERO_CLIENT_SECRET": "xero-value-8",
}


def refusal(environ: dict[str, str], tmp_path, **handed_in) -> str:
    with pytest.raises(SettingsError) as refused:
        resolve({**from_environment(environ), **handed_in}, tmp_path)
    message = str(refused.value)
    for name, value in environ.items():
        if name != "REMIT_ENV":
            assert value not in message, f"{name}'s value echoed"
    return message


def test_production_starts_with_every_setting_and_talks_to_the_real_vendors(tmp_path):
    resolved = resolve(from_environment(PRODUCTION), tmp_path)
    assert resolved["SANDBOX_MODE"] is False and resolved["VENDOR_HOSTS"] == {}
    assert resolved["QUICKBOOKS_ENVIRONMENT"] == "production"
    one_ledger = {k: v for k, v in PRODUCTION.items() if not k.startswith("REMIT_XERO")}
    assert resolve(from_environment(one_ledger), tmp_path)["SANDBOX_MODE"] is False
    chosen = {**PRODUCTION, "REMIT_QUICKBOOKS_ENVIRONMENT": "sandbox"}
    assert resolve(from_environment(chosen), tmp_path)["QUICKBOOKS_ENVIRONMENT"] == "sandbox"


def test_production_names_each_missing_setting_and_no_value(tmp_path):
    message = refusal({"REMIT_ENV": "production"}, tmp_path)
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS", "BASE_URL", "STRIPE_CLIENT_ID",
                 "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "QUICKBOOKS_CLIENT_ID",
                 "QUICKBOOKS_CLIENT_SECRET", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET"):
        assert f"REMIT_{name}" in message
    for name in ("REMIT_SECRET_KEY", "REMIT_STRIPE_WEBHOOK_SECRET", "REMIT_BASE_URL"):
        message = refusal({k: v for k, v in PRODUCTION.items() if k != name}, tmp_path)
        assert f"missing {name}." in message


def test_production_names_the_missing_half_of_a_ledger_pair(tmp_path):
    no_xero = {k: v for k, v in PRODUCTION.items() if not k.startswith("REMIT_XERO")}
    half = {**no_xero, "REMIT_XERO_CLIENT_ID": "xero-value-7"}
    assert "missing REMIT_XERO_CLIENT_SECRET." in refusal(half, tmp_path)
    no_ledger = {k: v for k, v in no_xero.items() if not k.startswith("REMIT_QUICKBOOKS")}
    secret_only = {**no_ledger, "REMIT_QUICKBOOKS_CLIENT_SECRET": "qb-value-6"}
    message = refusal(secret_only, tmp_path)
    assert "missing REMIT_QUICKBOOKS_CLIENT_ID;" in message
    assert "REMIT_XERO_CLIENT_SECRET" in message  # still no complete ledger app


def test_production_needs_an_https_base_url_set_on_purpose(tmp_path):
    plain = {**PRODUCTION, "REMIT_BASE_URL": "http://remit.example.com"}
    assert "REMIT_BASE_URL must be an https:// URL" in refusal(plain, tmp_path)


def test_sandbox_mode_is_impossible_in_production(tmp_path):
    stand_ins = {"https://api.stripe.com": "http://127.0.0.1:5000/sandbox/stripe/api"}
    assert "development only" in refusal(PRODUCTION, tmp_path, VENDOR_HOSTS=stand_ins)


def test_create_app_refuses_production_without_its_secrets():
    with pytest.raises(SettingsError, match="missing REMIT_ENCRYPTION_KEYS"):
        create_app({**{k.removeprefix("REMIT_"): v for k, v in PRODUCTION.items()},
                    "ENV": "production", "ENCRYPTION_KEYS": None})


def test_an_unknown_quickbooks_environment_is_named(tmp_path):
    values = from_environment({"REMIT_QUICKBOOKS_ENVIRONMENT": "staging"})
    with pytest.raises(SettingsError, match="REMIT_QUICKBOOKS_ENVIRONMENT"):
        resolve(values, tmp_path)


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


def test_stand_ins_handed_in_make_sandbox_mode(tmp_path):
    stand_ins = {"https://api.stripe.com": "http://127.0.0.1:5000/sandbox/stripe/api"}
    values = {**from_environment({}), "VENDOR_HOSTS": stand_ins}
    assert resolve(values, tmp_path)["SANDBOX_MODE"] is True


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
