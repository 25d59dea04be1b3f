"""SET: how the application reads its configuration."""
