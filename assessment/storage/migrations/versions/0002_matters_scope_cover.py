"""Matters: one covering index for a jurisdiction's queue and dashboard, replacing (unit_id, state).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_unit_id_state')
        batch_op.create_index('ix_matters_scope_cover',
                              ['unit_id', 'state', 'level', 'kind', 'submitted_month', 'submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_scope_cover')
        batch_op.create_index('ix_matters_unit_id_state', ['unit_id', 'state'], unique=False)
