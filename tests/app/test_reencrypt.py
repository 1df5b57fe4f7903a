"""Key rotation: put a new key first, run `flask remit reencrypt`, then the old key can go."""

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from addon.crypto import UndecryptableSecret
from addon.extensions import db
from addon.models import Company, Gateway, Platform, PlatformConnection
from tests.conftest import TEST_KEYS


def stored_secrets():
    return (
        db.session.scalars(sa.select(PlatformConnection.refresh_token)).one(),
        db.session.scalars(sa.select(Gateway.credentials)).one(),
    )


def test_reencrypt_moves_every_secret_to_the_newest_key(app, make_app):
    company = Company(platform=Platform.XERO, external_id="t-1", name="Org", home_currency="EUR")
    db.session.add(company)
    db.session.flush()
    company.connection = PlatformConnection(platform=Platform.XERO, refresh_token="rt-secret")
    db.session.add(Gateway(company_id=company.id, kind="stripe", credentials='{"k": "v"}'))
    db.session.commit()
    db.session.remove()

    new_key = Fernet.generate_key().decode()
    both = make_app(ENCRYPTION_KEYS=f"{new_key},{TEST_KEYS[0]}")
    with both.app_context():
        result = both.test_cli_runner().invoke(args=["remit", "reencrypt"])
        assert result.exit_code == 0, result.output
        assert "Re-encrypted 2 stored secret(s)" in result.output
        assert "rt-secret" not in result.output
        db.session.remove()

    only_new = make_app(ENCRYPTION_KEYS=new_key)
    with only_new.app_context():
        assert stored_secrets() == ("rt-secret", '{"k": "v"}')
        db.session.remove()

    only_old_gone = make_app(ENCRYPTION_KEYS=TEST_KEYS[1])
    with only_old_gone.app_context(), pytest.raises(UndecryptableSecret) as refused:
        stored_secrets()
    assert "rt-secret" not in str(refused.value)
    with only_old_gone.app_context():
        db.session.remove()
