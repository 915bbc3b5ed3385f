#!/usr/bin/python3
"""Golden vectors for poolkit's `reference` backend, computed with PyTorch.

Run with Debian's interpreter (it has python3-torch and python3-numpy):

    /usr/bin/python3 tests/golden/make_golden.py            # writes tests/golden/data/

It writes tests/golden/data/manifest.json and one .npy per tensor (float32 `<f4`, int64 `<i8` for
indices, C order). The manifest lists cases; each case is a graph in poolkit's graph JSON
(shared/DESIGN.md, "Graph JSON"), the .npy files of its inputs, the .npy files of its expected
outputs and a tolerance (0: exact, else |a - b| <= tol * (1 + |b|); indices are always exact).
tests/golden/test_golden.cpp runs every case on the `reference` backend.

Determinism: every input tensor is a function of (kind, shape) only, seeded from a CRC of that
pair, and the parameter sampler uses a fixed seed: re-running gives byte-identical files. Inputs
are shared between cases that use the same (kind, shape), which keeps the data small.

How expected values are computed:
  * max-type ops (max/adaptive/fractional/unpool pools, global max, relu): PyTorch in float32,
    which is exact, so the comparison is exact (NaN == NaN, -inf == -inf).
  * sum-type ops (avg, lp, conv, adaptive avg, global avg/lp): PyTorch in float64 on the float32
    inputs, rounded once to float32. This is PyTorch's function evaluated without float32
    accumulation noise, so the 1e-5 tolerance of DESIGN.md measures the kernel, not the oracle.
  * fractional_max_pool2d: float32, because PyTorch computes the pooling interval starts in the
    tensor's scalar type ((i + sample) * alpha truncated), and float32 is what poolkit serves.

Deliberately not covered (see README.md):
  * stochastic_pool2d: PyTorch has no such op (property tests cover it).
  * lp_pool where PyTorch's formula differs from poolkit's (ops.h, LpPool2dAttrs): PyTorch
    computes (sign(s) * relu(|s|) * kh * kw)^(1/p) with s = avg_pool(x^p). That equals
    (sum |x|^p)^(1/p) only when x^p >= 0 (so: non-negative inputs for odd or fractional p) and the
    window is full (so: ceil_mode only where it adds no overhanging window; lp pools have no
    padding). Every lp case is checked here against the direct formula before it is written.
  * fractional_max_pool2d without explicit samples (poolkit's own counter-based generator has no
    PyTorch counterpart).
"""

import argparse
import json
import os
import random
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

NAN = float("nan")
INF = float("inf")
TOL = 1e-5


# ---------------------------------------------------------------------------------------------
# Inputs: deterministic functions of (kind, shape)
# ---------------------------------------------------------------------------------------------

def make_input(kind, shape):
    rng = np.random.default_rng(zlib.crc32(f"{kind}:{tuple(shape)}".encode()))
    shape = tuple(shape)
    if kind == "normal":
        a = rng.standard_normal(shape)
    elif kind == "nonneg":  # for odd / fractional norm_type
        a = rng.uniform(0.0, 2.0, shape)
    elif kind == "ties":  # small integers: many equal maxima, pins the first-maximum index rule
        a = rng.integers(-2, 3, shape).astype(np.float64)
    elif kind == "nan":  # sparse NaNs, at most one in any window of extent <= 5
        a = rng.standard_normal(shape)
        a[..., 2::6, 1::6] = NAN
    elif kind == "nandense":  # several NaNs per window: pins which NaN's index PyTorch reports
        a = rng.standard_normal(shape)
        a[rng.uniform(size=shape) < 0.35] = NAN
    elif kind == "neginf":  # -inf, including windows that are entirely -inf
        a = rng.standard_normal(shape)
        a[rng.uniform(size=shape) < 0.3] = -INF
        a[..., :3, :3] = -INF
    elif kind == "infs":  # +inf, -inf and NaN together
        a = rng.standard_normal(shape)
        u = rng.uniform(size=shape)
        a[u < 0.1] = INF
        a[(u >= 0.1) & (u < 0.25)] = -INF
        a[(u >= 0.25) & (u < 0.3)] = NAN
    elif kind == "weight":
        a = 0.5 * rng.standard_normal(shape)
    elif kind == "samples":  # fractional_max_pool2d's _random_samples, in [0, 1)
        a = rng.uniform(0.0, 1.0, shape)
    elif kind == "samplesnice":  # "round" fractions: (i + u) * alpha lands near integers, where
        # PyTorch's float32 interval arithmetic and a float64 one pick different starts
        a = rng.choice([1 / 7, 2 / 7, 0.8, 5 / 6, 0.2, 0.6, 1 / 3, 2 / 3, 0.1, 0.3, 0.7, 0.9], size=shape)
    elif kind == "samplesedge":  # the ends of [0, 1)
        a = np.where(rng.uniform(size=shape) < 0.5, 0.0, np.nextafter(np.float32(1), np.float32(0)))
    else:
        raise ValueError(kind)
    return np.ascontiguousarray(a.astype("<f4"))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def dims(shape):
    return "x".join(str(d) for d in shape)


def tag_pair(letter, v, default=None):
    """'k3' / 'k3x2' for an id; '' when v equals default."""
    if v is None or v == default or (default is not None and pair(v) == pair(default)):
        return ""
    h, w = pair(v)
    return f"{letter}{h}" if h == w else f"{letter}{h}x{w}"


