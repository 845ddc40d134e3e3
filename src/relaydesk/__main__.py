"""`python -m relaydesk` runs the CLI."""

from relaydesk.cli.main import main

main()
