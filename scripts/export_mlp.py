#!/usr/bin/env python3
"""Writes a dense ReLU network in symtest's JSON format, for
`symtest adversarial --model`.

From Python:
    from export_mlp import from_sklearn, from_torch
    json.dump(from_sklearn(clf), open("net.json", "w"))   # an MLPClassifier
    json.dump(from_torch(seq, ["cat", "dog"]), open("net.json", "w"))  # nn.Sequential

From the shell, for a pickled MLPClassifier (pickle or joblib) or a whole
PyTorch nn.Sequential saved with torch.save:
    python3 scripts/export_mlp.py model.pkl -o net.json

Only public attributes are read: scikit-learn's coefs_, intercepts_,
classes_, activation; PyTorch's Linear.weight / Linear.bias.
"""

import argparse
import json
import pickle
import sys


def from_sklearn(clf):
    """An MLPClassifier with ReLU hidden layers. A binary classifier's single
    logit z becomes the two outputs [0, z]: class 1 exactly when z > 0, as
    scikit-learn's predict decides."""
    if getattr(clf, "activation", None) != "relu":
        raise ValueError(f"only ReLU hidden layers are supported, not {getattr(clf, 'activation', None)!r}")
    if getattr(clf, "out_activation_", "softmax") not in ("softmax", "logistic"):
        raise ValueError(f"unsupported output activation {clf.out_activation_!r}")
    n = len(clf.coefs_)
    layers = []
    for k, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        layers.append({
            "weights": [[float(v) for v in row] for row in w.T],
            "bias": [float(v) for v in b],
            "activation": "relu" if k < n - 1 else "linear",
        })
    classes = [c.item() if hasattr(c, "item") else c for c in clf.classes_]
    last = layers[-1]
    if len(last["bias"]) == 1:
        if len(classes) != 2:
            raise ValueError("a single output must belong to a binary classifier")
        z, bz = last["weights"][0], last["bias"][0]
        last["weights"] = [[0.0] * len(z), z]
        last["bias"] = [0.0, bz]
    elif len(classes) != len(last["bias"]):
        raise ValueError("multi-label classifiers are not supported (one class per sample)")
    return {"format": "symtest-mlp", "layers": layers, "classes": [str(c) for c in classes]}


def from_torch(seq, classes=None):
    """An nn.Sequential of Linear and ReLU modules; the class is the argmax of
    the last Linear's outputs."""
    layers = []
    for i, m in enumerate(seq):
        kind = type(m).__name__
        if kind == "Linear":
            w = m.weight.detach().cpu().double().tolist()
            b = m.bias.detach().cpu().double().tolist() if m.bias is not None else [0.0] * len(w)
            layers.append({"weights": w, "bias": b, "activation": "linear"})
        elif kind == "ReLU":
            if not layers or layers[-1]["activation"] != "linear":
                raise ValueError(f"module {i}: ReLU must follow a Linear")
            layers[-1]["activation"] = "relu"
        elif kind in ("Identity", "Flatten", "Dropout"):
            continue
        else:
            raise ValueError(f"module {i}: {kind} is not supported (Linear and ReLU only)")
    if not layers:
        raise ValueError("no Linear layer")
    out = {"format": "symtest-mlp", "layers": layers}
    if classes is not None:
        out["classes"] = [str(c) for c in classes]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="a pickled MLPClassifier, or a torch.save'd nn.Sequential (.pt)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--classes", help="class names for a PyTorch model, comma-separated")
    args = ap.parse_args()
    if args.model.endswith((".pt", ".pth")):
        import torch

        net = from_torch(torch.load(args.model, weights_only=False),
                         args.classes.split(",") if args.classes else None)
    else:
        try:
            import joblib

            clf = joblib.load(args.model)
        except ImportError:
            with open(args.model, "rb") as f:
                clf = pickle.load(f)
        net = from_sklearn(clf)
    with open(args.output, "w") as f:
        json.dump(net, f)
    print(f"wrote {args.output}: {len(net['layers'])} layers", file=sys.stderr)


if __name__ == "__main__":
    main()
