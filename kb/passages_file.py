"""A generation's passages and their vectors in its folder (`passages.npz`), so a reader needs no Chroma.

Loading a generation for search reads every record of its collection once (kb/loading.py). Through
the embedded Chroma client that means importing chromadb and opening its database: about 1.5 s of
a fresh process such as `steunwijs ask` or the app's start, for records that never change, since a
generation is immutable. So the very records (id, text, metadata and vector, in BM25 order) are
also kept in the generation's folder, in one `.npz`:
- `records`: the UTF-8 bytes of a JSON list of [id, document, metadata], as a uint8 array;
- `vectors`: float32, row i for records[i] (the vectors Chroma returns, bit for bit);
- `collection`: the collection they are a copy of, `format`: FORMAT.

The collection stays the store of record: this file is derived data, like the BM25 folder. It is
only used while the collection it copies still exists (the store's catalogue says so), and a file
that is missing, damaged (the zip's CRC-32 checks every member), of another collection or another
format is ignored: the records are read from Chroma and the file is written anew when the data
folder is writable. Only the embedded store uses it; a Chroma server's clients read the collection.
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from kb.store import StoredRecord
from steunwijs.files import atomic_writer

log = logging.getLogger(__name__)

PASSAGES_FILE = "passages.npz"
FORMAT = 1


def save_passages(path: Path, collection: str, records: list[StoredRecord], dim: int) -> None:
    """Write the records of `collection` (each with its vector) atomically: temp file, fsync, rename."""
    if any(r.embedding is None for r in records):
        raise ValueError("every record needs its vector")
    rows = [[r.id, r.document, r.metadata] for r in records]
    encoded = np.frombuffer(json.dumps(rows, ensure_ascii=False).encode("utf-8"), np.uint8)
    vectors = np.stack([r.embedding for r in records]).astype(np.float32) if records else np.zeros((0, dim), np.float32)
    with atomic_writer(path) as handle:
        np.savez(handle, records=encoded, vectors=vectors, collection=np.array(collection), format=np.array(FORMAT))


def read_passages(path: Path, collection: str, dim: int) -> list[StoredRecord] | None:
    """The stored records of `collection`; None (and a log line) when the file is missing, damaged,
    or not a copy of that collection in this format with vectors of length `dim`."""
    if not path.exists():
        log.info("no stored passages at %s", path)
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            stored_format = int(data["format"])
            stored_collection = str(data["collection"])
            rows = json.loads(data["records"].tobytes().decode("utf-8"))
            vectors = data["vectors"]
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        log.warning("stored passages %s are unreadable (%s); reading the store", path, error)
        return None
    fits = (
        stored_format == FORMAT
        and stored_collection == collection
        and isinstance(rows, list)
        and vectors.dtype == np.float32
        and vectors.shape == (len(rows), dim)
        and all(isinstance(row, list) and len(row) == 3 and isinstance(row[2], dict) for row in rows)
    )
    if not fits:
        log.warning("stored passages %s do not fit collection %s (dim %d); reading the store", path, collection, dim)
        return None
    return [StoredRecord(str(pid), str(text), meta, vector) for (pid, text, meta), vector in zip(rows, vectors)]
