#!/usr/bin/python3
"""Builds the small BERT-shaped ONNX models the Embeddings tests run through the real ONNX Runtime.

Run with Debian's interpreter (python3-onnx installs for it): /usr/bin/python3 scripts/embeddings/make_test_models.py
Output: tests/Embeddings/TestData/models/*.onnx (deterministic: fixed seed, so re-running gives the same bytes).

The graphs have the interface of a Hugging Face BERT export (inputs input_ids, attention_mask and optionally
token_type_ids, int64 [batch, seq]; output last_hidden_state float [batch, seq, hidden]) and really compute
something that depends on every input: word + position (+ type) embeddings, LayerNorm, one masked single-head
self-attention block and a tanh feed-forward block. Token ids are reduced modulo 1024 so that any real vocabulary
(bert-base-uncased's 30522 ids, a SentencePiece vocabulary) can drive a ~200 KB model. These are test models,
not language models: their vectors carry no meaning.
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HIDDEN = 32
BUCKETS = 1024
MAX_POS = 512
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Embeddings", "TestData", "models")


def build(with_token_types: bool, ids_name: str = "input_ids", mask_name: str = "attention_mask", seed: int = 7):
    rng = np.random.RandomState(seed)

    def w(name, *shape, scale=0.5):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    inits = [
        w("word_emb", BUCKETS, HIDDEN), w("pos_emb", MAX_POS, HIDDEN), w("type_emb", 2, HIDDEN),
        w("wq", HIDDEN, HIDDEN, scale=0.2), w("wk", HIDDEN, HIDDEN, scale=0.2), w("wv", HIDDEN, HIDDEN, scale=0.2),
        w("wo", HIDDEN, HIDDEN, scale=0.2), w("w1", HIDDEN, 2 * HIDDEN, scale=0.2), w("w2", 2 * HIDDEN, HIDDEN, scale=0.2),
        w("b1", 2 * HIDDEN, scale=0.1), w("b2", HIDDEN, scale=0.1),
        numpy_helper.from_array(np.ones(HIDDEN, np.float32), "ln_scale"),
        numpy_helper.from_array(np.zeros(HIDDEN, np.float32), "ln_bias"),
        numpy_helper.from_array(np.array(BUCKETS, np.int64), "buckets"),
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array(1.0, np.float32), "onef"),
        numpy_helper.from_array(np.array(-10000.0, np.float32), "neg"),
        numpy_helper.from_array(np.array(1.0 / np.sqrt(HIDDEN), np.float32), "inv_sqrt"),
    ]
    if not with_token_types:
        inits = [i for i in inits if i.name != "type_emb"]
    n = helper.make_node
    nodes = [
        n("Mod", [ids_name, "buckets"], ["ids_mod"]),
        n("Gather", ["word_emb", "ids_mod"], ["we"]),
        n("Shape", [ids_name], ["shape"]),
        n("Gather", ["shape", "one"], ["seq_len"]),
        n("Range", ["zero", "seq_len", "one"], ["positions"]),
        n("Gather", ["pos_emb", "positions"], ["pe"]),
        n("Add", ["we", "pe"], ["e1"]),
    ]
    if with_token_types:
        nodes += [n("Gather", ["type_emb", "token_type_ids"], ["te"]), n("Add", ["e1", "te"], ["e2"])]
    else:
        nodes += [n("Identity", ["e1"], ["e2"])]
    nodes += [
        n("LayerNormalization", ["e2", "ln_scale", "ln_bias"], ["x"], axis=-1, epsilon=1e-12),
        n("MatMul", ["x", "wq"], ["q"]), n("MatMul", ["x", "wk"], ["k"]), n("MatMul", ["x", "wv"], ["v"]),
        n("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        n("MatMul", ["q", "kt"], ["s0"]), n("Mul", ["s0", "inv_sqrt"], ["s1"]),
        n("Cast", [mask_name], ["maskf"], to=TensorProto.FLOAT),
        n("Unsqueeze", ["maskf", "axis1"], ["mask3"]),
        n("Sub", ["onef", "mask3"], ["inv_mask"]), n("Mul", ["inv_mask", "neg"], ["mask_bias"]),
        n("Add", ["s1", "mask_bias"], ["s2"]), n("Softmax", ["s2"], ["p"], axis=-1),
        n("MatMul", ["p", "v"], ["ctx"]), n("MatMul", ["ctx", "wo"], ["attn"]),
        n("Add", ["x", "attn"], ["r1"]),
        n("LayerNormalization", ["r1", "ln_scale", "ln_bias"], ["x2"], axis=-1, epsilon=1e-12),
        n("MatMul", ["x2", "w1"], ["f0"]), n("Add", ["f0", "b1"], ["f1"]), n("Tanh", ["f1"], ["f2"]),
        n("MatMul", ["f2", "w2"], ["f3"]), n("Add", ["f3", "b2"], ["f4"]),
        n("Add", ["x2", "f4"], ["r2"]),
        n("LayerNormalization", ["r2", "ln_scale", "ln_bias"], ["last_hidden_state"], axis=-1, epsilon=1e-12),
    ]
    ints = lambda name: helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
    inputs = [ints(ids_name), ints(mask_name)] + ([ints("token_type_ids")] if with_token_types else [])
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", HIDDEN])
    graph = helper.make_graph(nodes, "tiny_bert", inputs, [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="llmgateway-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, model in [
        ("tiny-bert.onnx", build(True)),
        ("tiny-bert-notype.onnx", build(False, seed=11)),
        ("tiny-bert-badnames.onnx", build(False, ids_name="ids", mask_name="mask", seed=13)),
    ]:
        path = os.path.join(OUT_DIR, name)
        onnx.save(model, path)
        print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
