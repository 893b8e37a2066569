"""Helper of cli_adversarial.rs: trains small scikit-learn networks on
synthetic data (no downloads), exports them with scripts/export_mlp.py, and
answers sklearn's own predict for points symtest reports.

    nets.py train OUT_DIR NAME HIDDEN SEED   -> OUT_DIR/NAME.{json,pkl}, NAME.near.json, NAME.far.json
    nets.py predict OUT_DIR NAME POINT_JSON  -> the class sklearn predicts, on stdout
    nets.py sample OUT_DIR NAME POINT_JSON EPS FEATURES N -> classes seen on N random points in the box
    nets.py torchlike OUT_DIR                -> OUT_DIR/torch.json from stand-ins for torch modules
"""

import json
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "scripts"))
from export_mlp import from_sklearn  # noqa: E402


def train(out, name, hidden, seed):
    X, y = make_classification(n_samples=400, n_features=10, n_informative=6, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", max_iter=400,
                            random_state=seed).fit(X, y)
    out = Path(out)
    (out / f"{name}.json").write_text(json.dumps(from_sklearn(clf)))
    (out / f"{name}.pkl").write_bytes(pickle.dumps(clf))
    # The sample nearest to the boundary, and the one farthest from it.
    margin = np.abs(clf.predict_proba(X)[:, 1] - 0.5)
    (out / f"{name}.near.json").write_text(json.dumps([float(v) for v in X[int(np.argmin(margin))]]))
    (out / f"{name}.far.json").write_text(json.dumps([float(v) for v in X[int(np.argmax(margin))]]))
    print(f"accuracy {clf.score(X, y):.3f}")


def load(out, name):
    return pickle.loads((Path(out) / f"{name}.pkl").read_bytes())


def predict(out, name, point):
    clf = load(out, name)
    print(clf.predict(np.array([json.loads(point)]))[0])


def sample(out, name, point, eps, features, n):
    clf = load(out, name)
    x = np.array(json.loads(point))
    rng = np.random.default_rng(0)
    pts = np.repeat(x[None, :], int(n), axis=0)
    feats = [int(f) for f in features.split(",")]
    pts[:, feats] += rng.uniform(-float(eps), float(eps), size=(int(n), len(feats)))
    print(json.dumps(sorted({int(c) for c in clf.predict(pts)})))


class _Tensor:
    """What export_mlp reads of a torch tensor: detach().cpu().double().tolist()."""

    def __init__(self, v):
        self.v = v

    def detach(self):
        return self

    cpu = double = detach

    def tolist(self):
        return self.v


class Linear:
    def __init__(self, w, b):
        self.weight, self.bias = _Tensor(w), _Tensor(b)


class ReLU:
    pass


def torchlike(out):
    """nn.Sequential(Linear(2, 2), ReLU(), Linear(2, 2)) without torch: class 1
    exactly when x0 > x1 + 1."""
    from export_mlp import from_torch

    seq = [Linear([[1.0, -1.0], [0.0, 0.0]], [-1.0, 0.0]), ReLU(), Linear([[0.0, 0.0], [1.0, 0.0]], [0.0, 0.0])]
    (Path(out) / "torch.json").write_text(json.dumps(from_torch(seq, ["low", "high"])))


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    {"train": lambda o, n, h, s: train(o, n, int(h), int(s)), "predict": predict, "sample": sample,
     "torchlike": torchlike}[cmd](*rest)
