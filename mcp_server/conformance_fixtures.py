"""The official MCP conformance suite's fixtures, served on GATA's own HTTP app: a test aid, never a feature.

Most of the suite's server scenarios (``@modelcontextprotocol/conformance``) call tools,
resources and prompts with fixed names (``test_image_content``, ``test://static-text``,
``test_prompt_with_image``, ...) that only the SDKs' reference "everything" servers
offer. To let the suite exercise *our* transport stack (the Host/Origin policy, the
bearer-token middleware, streamable HTTP with its SSE streams, the session manager, the
scope-dependent listings and the per-call metrics), :func:`install` adds those fixtures
to a server made by :func:`mcp_server.server.build_server`, and :func:`main` serves it
through :func:`mcp_server.server.http_app`, the same factory ``gata serve`` uses, with a
resumable event store so the SSE-polling scenario can reconnect with ``Last-Event-ID``.

Nothing in GATA imports this module: ``gata serve`` never lists a fixture (a test
checks). ``scripts/conformance.py`` starts it as::

    python -m mcp_server.conformance_fixtures --port PORT

Each fixture answers exactly what the suite's scenario text asks for; the constants
below are the suite's own test payloads (a 1x1 red PNG, a 2-sample WAV).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import warnings
from collections import deque
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types import (
    AudioContent,
    CallToolResult,
    EmbeddedResource,
    EmptyResult,
    ImageContent,
    JSONRPCMessage,
    Resource,
    SamplingMessage,
    SubscribeRequestParams,
    TextContent,
    TextResourceContents,
    UnsubscribeRequestParams,
)

from mcp_server.server import GataMCP

PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
WAV_TINY = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
# the SSE-polling scenario's client waits this long (ms) before reconnecting with Last-Event-ID
RETRY_MS = 200

TOOLS = (
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_tool_with_logging",
    "test_tool_with_progress",
    "test_error_handling",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
    "test_reconnection",
    "json_schema_2020_12_tool",
)
RESOURCES = ("test://static-text", "test://static-binary", "test://watched-resource")
TEMPLATES = ("test://template/{id}/data",)
PROMPTS = (
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
)

# advertised verbatim: the scenario checks that $schema, $defs and additionalProperties survive listing
JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": False,
}

DEFAULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "User name", "default": "John Doe"},
        "age": {"type": "integer", "description": "User age", "default": 30},
        "score": {"type": "number", "description": "User score", "default": 95.5},
        "status": {
            "type": "string",
            "description": "User status",
            "enum": ["active", "inactive", "pending"],
            "default": "active",
        },
        "verified": {"type": "boolean", "description": "Verification status", "default": True},
    },
    "required": [],
}

ENUMS_SCHEMA = {
    "type": "object",
    "properties": {
        "untitledSingle": {
            "type": "string",
            "description": "Select one option",
            "enum": ["option1", "option2", "option3"],
        },
        "titledSingle": {
            "type": "string",
            "description": "Select one option with titles",
            "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"},
            ],
        },
        "legacyEnum": {
            "type": "string",
            "description": "Select one option (legacy)",
            "enum": ["opt1", "opt2", "opt3"],
            "enumNames": ["Option One", "Option Two", "Option Three"],
        },
        "untitledMulti": {
            "type": "array",
            "description": "Select multiple options",
            "minItems": 1,
            "maxItems": 3,
            "items": {"type": "string", "enum": ["option1", "option2", "option3"]},
        },
        "titledMulti": {
            "type": "array",
            "description": "Select multiple options with titles",
            "minItems": 1,
            "maxItems": 3,
            "items": {
                "anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"},
                ]
            },
        },
    },
    "required": [],
}


class MemoryEventStore(EventStore):
    """Every streamed event, kept in memory (the newest ``limit``) so a client can resume after a drop.

    Event ids are ``<stream>/<n>`` with one counter for the store, so replay after an id
    is "the same stream, a larger n"; priming events (no message) are kept for their id
    but never replayed.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._events: deque[tuple[StreamId, int, JSONRPCMessage | None]] = deque(maxlen=limit)
        self._counter = 0

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        self._counter += 1
        self._events.append((stream_id, self._counter, message))
        return f"{stream_id}/{self._counter}"

    async def replay_events_after(
        self, last_event_id: EventId, send_callback: EventCallback
    ) -> StreamId | None:
        stream_id, _, n = last_event_id.rpartition("/")
        if not stream_id or not n.isdigit():
            return None
        after = int(n)
        if not any(s == stream_id and i == after for s, i, _ in self._events):
            return None
        for s, i, message in list(self._events):
            if s == stream_id and i > after and message is not None:
                await send_callback(EventMessage(message, f"{s}/{i}"))
        return stream_id