def pooled_size(n, k, s, p, d, ceil):
    """PyTorch's pooling_output_shape; also says whether ceil mode dropped a last window."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil else 0)) // s + 1
    dropped = False
    if ceil and (out - 1) * s >= n + p:
        out -= 1
        dropped = True
    return out, dropped


# ---------------------------------------------------------------------------------------------
# The suite: cases, files, manifest
# ---------------------------------------------------------------------------------------------

class Suite:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.cases = []
        self.ids = set()
        self.files = {}  # name -> bytes written
        self.flip = 0
        self.count_by_op = {}
        self.features = {}

    def jpair(self, v):
        """A pair parameter in graph JSON: square pairs alternate between the int and list forms."""
        h, w = pair(v)
        if h == w:
            self.flip ^= 1
            return h if self.flip else [h, w]
        return [h, w]

    def _save(self, name, arr):
        if arr.dtype == np.int64:
            arr = arr.astype("<i8")
        else:
            assert arr.dtype == np.float32, arr.dtype
            arr = arr.astype("<f4")
        arr = np.ascontiguousarray(arr)
        if name in self.files:
            old = self.files[name]
            assert old.shape == arr.shape and old.tobytes() == arr.tobytes(), name
            return name
        np.save(os.path.join(self.data_dir, name), arr, allow_pickle=False)
        self.files[name] = arr
        return name

    def input_file(self, kind, arr):
        return self._save(f"in_{kind}_{dims(arr.shape)}.npy", arr)

    def feature(self, name, n=1):
        self.features[name] = self.features.get(name, 0) + int(n)

    def add(self, op, params, desc, graph, inputs, expected, tol):
        """inputs: graph input name -> (kind, array); expected: output name -> array."""
        base = f"{op}__{params or 'default'}__{desc}"
        cid, n = base, 2
        while cid in self.ids:
            cid = f"{base}_{n}"
            n += 1
        self.ids.add(cid)
        case = {
            "id": cid,
            "graph": graph,
            "inputs": {name: self.input_file(kind, arr) for name, (kind, arr) in inputs.items()},
            "expected": {},
            "tolerance": tol,
        }
        for name, arr in expected.items():
            case["expected"][name] = self._save(f"out_{cid}__{name}.npy", arr)
        self.cases.append(case)
        self.count_by_op[op] = self.count_by_op.get(op, 0) + 1
        return cid

    def write_manifest(self):
        manifest = {
            "generator": "tests/golden/make_golden.py (PyTorch, torch.nn.functional)",
            "torch_version": torch.__version__,
            "numpy_version": np.__version__,
            "tolerance_rule": "0: exact (NaN == NaN); else |a - b| <= tol * (1 + |b|); indices exact",
            "cases": self.cases,
        }
        with open(os.path.join(self.data_dir, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=False)
            f.write("\n")


def t32(a):
    return torch.from_numpy(a.copy())


def t64(a):
    return torch.from_numpy(a.copy()).double()


def f32(t):
    return np.ascontiguousarray(t.detach().to(torch.float32).numpy())


def i64(t):
    return np.ascontiguousarray(t.detach().to(torch.int64).numpy())


def same_exact(a, b):
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------

SHAPES_2D = [
    (2, 3, 13, 11), (1, 2, 7, 7), (1, 3, 8, 8), (1, 2, 9, 6), (2, 1, 6, 10), (1, 1, 5, 5),
    (1, 2, 12, 12), (2, 2, 11, 13), (1, 1, 10, 3), (1, 2, 4, 9), (1, 1, 1, 9), (1, 1, 9, 1),
]
SHAPES_1D = [(2, 3, 13), (1, 2, 7), (1, 1, 16), (2, 2, 11), (1, 3, 5), (1, 1, 1), (3, 1, 9)]


def valid_window(shape, k, s, p, d, ceil):
    h, w = shape[-2], shape[-1]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = pair(k), pair(s if s is not None else k), pair(p), pair(d)
    oh, droph = pooled_size(h, kh, sh, ph, dh, ceil)
    ow, dropw = pooled_size(w, kw, sw, pw, dw, ceil)
    return oh >= 1 and ow >= 1, droph or dropw


# ---------------------------------------------------------------------------------------------
# max_pool2d / avg_pool2d / lp_pool2d
# ---------------------------------------------------------------------------------------------

def max_pool2d_case(S, shape, kind, k, s=None, p=0, d=1, ceil=False, idx=False, stride_null=False):
    ok, dropped = valid_window(shape, k, s, p, d, ceil)
    if not ok:
        return None
    x = make_input(kind, shape)
    try:
        out = F.max_pool2d(t32(x), k, s, p, d, ceil_mode=ceil, return_indices=True)
    except RuntimeError:
        return None
    vals, ind = f32(out[0]), i64(out[1])
    # Self-check: the plain op (a different PyTorch kernel) agrees with the indexed one.
    assert same_exact(f32(F.max_pool2d(t32(x), k, s, p, d, ceil_mode=ceil)), vals)
    node = {"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": S.jpair(k)}
    if s is not None:
        node["stride"] = S.jpair(s)
    elif stride_null:
        node["stride"] = None
    if pair(p) != (0, 0) or S.flip:
        node["padding"] = S.jpair(p)
    if pair(d) != (1, 1):
        node["dilation"] = S.jpair(d)
    if ceil:
        node["ceil_mode"] = True
    if idx:
        node["return_indices"] = True
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node],
             "outputs": ["p", "p.indices"] if idx else ["p"]}
    expected = {"p": vals}
    if idx:
        expected["p.indices"] = ind
    params = (tag_pair("k", k) + tag_pair("s", s) + tag_pair("p", p, 0) + tag_pair("d", d, 1)
              + ("_ceil" if ceil else "") + ("_drop" if dropped else "") + ("_idx" if idx else "")
              + ("_stridenull" if stride_null else ""))
    if dropped:
        S.feature("max_pool2d ceil drop")
    return S.add("max_pool2d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, expected, 0)


def avg_pool2d_case(S, shape, kind, k, s=None, p=0, ceil=False, cip=True, div=None):
    ok, dropped = valid_window(shape, k, s, p, 1, ceil)
    if not ok:
        return None
    x = make_input(kind, shape)
    try:
        y = F.avg_pool2d(t64(x), k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)
    except RuntimeError:
        return None
    node = {"name": "p", "op": "avg_pool2d", "inputs": ["x"], "kernel_size": S.jpair(k)}
    if s is not None:
        node["stride"] = S.jpair(s)
    if pair(p) != (0, 0):
        node["padding"] = S.jpair(p)
    if ceil:
        node["ceil_mode"] = True
    if not cip:
        node["count_include_pad"] = False
    elif S.flip:
        node["count_include_pad"] = True
    if div is not None:
        node["divisor_override"] = div
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["p"]}
    params = (tag_pair("k", k) + tag_pair("s", s) + tag_pair("p", p, 0) + ("_ceil" if ceil else "")
              + ("_drop" if dropped else "") + ("" if cip else "_nopadcount")
              + (f"_div{div}" if div is not None else ""))
    if dropped:
        S.feature("avg_pool2d ceil drop")
    return S.add("avg_pool2d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, {"p": f32(y)}, TOL)


def lp_direct(x64, p, k, s, ceil):
    """(sum |x|^p)^(1/p) over the valid taps of each 2-D window: poolkit's (ONNX's) formula."""
    a = x64.abs().pow(p)
    kh, kw = pair(k)
    sh, sw = pair(s if s is not None else k)
    count = torch.outer(_valid_count_1d(a.shape[-2], kh, sh, ceil), _valid_count_1d(a.shape[-1], kw, sw, ceil))
    return (F.avg_pool2d(a, k, s, 0, ceil, count_include_pad=False) * count).pow(1.0 / p)


def _valid_count_1d(n, k, s, ceil):
    out, _ = pooled_size(n, k, s, 0, 1, ceil)
    return torch.tensor([min(i * s + k, n) - i * s for i in range(out)], dtype=torch.float64)


def lp_pool2d_case(S, shape, kind, norm, k, s=None, ceil=False):
    ok, _ = valid_window(shape, k, s, 0, 1, ceil)
    if not ok:
        return None
    # Poolkit's and PyTorch's formulas agree only on full windows: in ceil mode require that
    # no window overhangs (see the module docstring).
    if ceil:
        for n, kk, ss in zip(shape[-2:], pair(k), pair(s if s is not None else k)):
            if pooled_size(n, kk, ss, 0, 1, True)[0] != pooled_size(n, kk, ss, 0, 1, False)[0]:
                return None
    x = make_input(kind, shape)
    y = F.lp_pool2d(t64(x), norm, k, s, ceil)
    direct = lp_direct(t64(x), norm, k, s, ceil)
    assert torch.allclose(y, direct, rtol=1e-9, atol=1e-12, equal_nan=True), "lp case outside the agreeing domain"
    node = {"name": "p", "op": "lp_pool2d", "inputs": ["x"], "norm_type": norm, "kernel_size": S.jpair(k)}
    if s is not None:
        node["stride"] = S.jpair(s)
    if ceil:
        node["ceil_mode"] = True
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["p"]}
    params = f"n{norm}".replace(".", "_") + "_" + tag_pair("k", k) + tag_pair("s", s) + ("_ceil" if ceil else "")
    return S.add("lp_pool2d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, {"p": f32(y)}, TOL)


def gen_pool2d(S):
    # Hand-picked windows: (kernel, stride, padding, dilation).
    windows = [
        (1, None, 0, 1), (1, 2, 0, 1), (2, None, 0, 1), (2, 2, 0, 1), (2, 1, 0, 1), (2, 2, 1, 1),
        (3, 1, 1, 1), (3, 2, 1, 1), (3, 2, 0, 1), (3, 3, 1, 1), (3, 2, 1, 2), (2, 1, 0, 2),
        ((2, 3), (1, 2), (1, 0), 1), ((3, 1), (2, 1), (1, 0), 1), ((1, 3), None, (0, 1), 1),
        (4, 3, 2, 1), (5, 2, 2, 1), (5, 3, 1, 1), (3, 1, 0, (2, 1)), ((3, 2), (2, 3), (1, 1), (1, 2)),
        (4, 4, 0, 1), ((2, 4), (2, 3), (1, 2), 1),
    ]
    rot = 0
    for (k, s, p, d) in windows:
        for ceil in (False, True):
            for j in range(2):
                for _ in range(len(SHAPES_2D)):
                    shape = SHAPES_2D[rot % len(SHAPES_2D)]
                    rot += 1
                    if max_pool2d_case(S, shape, "normal", k, s, p, d, ceil, idx=(j == 0) != ceil):
                        break
            if d == 1 or d == (1, 1):
                for cip in (True, False):
                    for _ in range(len(SHAPES_2D)):
                        shape = SHAPES_2D[rot % len(SHAPES_2D)]
                        rot += 1
                        if avg_pool2d_case(S, shape, "normal", k, s, p, ceil, cip):
                            break

    # Ceil mode where the last window would start in the right padding (dropped), both axes.
    for shape, k, s, p in [((1, 2, 5, 5), 2, 2, 1), ((1, 1, 8, 8), 3, 3, 1), ((2, 2, 5, 8), (2, 3), (2, 3), 1),
                           ((1, 2, 11, 7), 4, 3, 2), ((1, 1, 9, 5), (2, 2), (2, 2), (1, 1))]:
        max_pool2d_case(S, shape, "normal", k, s, p, 1, True, idx=True)
        max_pool2d_case(S, shape, "normal", k, s, p, 1, True, idx=False)
        for cip in (True, False):
            avg_pool2d_case(S, shape, "normal", k, s, p, True, cip)
        avg_pool2d_case(S, shape, "normal", k, s, p, True, True, div=3)

    # 1x1 inputs, 1x1 windows, non-square, rank-3 (unbatched).
    for k, s, p in [(1, None, 0), (1, 1, 0), (2, 1, 1), (3, 2, 1), ((2, 1), 1, (1, 0))]:
        for ceil in (False, True):
            max_pool2d_case(S, (1, 1, 1, 1), "normal", k, s, p, 1, ceil, idx=True)
            avg_pool2d_case(S, (1, 1, 1, 1), "normal", k, s, p, ceil, cip=not ceil)
    for shape in [(3, 9, 7), (2, 5, 6), (1, 1, 1)]:
        max_pool2d_case(S, shape, "normal", 2, None, 0, 1, False, idx=True)
        max_pool2d_case(S, shape, "normal", 3, 2, 1, 1, True, idx=True)
        avg_pool2d_case(S, shape, "normal", 3, 2, 1, True, False)
        avg_pool2d_case(S, shape, "normal", 2, 1, 1, False, True, div=2)

    # Stride null (PyTorch's None written out).
    max_pool2d_case(S, (1, 2, 7, 7), "normal", 3, None, 1, 1, False, idx=True, stride_null=True)

    # divisor_override.
    for (shape, k, s, p, ceil, cip, div) in [
        ((1, 2, 7, 7), 3, 2, 1, False, True, 1), ((1, 2, 7, 7), 3, 2, 1, True, False, 5),
        ((2, 3, 13, 11), 2, None, 0, False, True, 3), ((1, 1, 9, 6), (3, 2), (2, 1), (1, 1), True, True, 7),
        ((1, 1, 1, 1), 2, 1, 1, False, False, 2)]:
        avg_pool2d_case(S, shape, "normal", k, s, p, ceil, cip, div)

    # NaN / -inf / +inf / ties for max.
    for kind in ("nan", "nandense", "neginf", "infs", "ties"):
        for shape, k, s, p, d, ceil in [((1, 2, 12, 12), 2, None, 0, 1, False), ((2, 1, 11, 13), 3, 2, 1, 1, True),
                                        ((1, 1, 13, 11), 3, 1, 1, 2, False), ((1, 2, 7, 9), (2, 3), (1, 2), (1, 0), 1, True)]:
            max_pool2d_case(S, shape, kind, k, s, p, d, ceil, idx=True)
        max_pool2d_case(S, (1, 2, 12, 12), kind, 3, 2, 1, 1, False, idx=False)
    for kind in ("ties", "infs", "nan"):  # avg: NaN and inf propagate; +inf + -inf gives NaN
        avg_pool2d_case(S, (1, 2, 12, 12), kind, 3, 2, 1, True, False)
        lp_pool2d_case(S, (1, 2, 12, 12), kind, 2, 3, 2) if kind != "ties" else None

    # lp_pool2d.
    lp = [
        (2, "normal", 2, None), (2, "normal", 3, 2), (2, "normal", (2, 3), (1, 2)), (2, "normal", 1, None),
        (1, "nonneg", 2, None), (1, "nonneg", 3, 1), (3, "nonneg", 2, 1), (3, "nonneg", (3, 2), (2, 2)),
        (1.5, "nonneg", 2, None), (1.5, "nonneg", 3, 2), (4, "normal", 2, 2), (2.5, "nonneg", (1, 3), (1, 2)),
    ]
    for i, (norm, kind, k, s) in enumerate(lp):
        for j in range(3):
            shape = SHAPES_2D[(i * 3 + j) % len(SHAPES_2D)]
            lp_pool2d_case(S, shape, kind, norm, k, s, ceil=False)
    # ceil_mode only where it adds no overhanging window.
    for norm, kind, shape, k, s in [(2, "normal", (1, 2, 7, 7), 3, 2), (1, "nonneg", (1, 1, 9, 5), 3, 2),
                                     (3, "nonneg", (2, 1, 8, 8), 2, None), (1.5, "nonneg", (1, 2, 10, 3), (4, 3), (3, 1))]:
        assert lp_pool2d_case(S, shape, kind, norm, k, s, ceil=True), (shape, k, s)
    lp_pool2d_case(S, (3, 9, 7), "normal", 2, 3, 2)  # unbatched

    # Random windows: awkward combinations the hand-picked list misses.
    rng = random.Random(20240611)
    made = 0
    while made < 60:
        shape = (rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 13), rng.randint(1, 13))
        kh, kw = rng.randint(1, 5), rng.randint(1, 5)
        k = kh if rng.random() < 0.5 else (kh, kw)
        kh, kw = pair(k)
        s = None if rng.random() < 0.25 else (rng.randint(1, 4), rng.randint(1, 4))
        p = (rng.randint(0, kh // 2), rng.randint(0, kw // 2))
        d = (rng.randint(1, 3), rng.randint(1, 3)) if rng.random() < 0.4 else 1
        ceil = rng.random() < 0.5
        if made % 2 == 0:
            ok = max_pool2d_case(S, shape, "normal", k, s, p, d, ceil, idx=rng.random() < 0.6)
        else:
            div = rng.randint(1, 9) if rng.random() < 0.2 else None
            ok = avg_pool2d_case(S, shape, "normal", k, s, p, ceil, rng.random() < 0.5, div)
        made += 1 if ok else 0


# ---------------------------------------------------------------------------------------------
# 1-D pools
# ---------------------------------------------------------------------------------------------

def valid_1d(n, k, s, p, d, ceil):
    out, dropped = pooled_size(n, k, s if s is not None else k, p, d, ceil)
    return out >= 1, dropped


def max_pool1d_case(S, shape, kind, k, s=None, p=0, d=1, ceil=False, idx=False):
    ok, dropped = valid_1d(shape[-1], k, s, p, d, ceil)
    if not ok:
        return None
    x = make_input(kind, shape)
    try:
        v, i = F.max_pool1d(t32(x), k, s, p, d, ceil_mode=ceil, return_indices=True)
    except RuntimeError:
        return None
    assert same_exact(f32(F.max_pool1d(t32(x), k, s, p, d, ceil_mode=ceil)), f32(v))
    node = {"name": "p", "op": "max_pool1d", "inputs": ["x"], "kernel_size": k}
    if s is not None:
        node["stride"] = s
    if p:
        node["padding"] = p
    if d != 1:
        node["dilation"] = d
    if ceil:
        node["ceil_mode"] = True
    if idx:
        node["return_indices"] = True
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node],
             "outputs": ["p", "p.indices"] if idx else ["p"]}
    expected = {"p": f32(v)}
    if idx:
        expected["p.indices"] = i64(i)
    params = (f"k{k}" + (f"s{s}" if s is not None else "") + (f"p{p}" if p else "") + (f"d{d}" if d != 1 else "")
              + ("_ceil" if ceil else "") + ("_drop" if dropped else "") + ("_idx" if idx else ""))
    return S.add("max_pool1d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, expected, 0)


def avg_pool1d_case(S, shape, kind, k, s=None, p=0, ceil=False, cip=True):
    ok, dropped = valid_1d(shape[-1], k, s, p, 1, ceil)
    if not ok:
        return None
    x = make_input(kind, shape)
    try:
        y = F.avg_pool1d(t64(x), k, s, p, ceil_mode=ceil, count_include_pad=cip)
    except RuntimeError:
        return None
    node = {"name": "p", "op": "avg_pool1d", "inputs": ["x"], "kernel_size": k}
    if s is not None:
        node["stride"] = s
    if p:
        node["padding"] = p
    if ceil:
        node["ceil_mode"] = True
    if not cip:
        node["count_include_pad"] = False
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["p"]}
    params = (f"k{k}" + (f"s{s}" if s is not None else "") + (f"p{p}" if p else "") + ("_ceil" if ceil else "")
              + ("_drop" if dropped else "") + ("" if cip else "_nopadcount"))
    return S.add("avg_pool1d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, {"p": f32(y)}, TOL)


def lp_pool1d_case(S, shape, kind, norm, k, s=None, ceil=False):
    ok, _ = valid_1d(shape[-1], k, s, 0, 1, ceil)
    if not ok:
        return None
    n, ss = shape[-1], (s if s is not None else k)
    if ceil and pooled_size(n, k, ss, 0, 1, True)[0] != pooled_size(n, k, ss, 0, 1, False)[0]:
        return None
    x = make_input(kind, shape)
    y = F.lp_pool1d(t64(x), norm, k, s, ceil)
    out, _ = pooled_size(n, k, ss, 0, 1, ceil)
    a = t64(x).abs().pow(norm)
    direct = torch.stack([a[..., i * ss:min(i * ss + k, n)].sum(-1) for i in range(out)], -1).pow(1.0 / norm)
    assert torch.allclose(y, direct, rtol=1e-9, atol=1e-12, equal_nan=True), "lp case outside the agreeing domain"
    node = {"name": "p", "op": "lp_pool1d", "inputs": ["x"], "norm_type": norm, "kernel_size": k}
    if s is not None:
        node["stride"] = s
    if ceil:
        node["ceil_mode"] = True
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["p"]}
    params = f"n{norm}".replace(".", "_") + f"_k{k}" + (f"s{s}" if s is not None else "") + ("_ceil" if ceil else "")
    return S.add("lp_pool1d", params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, {"p": f32(y)}, TOL)


def gen_pool1d(S):
    windows = [(1, None, 0, 1), (2, None, 0, 1), (3, 1, 1, 1), (3, 2, 1, 1), (3, 2, 1, 2), (4, 3, 2, 1),
               (5, 2, 2, 1), (2, 3, 1, 1), (2, 1, 0, 3), (7, 4, 3, 1), (2, 2, 1, 1)]
    rot = 0
    for (k, s, p, d) in windows:
        for ceil in (False, True):
            for _ in range(len(SHAPES_1D)):
                shape = SHAPES_1D[rot % len(SHAPES_1D)]
                rot += 1
                if max_pool1d_case(S, shape, "normal", k, s, p, d, ceil, idx=(rot % 2 == 0)):
                    break
            if d == 1:
                for _ in range(len(SHAPES_1D)):
                    shape = SHAPES_1D[rot % len(SHAPES_1D)]
                    rot += 1
                    if avg_pool1d_case(S, shape, "normal", k, s, p, ceil, cip=(rot % 2 == 0)):
                        break
    # Dropped last window (ceil mode), unbatched (rank 2), specials.
    max_pool1d_case(S, (1, 2, 5), "normal", 2, 2, 1, 1, True, idx=True)
    avg_pool1d_case(S, (1, 2, 5), "normal", 2, 2, 1, True, True)
    avg_pool1d_case(S, (1, 2, 5), "normal", 2, 2, 1, True, False)
    max_pool1d_case(S, (1, 1, 8), "normal", 3, 3, 1, 1, True, idx=True)
    avg_pool1d_case(S, (1, 1, 8), "normal", 3, 3, 1, True, True)
    for shape in [(3, 11), (1, 1)]:
        max_pool1d_case(S, shape, "normal", 2, None, 0, 1, False, idx=True)
        max_pool1d_case(S, shape, "normal", 3, 2, 1, 1, True, idx=True)
        avg_pool1d_case(S, shape, "normal", 3, 2, 1, True, False)
        lp_pool1d_case(S, shape, "normal", 2, 1, None)
    for kind in ("nan", "nandense", "neginf", "ties"):
        max_pool1d_case(S, (2, 3, 13), kind, 3, 2, 1, 1, True, idx=True)
    avg_pool1d_case(S, (2, 3, 13), "infs", 3, 2, 1, True, True)
    # lp_pool1d.
    for i, (norm, kind, k, s) in enumerate([(2, "normal", 2, None), (2, "normal", 3, 1), (1, "nonneg", 3, 2),
                                             (3, "nonneg", 2, None), (1.5, "nonneg", 4, 3), (4, "normal", 5, 2),
                                             (2, "normal", 1, None), (2.5, "nonneg", 3, 3)]):
        for j in range(2):
            lp_pool1d_case(S, SHAPES_1D[(2 * i + j) % len(SHAPES_1D)], kind, norm, k, s)
    assert lp_pool1d_case(S, (1, 2, 7), "normal", 2, 3, 2, ceil=True)
    assert lp_pool1d_case(S, (1, 1, 9), "nonneg", 1, 3, None, ceil=True)


# ---------------------------------------------------------------------------------------------
# Adaptive and global pools
# ---------------------------------------------------------------------------------------------

def adaptive_case(S, op, shape, kind, osize, idx=False):
    x = make_input(kind, shape)
    if op == "adaptive_max_pool2d":
        v, i = F.adaptive_max_pool2d(t32(x), osize, return_indices=True)
        assert same_exact(f32(F.adaptive_max_pool2d(t32(x), osize)), f32(v))
        expected = {"p": f32(v)}
        if idx:
            expected["p.indices"] = i64(i)
        tol = 0
    else:
        expected = {"p": f32(F.adaptive_avg_pool2d(t64(x), osize))}
        tol = TOL
    if isinstance(osize, int):
        jsize = osize
    elif osize[0] is not None and osize[0] == osize[1] and S.flip:
        jsize = list(osize)
    else:
        jsize = list(osize)
    node = {"name": "p", "op": op, "inputs": ["x"], "output_size": jsize}
    if idx:
        node["return_indices"] = True
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": list(expected)}
    o = pair(osize) if isinstance(osize, int) else osize
    params = "o" + "x".join("none" if v is None else str(v) for v in o) + ("_idx" if idx else "")
    return S.add(op, params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, expected, tol)


def gen_adaptive(S):
    specs = [
        ((1, 2, 8, 8), 4), ((1, 2, 8, 8), (2, 4)), ((2, 3, 13, 11), 5), ((2, 3, 13, 11), (3, 7)),
        ((1, 1, 7, 7), 1), ((1, 2, 5, 6), (7, 9)), ((1, 1, 3, 3), 5), ((1, 2, 9, 6), (None, 4)),
        ((1, 2, 9, 6), (4, None)), ((1, 1, 1, 1), 3), ((1, 3, 10, 3), (4, 2)), ((1, 2, 12, 12), 7),
        ((3, 11, 9), (4, 5)), ((1, 1, 6, 10), (6, 10)), ((2, 1, 11, 13), (13, 11)),
    ]
    for n, (shape, osize) in enumerate(specs):
        adaptive_case(S, "adaptive_max_pool2d", shape, "normal", osize, idx=(n % 3 != 2))
        adaptive_case(S, "adaptive_avg_pool2d", shape, "normal", osize)
    for kind in ("nan", "nandense", "neginf", "ties"):
        adaptive_case(S, "adaptive_max_pool2d", (1, 2, 12, 12), kind, (5, 3), idx=True)
    adaptive_case(S, "adaptive_avg_pool2d", (1, 2, 12, 12), "infs", (5, 3))


def global_case(S, op, shape, kind, norm=None):
    x = make_input(kind, shape)
    if op == "global_max_pool":
        y, tol = f32(torch.amax(t32(x), dim=(-2, -1), keepdim=True)), 0
    elif op == "global_avg_pool":
        y, tol = f32(torch.mean(t64(x), dim=(-2, -1), keepdim=True)), TOL
    else:
        y, tol = f32(torch.linalg.vector_norm(t64(x), ord=norm, dim=(-2, -1), keepdim=True)), TOL
    node = {"name": "g", "op": op, "inputs": ["x"]}
    if norm is not None:
        node["norm_type"] = norm
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["g"]}
    params = "" if norm is None else f"n{norm}".replace(".", "_")
    return S.add(op, params, dims(shape) + ("" if kind == "normal" else "_" + kind),
                 graph, {"x": (kind, x)}, {"g": y}, tol)


def gen_global(S):
    for shape in [(2, 3, 13, 11), (1, 4, 7, 7), (1, 1, 1, 1), (2, 5, 1, 9), (1, 3, 8, 1)]:
        global_case(S, "global_max_pool", shape, "normal")
        global_case(S, "global_avg_pool", shape, "normal")
    for kind in ("nan", "neginf", "ties"):
        global_case(S, "global_max_pool", (1, 2, 12, 12), kind)
    for norm, shape in [(2, (2, 3, 13, 11)), (1, (1, 4, 7, 7)), (3, (1, 2, 5, 9)), (1.5, (2, 2, 6, 6)),
                        (2, (1, 1, 1, 1)), (4, (1, 3, 8, 1))]:
        global_case(S, "global_lp_pool", shape, "normal", norm)
    global_case(S, "global_lp_pool", (1, 2, 4, 9), "nonneg", 2.5)


# ---------------------------------------------------------------------------------------------
# fractional_max_pool2d
# ---------------------------------------------------------------------------------------------

def fractional_case(S, shape, kind, k, osize=None, ratio=None, idx=False, skind="samples"):
    x = make_input(kind, shape)
    samples = make_input(skind, (shape[0], shape[1], 2))
    try:
        v, i = F.fractional_max_pool2d(t32(x), k, output_size=osize, output_ratio=ratio,
                                       return_indices=True, _random_samples=t32(samples))
    except (RuntimeError, ValueError):
        return None
    node = {"name": "p", "op": "fractional_max_pool2d", "inputs": ["x", "samples"], "kernel_size": S.jpair(k)}
    if osize is not None:
        node["output_size"] = S.jpair(osize)
    else:
        node["output_ratio"] = ratio if isinstance(ratio, float) else list(ratio)
    if idx:
        node["return_indices"] = True
    expected = {"p": f32(v)}
    if idx:
        expected["p.indices"] = i64(i)
    graph = {"inputs": {"x": {"shape": list(shape)}, "samples": {"shape": [shape[0], shape[1], 2]}},
             "nodes": [node], "outputs": list(expected)}
    if osize is not None:
        o = tag_pair("o", osize)
    else:
        rr = pair(ratio) if not isinstance(ratio, float) else (ratio, ratio)
        o = "r" + "x".join(f"{r:g}".replace(".", "_") for r in rr)
    params = tag_pair("k", k) + "_" + o + ("_idx" if idx else "")
    desc = dims(shape) + ("" if kind == "normal" else "_" + kind) + ("" if skind == "samples" else "_" + skind)
    return S.add("fractional_max_pool2d", params, desc,
                 graph, {"x": (kind, x), "samples": (skind, samples)}, expected, 0)


def fractional_starts(n, out, k, u, dt):
    """PyTorch's generate_intervals in scalar type |dt|."""
    u = dt(u)
    starts = []
    if out > 1:
        alpha = dt(n - k) / dt(out - 1)
        starts = [int(dt(dt(i) + u) * alpha) - int(u * alpha) for i in range(out - 1)]
    return starts + [n - k]


