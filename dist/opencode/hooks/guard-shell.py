"""Refuse shell commands that destroy work, before they run.

Reads the hook event (JSON) on stdin, as Claude Code gives it: ``tool_input.command`` is the
command line. Exit 2 blocks the call; what is printed on stderr tells the agent why.
"""

import json
import re
import sys

RULES = [
    (r"\brm\s+(-\w*r\w*f\w*|-\w*f\w*r\w*|-r\s+-f|-f\s+-r)\s+(/|~|\$HOME)(\s|$)",
     "a recursive delete of the root or the home folder"),
    (r"\bgit\s+push\b.*(\s--force\b|\s-f\b|\s--force-with-lease\b)",
     "a force push (it rewrites history others may have pulled)"),
    (r"\bdrop\s+(database|schema)\b", "dropping a database"),
]


def main() -> int:
    try:
        event = json.load(sys.stdin)
    except ValueError:
        return 0
    command = str((event.get("tool_input") or {}).get("command") or "")
    for pattern, what in RULES:
        if re.search(pattern, command, re.IGNORECASE):
            print(f"Blocked by the pack's guard-shell hook: {what}. Ask the user to run it "
                  "themselves if it is really meant.", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
