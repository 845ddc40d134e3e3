"""Run the retail evaluation's command line: `python -m relaydesk.packs.retail.evaluation`."""

from relaydesk.packs.retail.evaluation.cli import app

app()
