"""``python -m bot`` is the ``dostyq`` command."""

from bot.cli import main

raise SystemExit(main())
