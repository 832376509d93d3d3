"""Initial schema: units, users, matters, revisions, reviews, follow-ups, outcomes, audit chain.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 04:22:54.187619
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    audit_head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The chain's head exists from the start, so that concurrent first writers lock it rather than race to create it.
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity_entity_id', ['entity', 'entity_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_path'), ['path'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('current_revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_month', sa.String(length=7), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_matters_created_by_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_matters_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matters'))
    )
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matters_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_level'), ['level'], unique=False)
        batch_op.create_index('ix_matters_state_submitted_at', ['state', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index('ix_matters_unit_id_state', ['unit_id', 'state'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_outcomes_matter_id_matters')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_outcomes_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_matter_id'), ['matter_id'], unique=False)

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('measures', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('ruleset_id', sa.String(length=100), nullable=True),
    sa.Column('ruleset_version', sa.String(length=50), nullable=True),
    sa.Column('ruleset_hash', sa.String(length=80), nullable=True),
    sa.Column('model_version', sa.String(length=80), nullable=True),
    sa.Column('level_before', sa.String(length=8), nullable=True),
    sa.Column('level_after', sa.String(length=8), nullable=True),
    sa.Column('index_after', sa.Float(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['based_on_id'], ['revisions.id'], name=op.f('fk_revisions_based_on_id_revisions')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_revisions_created_by_users')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_revisions_matter_id_matters'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_revisions_submitted_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    sa.UniqueConstraint('matter_id', 'number', name='uq_revisions_matter_id_number')
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_matter_id'), ['matter_id'], unique=False)

    op.create_table('measure_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('responsible_unit', sa.String(length=200), nullable=True),
    sa.Column('responsible_leader', sa.String(length=100), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_measure_followups_matter_id_matters')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_measure_followups_revision_id_revisions')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_measure_followups_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_followups'))
    )
    with op.batch_alter_table('measure_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_followups_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_followups_matter_id'), ['matter_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('level_from', sa.String(length=8), nullable=True),
    sa.Column('level_to', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_reviews_matter_id_matters')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_reviews_reviewer_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_reviews_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_revision_id'), ['revision_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_revision_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_matter_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('measure_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_followups_matter_id'))
        batch_op.drop_index(batch_op.f('ix_measure_followups_due_date'))

    op.drop_table('measure_followups')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_matter_id'))

    op.drop_table('revisions')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_matter_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_unit_id_state')
        batch_op.drop_index(batch_op.f('ix_matters_submitted_at'))
        batch_op.drop_index('ix_matters_state_submitted_at')
        batch_op.drop_index(batch_op.f('ix_matters_level'))
        batch_op.drop_index(batch_op.f('ix_matters_kind'))

    op.drop_table('matters')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_path'))
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity_entity_id')

    op.drop_table('audit_log')
    op.drop_table('audit_head')
