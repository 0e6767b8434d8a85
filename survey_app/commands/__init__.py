"""Subcommands of the `cfw` command line, one module per concern."""