def gen_fractional(S):
    specs = [
        ((1, 2, 12, 12), 2, 6, None), ((1, 2, 12, 12), 3, 5, None), ((2, 3, 13, 11), 2, (7, 5), None),
        ((2, 3, 13, 11), (3, 2), (9, 8), None), ((1, 1, 10, 10), 2, 1, None), ((1, 1, 10, 10), 2, 9, None),
        ((1, 2, 7, 9), 2, None, 0.5), ((1, 2, 13, 11), 3, None, (0.7, 0.5)), ((2, 2, 11, 13), 2, None, 0.6),
        ((1, 3, 8, 8), 2, 4, None), ((1, 1, 9, 6), (2, 3), (5, 2), None), ((1, 2, 12, 12), 2, None, 0.75),
        ((2, 1, 6, 10), 1, (4, 7), None), ((1, 1, 5, 5), 3, 2, None), ((1, 2, 11, 13), 4, (5, 6), None),
        ((2, 3, 13, 11), 2, 10, None),
    ]
    for n, (shape, k, osize, ratio) in enumerate(specs):
        assert fractional_case(S, shape, "normal", k, osize, ratio, idx=(n % 4 != 3)), (shape, k, osize, ratio)
    for shape, k, osize in [((1, 2, 12, 12), 2, 6), ((2, 3, 13, 11), 3, (5, 4)), ((1, 1, 10, 10), 2, 7)]:
        assert fractional_case(S, shape, "normal", k, osize, None, idx=True, skind="samplesedge")
    for kind in ("nan", "ties"):
        assert fractional_case(S, (1, 2, 12, 12), kind, 2, 7, None, idx=True)
    # Interval starts computed in float32, as PyTorch does for float32 tensors.
    hits = 0
    for shape, k, osize in [((2, 3, 13, 11), 3, (7, 4)), ((2, 3, 12, 13), 2, (4, 11)), ((2, 3, 11, 12), 1, (7, 8)),
                            ((2, 3, 10, 9), (3, 2), (4, 7)), ((2, 3, 8, 8), 1, 4), ((2, 3, 6, 6), 1, 4)]:
        assert fractional_case(S, shape, "normal", k, osize, None, idx=True, skind="samplesnice")
        u = make_input("samplesnice", (shape[0], shape[1], 2))
        for axis, (n, kk, o) in enumerate(zip(shape[-2:], pair(k), pair(osize))):
            for v in u[..., 1 - axis].ravel():
                hits += fractional_starts(n, o, kk, v, np.float32) != fractional_starts(n, o, kk, v, np.float64)
    assert hits > 0, "no case where float32 and float64 interval starts differ"
    S.feature("fractional float32-vs-float64 interval planes", hits)


