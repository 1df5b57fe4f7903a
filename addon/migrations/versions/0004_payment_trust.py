"""What trustworthy payments need: unmatched payments, attempt generations of idempotency keys,
customer credit from overpayments, the Checkout Sessions opened per invoice, and no stored
Stripe tokens (calls use the platform key with Stripe-Account; only the scope is kept).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_STATUSES = ('pending', 'processing', 'done', 'failed', 'ignored')
NEW_STATUSES = OLD_STATUSES + ('unmatched',)


def _statuses(values):
    return "status IN ({})".format(", ".join(f"'{value}'" for value in values))


def _replace_status_check(table, name, values):
    """The enum's CHECK constraint (named by the metadata's convention) with other values."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, _statuses(values))


def upgrade():
    _replace_status_check('posting', 'posting_status', NEW_STATUSES)
    _replace_status_check('gateway_event', 'event_status', NEW_STATUSES)
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('credit_minor', sa.BigInteger(), nullable=True))
        batch_op.alter_column('ledger_object_id', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)

    with op.batch_alter_table('gateway', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=64), nullable=True))
    op.execute("UPDATE gateway SET credentials = NULL")

    op.create_table('checkout_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('gateway_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_checkout_session_company_id_company')),
    sa.ForeignKeyConstraint(['gateway_id'], ['gateway.id'], name=op.f('fk_checkout_session_gateway_id_gateway')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkout_session')),
    sa.UniqueConstraint('gateway_id', 'session_id', name=op.f('uq_checkout_session_gateway_id_session_id'))
    )
    with op.batch_alter_table('checkout_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkout_session_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkout_session_invoice_id'), ['invoice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('checkout_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkout_session_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_checkout_session_company_id'))
    op.drop_table('checkout_session')
    with op.batch_alter_table('gateway', schema=None) as batch_op:
        batch_op.drop_column('scope')
    op.execute("UPDATE posting SET status = 'ignored' WHERE status = 'unmatched'")
    op.execute("UPDATE gateway_event SET status = 'ignored' WHERE status = 'unmatched'")
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.alter_column('ledger_object_id', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
        batch_op.drop_column('credit_minor')
        batch_op.drop_column('generation')
    _replace_status_check('gateway_event', 'event_status', OLD_STATUSES)
    _replace_status_check('posting', 'posting_status', OLD_STATUSES)
