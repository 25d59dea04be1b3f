"""Screens of the interactive auditor."""
