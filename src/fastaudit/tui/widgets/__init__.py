"""Widgets of the interactive auditor, grouped by the area of the main screen they fill."""
