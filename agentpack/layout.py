"""The names a pack is made of, for the modules that must not import the loader to know
them (finding a pack happens before anything heavy is imported)."""

MANIFEST = "agentpack.yaml"
FOLDERS = ("agents", "commands", "skills")
"""The folders items live in, one per kind."""
