"""Indexes that keep pages fast as a company's data grows: Activity pages postings newest first
by (created_at, id) per company, so one page is read from an index instead of sorting every
posting, and counts them per status from an index; the gateway form picks a role's accounts by company, currency and type.

Revision ID: 0008
Revises: 0007
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.create_index('ix_posting_company_id_created_at_id',
                              ['company_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_posting_company_id_status', ['company_id', 'status'],
                              unique=False)
    with op.batch_alter_table('account_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_account_snapshot_company_id_currency_account_type',
                              ['company_id', 'currency', 'account_type'], unique=False)


def downgrade():
    with op.batch_alter_table('account_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_account_snapshot_company_id_currency_account_type')
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index('ix_posting_company_id_status')
        batch_op.drop_index('ix_posting_company_id_created_at_id')
