"""Two things the gateway settings need: a version counter per gateway, so a second tab saving
the same gateway is told it changed meanwhile instead of overwriting it, and, per gateway and
currency, whether pay links use that gateway when several active gateways of a company collect
the currency (none marked: the oldest). Existing rows start at version 1, none marked.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gateway', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('gateway_currency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pay_links', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('gateway_currency', schema=None) as batch_op:
        batch_op.drop_column('pay_links')
    with op.batch_alter_table('gateway', schema=None) as batch_op:
        batch_op.drop_column('version')
