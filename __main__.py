"""``python -m archplan``: the same entry point as the ``archplan`` console script."""

from archplan.main import main

raise SystemExit(main())
