"""``python -m civicnlp`` runs the command line."""

from civicnlp.cli import main

raise SystemExit(main())
