"""The `gata` command line: the top of the stack, beside the MCP server it starts."""
