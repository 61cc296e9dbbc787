"""The marker table that identifies a coordinator database and holds its schema version."""

from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    __tablename__ = "coordinator_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""
