"""Speed and memory figures, printed (never asserted in tests): run e.g. `python -m benchmarks.ingest_search`."""