# ---------------------------------------------------------------------------------------------
# max_unpool2d
# ---------------------------------------------------------------------------------------------

def unpool_case(S, shape, k, s=None, p=0, osize_mode=None, chained=False, unpool_ks=None):
    """Pool |shape| with max_pool2d(k, s, p), then unpool. osize_mode: None (PyTorch's default
    size), "hw" (output_size = the pooled input's [H, W]) or "full" (its full shape)."""
    x = make_input("normal", shape)
    v, i = F.max_pool2d(t32(x), k, s, p, return_indices=True)
    uk, us, up = unpool_ks if unpool_ks else (k, s, p)
    osize = None
    if osize_mode == "hw":
        osize = list(shape[-2:])
    elif osize_mode == "full":
        osize = list(shape)
    u = F.max_unpool2d(v, i, uk, us, up, output_size=osize)
    unode = {"name": "u", "op": "max_unpool2d", "kernel_size": S.jpair(uk)}
    if us is not None:
        unode["stride"] = S.jpair(us)
    if pair(up) != (0, 0):
        unode["padding"] = S.jpair(up)
    if osize is not None:
        unode["output_size"] = osize
    if chained:
        pnode = {"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": S.jpair(k)}
        if s is not None:
            pnode["stride"] = S.jpair(s)
        if pair(p) != (0, 0):
            pnode["padding"] = S.jpair(p)
        pnode["return_indices"] = True
        unode["inputs"] = ["p", "p.indices"]
        graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [pnode, unode], "outputs": ["u"]}
        inputs = {"x": ("normal", x)}
        desc = dims(shape) + "_chained"
    else:
        vv, ii = f32(v), i64(i)
        unode["inputs"] = ["v", "i"]
        graph = {"inputs": {"v": {"shape": list(vv.shape)}, "i": {"shape": list(ii.shape), "dtype": "int64"}},
                 "nodes": [unode], "outputs": ["u"]}
        # The pooled values and indices are inputs: name them after their origin so they dedupe.
        origin = f"maxpool{tag_pair('k', k)}{tag_pair('s', s)}{tag_pair('p', p, 0)}"
        inputs = {"v": (origin + "_of_normal", vv), "i": (origin + "_idx_of_normal", ii)}
        desc = dims(vv.shape)
    params = (tag_pair("k", uk) + tag_pair("s", us) + tag_pair("p", up, 0)
              + (f"_osize{osize_mode}" if osize_mode else ""))
    return S.add("max_unpool2d", params, desc, graph, inputs, {"u": f32(u)}, 0)


