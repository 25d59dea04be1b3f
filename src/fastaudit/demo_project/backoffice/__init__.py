"""Staff-only back-office API, deployed separately on the private network."""
