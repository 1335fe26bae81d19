"""A tiny MCP server over stdio, for the conformance tests: one tool, ``echo``.

Newline-delimited JSON-RPC 2.0, as the MCP stdio transport speaks it; enough of the protocol
for a client to connect, list the tools and call one. No dependencies, no network.
"""

import json
import os
import sys

TOOLS = [
    {
        "name": "echo",
        "description": "Say the text back.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    }
]


def answer(method, params):
    if method == "initialize":
        return {
            "protocolVersion": params.get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "echo", "version": "1.0.0"},
        }
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        text = str((params.get("arguments") or {}).get("text", ""))
        return {"content": [{"type": "text", "text": text}]}
    if method == "ping":
        return {}
    return None


def record():
    """With ``--record FILE`` among its arguments: how it was started (its arguments, its
    folder, its ``ECHO_*`` variables), one JSON line, so a test sees what a client made of
    the server's references."""
    if "--record" in sys.argv[:-1]:
        path = sys.argv[sys.argv.index("--record") + 1]
        env = {k: v for k, v in os.environ.items() if k.startswith("ECHO_")}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "env": env}) + "\n")


def main():
    record()
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if "id" not in message:
            continue  # a notification
        result = answer(message.get("method"), message.get("params") or {})
        reply = {"jsonrpc": "2.0", "id": message["id"]}
        if result is None:
            reply["error"] = {"code": -32601, "message": "method not found"}
        else:
            reply["result"] = result
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