def gen_unpool(S):
    specs = [
        ((1, 2, 8, 8), 2, None, 0, None), ((1, 2, 7, 7), 2, 2, 0, "hw"), ((2, 3, 13, 11), 2, None, 0, "full"),
        ((1, 2, 7, 9), 3, 2, 1, "hw"), ((1, 2, 9, 9), 3, 2, 1, None), ((2, 1, 11, 13), 3, 3, 1, "full"),
        ((1, 1, 9, 6), (3, 2), (2, 1), (1, 0), "hw"), ((1, 3, 6, 10), 2, 1, 0, None), ((1, 1, 5, 5), 3, 1, 1, None),
        ((1, 2, 12, 12), 4, 3, 2, "hw"), ((1, 1, 1, 1), 1, None, 0, None),
    ]
    for n, (shape, k, s, p, om) in enumerate(specs):
        unpool_case(S, shape, k, s, p, om, chained=False)
        unpool_case(S, shape, k, s, p, om, chained=True)
    # Unpool geometry different from the pool's (indices still within the output plane).
    unpool_case(S, (1, 2, 8, 8), 2, 2, 0, None, unpool_ks=(2, None, 0))
    unpool_case(S, (1, 2, 6, 6), 3, 3, 0, None, unpool_ks=(4, 3, 0))
    unpool_case(S, (1, 2, 8, 8), 2, 2, 0, "hw", unpool_ks=(2, 2, 0))


