"""Pages stay fast at a million postings, and event payloads are not kept for ever.

Activity reads a status filter's newest rows, and counts them up to a bound, from an index on
(company_id, status, created_at, id), which replaces 0008's (company_id, status); the gateway
form pages its history from (gateway_id, id), which replaces the index on gateway_id alone. A
finished event's payload may be dropped (now nullable; the row and its (source, event_id)
stay), found through a partial index of the events that still keep one; a completed checkout
page keeps its payment's id, which was only in that payload.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KEPT = sa.text('payload IS NOT NULL')


def upgrade():
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index('ix_posting_company_id_status')
        batch_op.create_index('ix_posting_company_id_status_created_at_id',
                              ['company_id', 'status', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('gateway_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_gateway_audit_gateway_id')
        batch_op.create_index('ix_gateway_audit_gateway_id_id', ['gateway_id', 'id'],
                              unique=False)
    with op.batch_alter_table('gateway_event', schema=None) as batch_op:
        batch_op.alter_column('payload', existing_type=sa.JSON(), nullable=True)
    op.create_index('ix_gateway_event_processed_at_kept', 'gateway_event',
                    ['processed_at', 'id'], unique=False, sqlite_where=KEPT,
                    postgresql_where=KEPT)
    with op.batch_alter_table('checkout_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_id', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('checkout_session', schema=None) as batch_op:
        batch_op.drop_column('payment_id')
    op.drop_index('ix_gateway_event_processed_at_kept', table_name='gateway_event')
    # A dropped payload cannot come back: it becomes an empty object, which 0008's code reads
    # as an event with nothing in it (only finished events, which it never processes again).
    op.execute(sa.text("UPDATE gateway_event SET payload = '{}' WHERE payload IS NULL"))
    with op.batch_alter_table('gateway_event', schema=None) as batch_op:
        batch_op.alter_column('payload', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('gateway_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_gateway_audit_gateway_id_id')
        batch_op.create_index('ix_gateway_audit_gateway_id', ['gateway_id'], unique=False)
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index('ix_posting_company_id_status_created_at_id')
        batch_op.create_index('ix_posting_company_id_status', ['company_id', 'status'],
                              unique=False)
