"""Allow ``python -m kijkwijzer``."""

from kijkwijzer.cli import main

main()
