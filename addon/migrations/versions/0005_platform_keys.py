"""Ledger platforms are plugins: the platform columns hold any registered key (checked by the
registry, addon/platforms.py) instead of a closed list with a CHECK constraint, so a new
ledger needs no migration.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (table, the enum's name, which its CHECK constraint is named after)
COLUMNS = (
    ('company', 'platform'),
    ('platform_connection', 'connection_platform'),
    ('oauth_handoff', 'handoff_platform'),
    ('user', 'user_platform'),
)
BUILT_IN = ('quickbooks', 'xero')


def upgrade():
    for table, name in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.alter_column('platform', existing_type=sa.VARCHAR(length=32),
                                  type_=sa.String(length=32), existing_nullable=False)


def downgrade():
    # Refused while a company, user or grant uses a plugin ledger: the old CHECK would not hold.
    allowed = ", ".join(f"'{key}'" for key in BUILT_IN)
    for table, name in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(name, f"platform IN ({allowed})")
