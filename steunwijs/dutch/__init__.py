"""Dutch-language analysis shared by every layer: words, stems, sentences, actors, synonyms, patterns.

- `analysis`: fold, stem, analyze (the terms BM25 and term overlap compare);
- `terms`: content words and stems of questions and sentences, coverage with synonyms;
- `sentences`: sentence splitting with exact character spans (quotes stay the source's words);
- `actors`: who a sentence or question is about (steunwijs/tables/actors.toml);
- `roles`: what a sentence says an actor does, is expected to do, or is recommended (the roles map's
  rules, steunwijs/tables/roles.toml);
- `synonyms`: the users' words -> the documents' words (steunwijs/tables/synonyms.toml);
- `patterns`: bullet glyphs, contact details, whitespace.
"""