# ---------------------------------------------------------------------------------------------
# conv2d and relu
# ---------------------------------------------------------------------------------------------

def conv_case(S, shape, cout, k, stride=1, padding=0, dilation=1, groups=1, bias=True, const=False,
              xkind="normal"):
    cin = shape[-3]
    kh, kw = pair(k)
    wshape = (cout, cin // groups, kh, kw)
    x = make_input(xkind, shape)
    w = make_input("weight", wshape)
    b = make_input("weight", (cout,)) if bias else None
    try:
        y = F.conv2d(t64(x), t64(w), t64(b) if bias else None, stride, padding, dilation, groups)
    except RuntimeError:
        return None
    if y.shape[-1] < 1 or y.shape[-2] < 1:
        return None
    node = {"name": "c", "op": "conv2d", "inputs": ["x", "w"] + (["b"] if bias else [])}
    if pair(stride) != (1, 1) or S.flip:
        node["stride"] = S.jpair(stride)
    if isinstance(padding, str):
        node["padding"] = padding
    elif pair(padding) != (0, 0):
        node["padding"] = S.jpair(padding)
    if pair(dilation) != (1, 1):
        node["dilation"] = S.jpair(dilation)
    if groups != 1:
        node["groups"] = groups
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node], "outputs": ["c"]}
    inputs = {"x": (xkind, x)}
    if const:
        graph["constants"] = {"w": {"file": S.input_file("weight", w)}}
        if bias:
            graph["constants"]["b"] = {"file": S.input_file("weight", b)}
    else:
        graph["inputs"]["w"] = {"shape": list(wshape)}
        inputs["w"] = ("weight", w)
        if bias:
            graph["inputs"]["b"] = {"shape": [cout]}
            inputs["b"] = ("weight", b)
    pdesc = f"_{padding}" if isinstance(padding, str) else tag_pair("p", padding, 0)
    params = (f"o{cout}" + tag_pair("k", k) + tag_pair("s", stride, 1) + pdesc + tag_pair("d", dilation, 1)
              + (f"g{groups}" if groups != 1 else "") + ("" if bias else "_nobias") + ("_const" if const else ""))
    desc = dims(shape) + ("" if xkind == "normal" else "_" + xkind)
    return S.add("conv2d", params, desc, graph, inputs, {"c": f32(y)}, TOL)


