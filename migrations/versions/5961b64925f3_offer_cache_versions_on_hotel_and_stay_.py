"""offer cache versions on hotel and stay; folded search text on services

Revision ID: 5961b64925f3
Revises: 675cc7edf6d0
Create Date: 2026-12-04 20:08:41.556499

"""
import json
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5961b64925f3'
down_revision = '675cc7edf6d0'
branch_labels = None
depends_on = None


# A frozen copy of app/services/catalog_search.fold as it was when this ran: migrations never
# import the app, whose code moves on.
_PLAIN = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ı": "i", "ß": "ss"})


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.translate(_PLAIN).split())


def _texts(value):
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return [text for text in (value or {}).values() if text and text.strip()]


def upgrade():
    with op.batch_alter_table("hotel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catalog_version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bookings_version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))

    service = sa.table("service", sa.column("id", sa.Integer), sa.column("title", sa.JSON),
                       sa.column("summary", sa.JSON), sa.column("search_text", sa.Text))
    connection = op.get_bind()
    for row in connection.execute(sa.select(service.c.id, service.c.title, service.c.summary)).all():
        folded = (_fold(text) for text in [*_texts(row.title), *_texts(row.summary)])
        text = "\n".join(dict.fromkeys(folded))
        connection.execute(service.update().where(service.c.id == row.id).values(search_text=text))


def downgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.drop_column("bookings_version")
    with op.batch_alter_table("hotel", schema=None) as batch_op:
        batch_op.drop_column("catalog_version")
