"""What a project is made of: its files (found, read, changed since a git ref) and its
dependency declarations. Below the engine: knows nothing of the per-file walk."""
