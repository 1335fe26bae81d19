"""`python -m agentpack` runs the command line."""

from agentpack.cli import run

run()