def gen_conv(S):
    specs = [
        # shape, cout, k, stride, padding, dilation, groups
        ((1, 3, 8, 8), 4, 3, 1, 1, 1, 1), ((2, 3, 13, 11), 2, 3, 2, 1, 1, 1), ((1, 2, 7, 9), 3, 1, 1, 0, 1, 1),
        ((1, 2, 7, 9), 3, (3, 2), (2, 1), (1, 0), 1, 1), ((1, 4, 9, 9), 4, 3, 1, 2, 2, 1),
        ((1, 4, 9, 9), 4, 3, 1, 1, 1, 4), ((1, 4, 9, 9), 8, 3, 2, 1, 1, 4), ((1, 4, 9, 9), 6, 3, 1, 1, 1, 2),
        ((2, 6, 6, 10), 3, (1, 3), 1, (0, 1), (1, 2), 3), ((1, 3, 8, 8), 4, 3, 1, "same", 1, 1),
        ((1, 3, 8, 8), 4, 2, 1, "same", 1, 1), ((1, 3, 9, 7), 2, 4, 1, "same", 2, 1), ((1, 2, 7, 7), 2, (2, 3), 1, "same", 1, 2),
        ((1, 3, 8, 8), 4, 3, 1, "valid", 1, 1), ((1, 3, 8, 8), 4, 3, 3, "valid", 1, 1), ((1, 1, 1, 1), 2, 1, 1, 0, 1, 1),
        ((1, 1, 1, 1), 2, 3, 1, 1, 1, 1), ((1, 2, 5, 5), 2, 5, 1, 0, 1, 1), ((2, 3, 13, 11), 6, 3, 1, 1, 1, 3),
        ((1, 8, 6, 6), 8, 3, 2, 1, 1, 8), ((1, 2, 12, 12), 3, 3, (2, 3), (2, 1), (2, 3), 1),
        ((1, 3, 10, 3), 2, (5, 1), 1, (2, 0), 1, 1), ((3, 9, 7), 2, 3, 1, 1, 1, 1),
    ]
    for n, (shape, cout, k, st, pad, dil, g) in enumerate(specs):
        for variant in range(2):
            bias = (n + variant) % 3 != 0
            const = variant == 1
            conv_case(S, shape, cout, k, st, pad, dil, g, bias, const)
    conv_case(S, (1, 2, 6, 6), 2, 3, 1, 1, 1, 1, True, False, xkind="infs")


def gen_relu(S):
    for shape, kind in [((2, 3, 13, 11), "normal"), ((1, 2, 12, 12), "infs"), ((1, 2, 12, 12), "nan"),
                        ((1, 1, 1, 1), "normal"), ((2, 3, 13), "normal"), ((5, 7), "ties")]:
        x = make_input(kind, shape)
        y = f32(torch.relu(t32(x)))
        graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [{"name": "r", "op": "relu", "inputs": ["x"]}],
                 "outputs": ["r"]}
        S.add("relu", "", dims(shape) + ("" if kind == "normal" else "_" + kind), graph, {"x": (kind, x)},
              {"r": y}, 0)


# ---------------------------------------------------------------------------------------------
# Multi-node graphs
# ---------------------------------------------------------------------------------------------

