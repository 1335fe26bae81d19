"""`python -m agentpack` runs the command line."""

from agentpack.cli import main

raise SystemExit(main())
