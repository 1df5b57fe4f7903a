"""Per gateway and currency, the account a lost dispute is booked to; empty means the fees
account, so existing gateways need nothing.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gateway_currency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_losses_account_id', sa.String(length=64),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('gateway_currency', schema=None) as batch_op:
        batch_op.drop_column('dispute_losses_account_id')
