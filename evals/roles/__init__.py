"""The roles map's quality: its gold set, the tuning/held-out split, and precision and recall.

`gold` loads evals/roles/gold.jsonl and splits it by a hash of each item's id (README.md beside this
file); `score` matches extracted statements to gold items and counts per type and per actor;
`python -m evals.roles` prints the table for the current knowledge base.
"""