def _text(text: str) -> TextContent:
    return TextContent(type="text", text=text)


async def _log(ctx: Context[Any, Any], message: str) -> None:
    """One ``notifications/message`` at info level on this call's stream (the logging capability is
    deprecated in the newest protocol revision, but the suite's revisions still test it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await ctx.log("info", message)


def _install_tools(mcp: GataMCP) -> None:
    @mcp.tool(description="Conformance fixture: simple text content.", structured_output=False)
    def test_simple_text() -> CallToolResult:
        return CallToolResult(content=[_text("This is a simple text response for testing.")])

    @mcp.tool(description="Conformance fixture: image content.", structured_output=False)
    def test_image_content() -> CallToolResult:
        return CallToolResult(content=[ImageContent(type="image", data=PNG_1X1, mime_type="image/png")])

    @mcp.tool(description="Conformance fixture: audio content.", structured_output=False)
    def test_audio_content() -> CallToolResult:
        return CallToolResult(content=[AudioContent(type="audio", data=WAV_TINY, mime_type="audio/wav")])

    @mcp.tool(description="Conformance fixture: an embedded resource.", structured_output=False)
    def test_embedded_resource() -> CallToolResult:
        return CallToolResult(
            content=[
                EmbeddedResource(
                    type="resource",
                    resource=TextResourceContents(
                        uri="test://embedded-resource",
                        mime_type="text/plain",
                        text="This is an embedded resource content.",
                    ),
                )
            ]
        )

    @mcp.tool(
        description="Conformance fixture: text, image and resource content together.", structured_output=False
    )
    def test_multiple_content_types() -> CallToolResult:
        return CallToolResult(
            content=[
                _text("Multiple content types test:"),
                ImageContent(type="image", data=PNG_1X1, mime_type="image/png"),
                EmbeddedResource(
                    type="resource",
                    resource=TextResourceContents(
                        uri="test://mixed-content-resource",
                        mime_type="application/json",
                        text=json.dumps({"test": "data", "value": 123}),
                    ),
                ),
            ]
        )

    @mcp.tool(
        description="Conformance fixture: three log notifications while it runs.", structured_output=False
    )
    async def test_tool_with_logging(ctx: Context[Any, Any]) -> CallToolResult:
        await _log(ctx, "Tool execution started")
        await asyncio.sleep(0.05)
        await _log(ctx, "Tool processing data")
        await asyncio.sleep(0.05)
        await _log(ctx, "Tool execution completed")
        return CallToolResult(content=[_text("Tool with logging executed successfully")])

    @mcp.tool(description="Conformance fixture: progress 0, 50 and 100 of 100.", structured_output=False)
    async def test_tool_with_progress(ctx: Context[Any, Any]) -> CallToolResult:
        for step in (0, 50, 100):
            await ctx.report_progress(step, 100, f"Completed step {step} of 100")
            if step < 100:
                await asyncio.sleep(0.05)
        meta = ctx.request_context.meta or {}
        return CallToolResult(content=[_text(str(meta.get("progress_token", meta.get("progressToken", 0))))])

    @mcp.tool(description="Conformance fixture: always fails.", structured_output=False)
    def test_error_handling() -> CallToolResult:
        # a ToolError is the SDK's "tell the caller": its text reaches the client, as the scenario expects
        raise ToolError("This tool intentionally returns an error for testing")

    @mcp.tool(
        description="Conformance fixture: asks the client's LLM (sampling/createMessage).",
        structured_output=False,
    )
    async def test_sampling(prompt: str, ctx: Context[Any, Any]) -> CallToolResult:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            result = await ctx.session.create_message(
                [SamplingMessage(role="user", content=_text(prompt))],
                max_tokens=100,
                related_request_id=ctx.request_context.request_id,
            )
        content = result.content
        answer = content.text if isinstance(content, TextContent) else "No response"
        return CallToolResult(content=[_text(f"LLM response: {answer}")])

    async def elicit(ctx: Context[Any, Any], message: str, schema: dict[str, Any]) -> str:
        result = await ctx.session.elicit_form(
            message, schema, related_request_id=ctx.request_context.request_id
        )
        return f"action={result.action}, content={json.dumps(result.content or {})}"

    @mcp.tool(description="Conformance fixture: asks the user (elicitation/create).", structured_output=False)
    async def test_elicitation(message: str, ctx: Context[Any, Any]) -> CallToolResult:
        schema = {
            "type": "object",
            "properties": {
                "username": {"type": "string", "description": "User's response"},
                "email": {"type": "string", "description": "User's email address"},
            },
            "required": ["username", "email"],
        }
        return CallToolResult(content=[_text("User response: " + await elicit(ctx, message, schema))])

    @mcp.tool(
        description="Conformance fixture: elicitation with a default for every primitive type.",
        structured_output=False,
    )
    async def test_elicitation_sep1034_defaults(ctx: Context[Any, Any]) -> CallToolResult:
        answer = await elicit(ctx, "Please review and update the form fields with defaults", DEFAULTS_SCHEMA)
        return CallToolResult(content=[_text("Elicitation completed: " + answer)])

    @mcp.tool(
        description="Conformance fixture: elicitation with the five enum schema variants.",
        structured_output=False,
    )
    async def test_elicitation_sep1330_enums(ctx: Context[Any, Any]) -> CallToolResult:
        answer = await elicit(ctx, "Please select options from the enum fields", ENUMS_SCHEMA)
        return CallToolResult(content=[_text("Elicitation completed: " + answer)])

    @mcp.tool(
        description="Conformance fixture: closes its SSE stream mid-call; the answer arrives after the "
        "client reconnects with Last-Event-ID.",
        structured_output=False,
    )
    async def test_reconnection(ctx: Context[Any, Any]) -> CallToolResult:
        await ctx.close_sse_stream()
        await asyncio.sleep(RETRY_MS / 1000 + 0.1)
        return CallToolResult(
            content=[
                _text(
                    "Reconnection test completed successfully. If you received this, "
                    "the client properly reconnected after stream closure."
                )
            ]
        )

    @mcp.tool(
        description="Conformance fixture: an input schema with JSON Schema 2020-12 keywords.",
        structured_output=False,
    )
    def json_schema_2020_12_tool(
        name: str | None = None, address: dict[str, str] | None = None
    ) -> CallToolResult:
        return CallToolResult(
            content=[
                _text(
                    "JSON Schema 2020-12 tool called with: " + json.dumps({"name": name, "address": address})
                )
            ]
        )

    tool = mcp._tool_manager.get_tool("json_schema_2020_12_tool")
    assert tool is not None
    tool.parameters = JSON_SCHEMA_2020_12


def _install_resources(mcp: GataMCP) -> None:
    @mcp.resource(
        "test://static-text",
        name="static-text",
        title="Static Text Resource",
        description="Conformance fixture: a static text resource.",
        mime_type="text/plain",
    )
    def static_text() -> str:
        return "This is the content of the static text resource."

    @mcp.resource(
        "test://static-binary",
        name="static-binary",
        title="Static Binary Resource",
        description="Conformance fixture: a static binary resource (a PNG).",
        mime_type="image/png",
    )
    def static_binary() -> bytes:
        return base64.b64decode(PNG_1X1)

    @mcp.resource(
        "test://template/{id}/data",
        name="template",
        title="Resource Template",
        description="Conformance fixture: a template with parameter substitution.",
        mime_type="application/json",
    )
    def template(id: str) -> str:
        return json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})

    @mcp.resource(
        "test://watched-resource",
        name="watched-resource",
        title="Watched Resource",
        description="Conformance fixture: a resource a client may subscribe to.",
        mime_type="text/plain",
    )
    def watched() -> str:
        return "Watched resource content"

    # GataMCP lists only the tenant's own documents; in this mode the fixtures are listed after them
    gata_listing = mcp.list_resources
    fixtures = [
        Resource(uri="test://static-text", name="static-text", mime_type="text/plain"),
        Resource(uri="test://static-binary", name="static-binary", mime_type="image/png"),
        Resource(uri="test://watched-resource", name="watched-resource", mime_type="text/plain"),
    ]

    async def listing() -> list[Resource]:
        return [*await gata_listing(), *fixtures]

    mcp.list_resources = listing  # type: ignore[method-assign]

    subscribed: set[str] = set()

    async def subscribe(_ctx: Any, params: SubscribeRequestParams) -> EmptyResult:
        subscribed.add(str(params.uri))
        return EmptyResult()

    async def unsubscribe(_ctx: Any, params: UnsubscribeRequestParams) -> EmptyResult:
        subscribed.discard(str(params.uri))
        return EmptyResult()

    mcp._lowlevel_server.add_request_handler("resources/subscribe", SubscribeRequestParams, subscribe)
    mcp._lowlevel_server.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, unsubscribe)


def _install_prompts(mcp: GataMCP) -> None:
    @mcp.prompt(title="Simple Test Prompt", description="Conformance fixture: a prompt without arguments.")
    def test_simple_prompt() -> list[UserMessage]:
        return [UserMessage("This is a simple prompt for testing.")]

    @mcp.prompt(
        title="Prompt With Arguments", description="Conformance fixture: a prompt with two arguments."
    )
    def test_prompt_with_arguments(arg1: str, arg2: str) -> list[UserMessage]:
        return [UserMessage(f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")]

    @mcp.prompt(
        title="Prompt With Embedded Resource",
        description="Conformance fixture: a prompt that embeds a resource.",
    )
    def test_prompt_with_embedded_resource(resourceUri: str) -> list[UserMessage]:
        return [
            UserMessage(
                EmbeddedResource(
                    type="resource",
                    resource=TextResourceContents(
                        uri=resourceUri, mime_type="text/plain", text="Embedded resource content for testing."
                    ),
                )
            ),
            UserMessage("Please process the embedded resource above."),
        ]

    @mcp.prompt(title="Prompt With Image", description="Conformance fixture: a prompt with an image.")
    def test_prompt_with_image() -> list[UserMessage]:
        return [
            UserMessage(ImageContent(type="image", data=PNG_1X1, mime_type="image/png")),
            UserMessage("Please analyze the image above."),
        ]


def install(mcp: GataMCP) -> None:
    """Add every fixture the suite's server scenarios call to ``mcp`` (a server from ``build_server``)."""
    _install_tools(mcp)
    _install_resources(mcp)
    _install_prompts(mcp)


def main(argv: list[str] | None = None) -> int:
    """Serve GATA plus the fixtures over HTTP, exactly as ``gata serve`` would but for the fixtures."""
    import uvicorn

    from gata.settings import get_paths
    from mcp_server.hosts import HostPolicy
    from mcp_server.server import build_server, http_app

    parser = argparse.ArgumentParser(
        description="GATA's HTTP server with the MCP conformance suite's fixtures "
        "(a test aid for scripts/conformance.py; never for agents)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    mcp = build_server(get_paths().ensure(), http=True, host=args.host, port=args.port)
    install(mcp)
    app = http_app(
        mcp,
        args.host,
        args.port,
        HostPolicy.build(args.host),
        event_store=MemoryEventStore(),
        retry_interval=RETRY_MS,
    )
    print(
        f"GATA with the conformance fixtures on http://{args.host}:{args.port}/mcp (test aid)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
