"""The scan: discovery results in, findings out. Never imports textual."""
