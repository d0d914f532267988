"""The `steunwijs` command line, on top of every layer (see DEVELOPERS.md)."""
