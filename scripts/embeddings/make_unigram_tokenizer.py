#!/usr/bin/env python3
"""Builds the small SentencePiece-Unigram tokenizer.json the Unigram golden tests use.

No sentencepiece trainer is available here, so the vocabulary is made by counting: every character of a small
English/Japanese/accented corpus, plus the most frequent substrings of its '▁'-prefixed words, each scored with
its log relative frequency. The file has the same shape as multilingual-e5-small's tokenizer.json (Unigram model,
<s>=0 <pad>=1 </s>=2 <unk>=3, Metaspace pre-tokenizer, <s> A </s> template), with an NFKC normalizer and a
Replace that collapses runs of spaces. Deterministic output.

Usage: python3 scripts/embeddings/make_unigram_tokenizer.py
"""
import json, math, os, unicodedata
from collections import Counter

CORPUS = """
How do I reset my password? How can I change my password? What is the capital of France?
Where is the nearest train station? Please summarise this article in three sentences.
The quick brown fox jumps over the lazy dog. Translate the following sentence into Japanese.
Café crème brûlée naïve résumé façade coöperate señor Zürich Ångström.
パスワードをリセットする方法を教えてください。 東京駅への行き方を教えてください。
今日の天気はどうですか？ 日本語の文章を要約してください。 これはテストです。
機械学習とは何ですか？ ありがとうございます。 カタカナ ひらがな 漢字 ＡＢＣ １２３
gateway cache embeddings tokenizer model question answer request response
"""
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Embeddings", "TestData", "unigram")


def main():
    text = unicodedata.normalize("NFKC", CORPUS)
    words = ["\u2581" + w for w in text.split()]
    chars, subs = Counter(), Counter()
    for w in words:
        for c in w:
            chars[c] += 1
        for n in range(2, 7):
            for i in range(len(w) - n + 1):
                subs[w[i:i + n]] += 1
    total = sum(chars.values()) + sum(subs.values())
    frequent = sorted(((s, c) for s, c in subs.items() if c >= 2), key=lambda x: (-x[1] * len(x[0]), x[0]))[:700]
    pieces = {}
    for c, k in sorted(chars.items()):
        pieces[c] = math.log(k / total) - 2.0
    for s, k in frequent:
        pieces[s] = math.log(k / total) + 0.5 * len(s)
    vocab = [[s, 0.0] for s in SPECIALS] + [[p, round(sc, 6)] for p, sc in sorted(pieces.items(), key=lambda x: (-x[1], x[0]))]
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
             for i, s in enumerate(SPECIALS)]
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True,
                          "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {s: {"id": s, "ids": [SPECIALS.index(s)], "tokens": [s]} for s in ["<s>", "</s>"]}},
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True, "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizer_class": "XLMRobertaTokenizer", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                   "pad_token": "<pad>", "model_max_length": 512}, f, indent=1)
    with open(os.path.join(OUT, "config.json"), "w", encoding="utf-8") as f:
        json.dump({"model_type": "xlm-roberta", "max_position_embeddings": 514, "hidden_size": 32}, f, indent=1)
    print(f"wrote {len(vocab)} pieces to {os.path.relpath(OUT)}/tokenizer.json")

    # The same vocabulary with multilingual-e5-small's pipeline shape: SentencePiece's Precompiled normaliser
    # (no charsmap is carried; the reference approximates it with NFKC + whitespace rules, as we do), then
    # WhitespaceSplit and Metaspace as a pre-tokenizer sequence.
    e5 = dict(tok)
    e5["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Precompiled", "precompiled_charsmap": None},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]}
    e5["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "WhitespaceSplit"},
        {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True, "prepend_scheme": "always", "split": True}]}
    out_e5 = OUT + "-e5style"
    os.makedirs(out_e5, exist_ok=True)
    with open(os.path.join(out_e5, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(e5, f, ensure_ascii=False, indent=1)
    for name in ("tokenizer_config.json", "config.json"):
        with open(os.path.join(OUT, name), encoding="utf-8") as src, open(os.path.join(out_e5, name), "w", encoding="utf-8") as dst:
            dst.write(src.read())
    print(f"wrote {os.path.relpath(out_e5)}/tokenizer.json")


if __name__ == "__main__":
    main()
