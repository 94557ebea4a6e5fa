"""cases of one workflow under an organization, read from the index alone (monthly report)

At 1,000,000 cases PostgreSQL read the whole cases table for a township's report; with this index
it reads the township's case ids from the index (index-only scan) and their events by case.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:40:00.000000
"""

from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_org_workflow", "cases", ["org_id", "workflow", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cases_org_workflow", table_name="cases")
