"""Dostyq's composition root: settings, application wiring and the command line."""
