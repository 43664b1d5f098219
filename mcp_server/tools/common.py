"""Pieces the tools share: the argument base model, the admin-only ``tenant`` argument, annotations."""

from __future__ import annotations

from typing import Annotated

from mcp_types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from semantic_configs.semantics import Name

READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

TenantArg = Annotated[
    Name | None,
    Field(
        description="Admin sessions only: the tenant to read. Tenant-scoped sessions leave it out (naming another "
        "tenant is refused).",
        examples=["tyrell_corp"],
    ),
]


class Arguments(BaseModel):
    """A tool's arguments: unknown ones are refused, so an agent learns of its mistake instead of being
    silently ignored."""

    model_config = ConfigDict(extra="forbid")
