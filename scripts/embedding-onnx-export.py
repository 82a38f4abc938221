#!/usr/bin/env python3
"""Builds an ONNX graph of a BERT sentence encoder straight from model.safetensors with the
`onnx` helper API (no torch), for the onnxruntime peer in scripts/bench-embed, and checks it
against Tests/EmbeddingTests/Fixtures/parity.json (the numpy reference) with onnxruntime.

Inputs: input_ids, attention_mask (batch, seq) int64. Output: sentence_embedding (batch, C),
mean-pooled over the mask and L2-normalised, as sentence-transformers does.

Usage: scripts/embedding-onnx-export.py OUT.onnx [MODEL_DIR]
Needs: pip install onnx onnxruntime safetensors tokenizers numpy
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

OUT = sys.argv[1]
MODEL = sys.argv[2] if len(sys.argv) > 2 else os.path.expanduser("~/.cache/codesearch/models/all-MiniLM-L6-v2")
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "Tests", "EmbeddingTests", "Fixtures", "parity.json")

def build():
    cfg = json.load(open(os.path.join(MODEL, "config.json")))
    w = {k[5:] if k.startswith("bert.") else k: v for k, v in load_file(os.path.join(MODEL, "model.safetensors")).items()}
    C, H = cfg["hidden_size"], cfg["num_attention_heads"]; D = C // H; eps = cfg["layer_norm_eps"]
    inits, nodes = [], []
    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name)); return name
    def node(op, inputs, out, **attrs):
        nodes.append(helper.make_node(op, inputs, [out], **attrs)); return out
    def weight(name, transpose=False):
        a = w[name].astype(np.float32)
        return const(name, a.T.copy() if transpose else a)
    def linear(x, prefix, out):
        y = node("MatMul", [x, weight(prefix + ".weight", True)], out + "_mm")
        return node("Add", [y, weight(prefix + ".bias")], out)
    def layer_norm(x, prefix, out):
        return node("LayerNormalization", [x, weight(prefix + ".weight"), weight(prefix + ".bias")], out, axis=-1, epsilon=eps)

    # Embeddings: positions 0..L-1 from the input's shape.
    shape = node("Shape", ["input_ids"], "ids_shape")
    seq = node("Gather", [shape, const("one_i", np.array(1, np.int64))], "seq_len")
    positions = node("Range", [const("zero_i", np.array(0, np.int64)), seq, const("step_i", np.array(1, np.int64))], "positions")
    x = node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "word")
    x = node("Add", [x, node("Gather", [weight("embeddings.position_embeddings.weight"), positions], "pos")], "wp")
    x = node("Add", [x, const("type0", w["embeddings.token_type_embeddings.weight"][0].astype(np.float32))], "wpt")
    x = layer_norm(x, "embeddings.LayerNorm", "emb")
    # Additive mask (B, 1, 1, L): 0 where attended, -3.4e38 on padding, as transformers does.
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    inv = node("Sub", [const("onef", np.array(1, np.float32)), maskf], "mask_inv")
    bias = node("Mul", [inv, const("neg", np.array(np.finfo(np.float32).min, np.float32))], "mask_bias")
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], np.int64))], "mask_bias4")
    split_shape = const("split_shape", np.array([0, 0, H, D], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, C], np.int64))
    scale = const("scale", np.array(1 / np.sqrt(D), np.float32))
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        def heads(name):
            t = linear(x, p + f"attention.self.{name}", f"l{i}_{name}")
            t = node("Reshape", [t, split_shape], f"l{i}_{name}_r")
            return node("Transpose", [t], f"l{i}_{name}_t", perm=[0, 2, 1, 3])
        q, k, v = heads("query"), heads("key"), heads("value")
        kt = node("Transpose", [k], f"l{i}_kt", perm=[0, 1, 3, 2])
        s = node("Mul", [node("MatMul", [q, kt], f"l{i}_qk"), scale], f"l{i}_s")
        s = node("Softmax", [node("Add", [s, bias], f"l{i}_sm")], f"l{i}_p", axis=-1)
        ctx = node("Transpose", [node("MatMul", [s, v], f"l{i}_ctx")], f"l{i}_ctx_t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge_shape], f"l{i}_ctx_m")
        a = linear(ctx, p + "attention.output.dense", f"l{i}_ao")
        x = layer_norm(node("Add", [a, x], f"l{i}_ar"), p + "attention.output.LayerNorm", f"l{i}_an")
        h = linear(x, p + "intermediate.dense", f"l{i}_h")
        g = node("Erf", [node("Mul", [h, const(f"rs2_{i}", np.array(1 / np.sqrt(2), np.float32))], f"l{i}_hs")], f"l{i}_erf")
        g = node("Mul", [node("Mul", [h, node("Add", [g, const(f"one_{i}", np.array(1, np.float32))], f"l{i}_e1")], f"l{i}_he"),
                         const(f"half_{i}", np.array(0.5, np.float32))], f"l{i}_gelu")
        o = linear(g, p + "output.dense", f"l{i}_o")
        x = layer_norm(node("Add", [o, x], f"l{i}_or"), p + "output.LayerNorm", f"l{i}_out")
    # Mean pooling over the mask, then L2 normalisation.
    m3 = node("Unsqueeze", [maskf, const("axis2", np.array([2], np.int64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked"), const("axis1", np.array([1], np.int64))], "summed", keepdims=0)
    count = node("ReduceSum", [maskf, const("axis1b", np.array([1], np.int64))], "count", keepdims=1)
    mean = node("Div", [summed, node("Max", [count, const("tiny", np.array(1e-9, np.float32))], "count_c")], "mean")
    norm = node("ReduceL2", [mean, const("axism1", np.array([-1], np.int64))], "norm", keepdims=1)
    node("Div", [mean, node("Max", [norm, const("eps12", np.array(1e-12, np.float32))], "norm_c")], "sentence_embedding")
    graph = helper.make_graph(nodes, "bert_sentence_encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", C])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, OUT)

def check():
    import onnxruntime as ort
    sess = ort.InferenceSession(OUT, providers=["CPUExecutionProvider"])
    cases = json.load(open(FIXTURE))["cases"]
    L = max(len(c["ids"]) for c in cases)
    ids = np.zeros((len(cases), L), np.int64); mask = np.zeros_like(ids)
    for i, c in enumerate(cases):
        ids[i, :len(c["ids"])] = c["ids"]; mask[i, :len(c["ids"])] = 1
    out = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    ref = np.array([c["vector"] for c in cases])
    print(f"onnx export {OUT}: {len(cases)} texts padded to {L}, max |diff| vs numpy reference {np.abs(out - ref).max():.3g}")

if __name__ == "__main__":
    build(); check()
