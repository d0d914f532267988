"""`steunwijs tune`: adapt the embedding model to a corpus with a LoRA adapter (see tune.py)."""
