"""A stand-in for a notes database server (the full pack only ships it)."""

print("notes")
