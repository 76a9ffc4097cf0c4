"""The ``kijkwijzer`` command-line tool (entry point: :func:`kijkwijzer.cli.main`)."""
