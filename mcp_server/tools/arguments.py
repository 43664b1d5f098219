"""A tool whose arguments are one pydantic model, published flat.

The SDK builds a tool's input schema from its function's parameters. Our tools take
their arguments as one model instead (``query`` takes the ``QuerySpec`` the semantic
layer compiles, ``onboard_tenant`` the ``OnboardRequest`` onboarding runs), so that
each shape is defined once and the REST mirror can use the same model.
``model_arguments`` gives such a function the signature the SDK expects: one
keyword parameter per field of the model, with the field's type, constraints,
description and default, so agents see exactly the model's fields as the tool's
arguments.

Arguments are validated against the model once per call, before the tool runs
(``GataMCP.call_tool``), so every tool refuses unknown arguments and reports a bad
one by field in the same words.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context
from pydantic import BaseModel

ArgsT = TypeVar("ArgsT", bound=BaseModel)
ResultT = TypeVar("ResultT")
ToolFn = Callable[..., Awaitable[Any]]
INPUT_MODEL = "__gata_input_model__"


def model_arguments(
    model: type[ArgsT],
) -> Callable[[Callable[[ArgsT, Context[Any, Any]], Awaitable[ResultT]]], Callable[..., Awaitable[ResultT]]]:
    """Decorate ``async def tool(args: Model, ctx: Context) -> Result`` so the SDK publishes Model's fields."""

    def decorate(
        fn: Callable[[ArgsT, Context[Any, Any]], Awaitable[ResultT]],
    ) -> Callable[..., Awaitable[ResultT]]:
        async def tool(ctx: Context[Any, Any], **fields: Any) -> ResultT:
            return await fn(model.model_validate(fields), ctx)

        params = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[field.annotation, field],
                default=inspect.Parameter.empty if field.is_required() else field,
            )
            for name, field in model.model_fields.items()
        ]
        params.append(inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context))
        returns = inspect.signature(fn, eval_str=True).return_annotation
        tool.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
        tool.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}
        tool.__name__ = tool.__qualname__ = fn.__name__
        tool.__doc__ = inspect.cleandoc(fn.__doc__ or "")
        tool.__module__ = fn.__module__
        setattr(tool, INPUT_MODEL, model)
        return tool

    return decorate


def input_model(fn: Callable[..., Any]) -> type[BaseModel] | None:
    """The model a tool function takes its arguments as (None for a plain SDK tool)."""
    found = getattr(fn, INPUT_MODEL, None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None
