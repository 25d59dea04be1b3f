"""What a project is made of: its files, its dependency declarations."""
