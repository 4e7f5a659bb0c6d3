"""Thin Telegram adapters, and the renderer they (and the CLI) share."""