def gen_graphs(S):
    # conv2d -> relu -> max_pool2d (indices) -> max_unpool2d, every intermediate an output.
    for shape, cout, k, pk, ps, pp, const in [((1, 3, 8, 8), 4, 3, 2, 2, 0, False), ((2, 2, 9, 7), 3, 3, 3, 2, 1, True),
                                              ((1, 3, 13, 11), 2, (3, 1), 2, None, 0, False)]:
        x = make_input("normal", shape)
        w = make_input("weight", (cout, shape[1]) + pair(k))
        b = make_input("weight", (cout,))
        pad = tuple(v // 2 for v in pair(k))
        c = F.conv2d(t64(x), t64(w), t64(b), 1, pad)
        c32 = c.float()  # the stage boundary: poolkit stores intermediates as float32
        r = torch.relu(c32)
        v, i = F.max_pool2d(r, pk, ps, pp, return_indices=True)
        osz = list(r.shape[-2:])
        u = F.max_unpool2d(v, i, pk, ps, pp, output_size=osz)
        nodes = [
            {"name": "c", "op": "conv2d", "inputs": ["x", "w", "b"], "padding": S.jpair(pad)},
            {"name": "r", "op": "relu", "inputs": ["c"]},
            {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": S.jpair(pk), "return_indices": True},
            {"name": "u", "op": "max_unpool2d", "inputs": ["p", "p.indices"], "kernel_size": S.jpair(pk),
             "output_size": osz},
        ]
        for nd in (nodes[2], nodes[3]):
            if ps is not None:
                nd["stride"] = S.jpair(ps)
            if pp:
                nd["padding"] = S.jpair(pp)
        graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": nodes, "outputs": ["r", "p", "p.indices", "u"]}
        inputs = {"x": ("normal", x)}
        if const:
            graph["constants"] = {"w": {"file": S.input_file("weight", w)}, "b": {"file": S.input_file("weight", b)}}
        else:
            graph["inputs"]["w"] = {"shape": list(w.shape)}
            graph["inputs"]["b"] = {"shape": [cout]}
            inputs["w"] = ("weight", w)
            inputs["b"] = ("weight", b)
        S.add("graph", "conv_relu_maxpool_unpool" + ("_const" if const else "") + tag_pair("_k", pk),
              dims(shape), graph, inputs, {"r": f32(r), "p": f32(v), "p.indices": i64(i), "u": f32(u)}, TOL)

    # Pool chains and branches (a value consumed twice, outputs in non-topological order).
    x = make_input("normal", (2, 3, 13, 11))
    a = F.max_pool2d(t32(x), 3, 1, 1)
    bb = F.avg_pool2d(t64(a.numpy()), 2, 2, 0, ceil_mode=True)
    g = torch.amax(a, dim=(-2, -1), keepdim=True)
    ad = F.adaptive_avg_pool2d(t64(a.numpy()), (3, 2))
    graph = {"inputs": {"x": {"shape": [2, 3, 13, 11]}},
             "nodes": [{"name": "a", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 3, "stride": 1, "padding": 1},
                       {"name": "b", "op": "avg_pool2d", "inputs": ["a"], "kernel_size": [2, 2], "stride": 2,
                        "ceil_mode": True},
                       {"name": "g", "op": "global_max_pool", "inputs": ["a"]},
                       {"name": "d", "op": "adaptive_avg_pool2d", "inputs": ["a"], "output_size": [3, 2]}],
             "outputs": ["d", "g", "b"]}
    S.add("graph", "maxpool_branches", "2x3x13x11", graph, {"x": ("normal", x)},
          {"d": f32(ad), "g": f32(g), "b": f32(bb)}, TOL)

    # relu -> lp_pool2d -> relu; conv (depthwise, constants) -> global avg.
    x = make_input("normal", (1, 4, 9, 9))
    r = torch.relu(t32(x))
    lp = F.lp_pool2d(r.double(), 3, 3, 2).float()
    graph = {"inputs": {"x": {"shape": [1, 4, 9, 9]}},
             "nodes": [{"name": "r", "op": "relu", "inputs": ["x"]},
                       {"name": "l", "op": "lp_pool2d", "inputs": ["r"], "norm_type": 3, "kernel_size": 3, "stride": 2},
                       {"name": "r2", "op": "relu", "inputs": ["l"]}],
             "outputs": ["r2"]}
    S.add("graph", "relu_lppool_relu", "1x4x9x9", graph, {"x": ("normal", x)}, {"r2": f32(lp)}, TOL)

    w = make_input("weight", (4, 1, 3, 3))
    c = F.conv2d(t64(x), t64(w), None, 1, "same", 1, 4).float()
    gavg = torch.mean(c.double(), dim=(-2, -1), keepdim=True)
    graph = {"inputs": {"x": {"shape": [1, 4, 9, 9]}},
             "constants": {"w": {"file": S.input_file("weight", w)}},
             "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"], "padding": "same", "groups": 4},
                       {"name": "g", "op": "global_avg_pool", "inputs": ["c"]}],
             "outputs": ["g", "c"]}
    S.add("graph", "depthwise_same_globalavg", "1x4x9x9", graph, {"x": ("normal", x)},
          {"g": f32(gavg), "c": f32(c)}, TOL)

    # max_pool1d -> avg_pool1d; adaptive max (indices) -> unpool of its... (no: indices of
    # adaptive pools are not unpool-compatible in general); fractional -> relu.
    x = make_input("normal", (2, 3, 13))
    m = F.max_pool1d(t32(x), 3, 1, 1)
    av = F.avg_pool1d(m.double(), 2, 2, 0, ceil_mode=True, count_include_pad=False)
    graph = {"inputs": {"x": {"shape": [2, 3, 13]}},
             "nodes": [{"name": "m", "op": "max_pool1d", "inputs": ["x"], "kernel_size": 3, "stride": 1, "padding": 1},
                       {"name": "a", "op": "avg_pool1d", "inputs": ["m"], "kernel_size": 2, "ceil_mode": True,
                        "count_include_pad": False}],
             "outputs": ["a"]}
    S.add("graph", "maxpool1d_avgpool1d", "2x3x13", graph, {"x": ("normal", x)}, {"a": f32(av)}, TOL)

    x = make_input("normal", (1, 2, 12, 12))
    smp = make_input("samples", (1, 2, 2))
    fv, fi = F.fractional_max_pool2d(t32(x), 2, output_size=5, return_indices=True, _random_samples=t32(smp))
    graph = {"inputs": {"x": {"shape": [1, 2, 12, 12]}, "samples": {"shape": [1, 2, 2]}},
             "nodes": [{"name": "f", "op": "fractional_max_pool2d", "inputs": ["x", "samples"], "kernel_size": 2,
                        "output_size": 5, "return_indices": True},
                       {"name": "r", "op": "relu", "inputs": ["f"]}],
             "outputs": ["r", "f.indices"]}
    S.add("graph", "fractional_relu", "1x2x12x12", graph, {"x": ("normal", x), "samples": ("samples", smp)},
          {"r": f32(torch.relu(fv)), "f.indices": i64(fi)}, 0)


# ---------------------------------------------------------------------------------------------

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "data"), help="output directory (default: %(default)s)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):  # no stale files from earlier runs
        if name.endswith(".npy") or name == "manifest.json":
            os.remove(os.path.join(args.out, name))

    S = Suite(args.out)
    gen_pool2d(S)
    gen_pool1d(S)
    gen_adaptive(S)
    gen_global(S)
    gen_fractional(S)
    gen_unpool(S)
    gen_conv(S)
    gen_relu(S)
    gen_graphs(S)
    S.write_manifest()

    assert S.features.get("max_pool2d ceil drop", 0) >= 3 and S.features.get("avg_pool2d ceil drop", 0) >= 3
    size = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"{len(S.cases)} cases, {len(S.files)} tensor files, {size / 1e6:.2f} MB in {args.out}")
    for op, n in sorted(S.count_by_op.items()):
        print(f"  {op:24s} {n}")
    for name, n in sorted(S.features.items()):
        print(f"  [{name}] {n}")


if __name__ == "__main__":
    sys.exit(main())
