#!/usr/bin/python3
"""Random graphs: poolkit's command line against PyTorch (a developer tool; CI has no torch).

    /usr/bin/python3 tests/golden/random_vs_torch.py [--count 300] [--seed 1] [--backend reference]
                                                     [--poolkit build/bin/poolkit] [--keep DIR]

Each trial draws an op among every DESIGN.md op except stochastic_pool2d (PyTorch has none),
random valid parameters (awkward ones on purpose: ceil mode with dropped last windows, padding up
to k/2, dilation, 1x1 inputs and windows, odd and non-square sizes, strides larger than kernels,
NaN and -inf inputs for max-type ops, both JSON forms of pairs) and a random shape, sometimes
big-ish. It writes the graph and its inputs to a temporary directory, runs

    poolkit run GRAPH --backend B --input NAME=FILE.npy ... --output NAME=FILE.npy ...

and compares every output with PyTorch under DESIGN.md's rule (exact for max-type values and all
indices, NaN == NaN; else |a - b| <= 1e-5 * (1 + |b|)). It prints each failure (graph, command,
first mismatch) and a summary line "N passed, M failed"; the exit status is 1 when any failed.

Like make_golden.py it stays inside the domain where PyTorch's semantics are poolkit's: lp pooling
only with x^p >= 0 and full windows (see LpPool2dAttrs in ops.h), fractional pooling only with
explicit samples.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import pair, pooled_size  # noqa: E402  (shared geometry helpers)

TOL = 1e-5
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Skip(Exception):
    """The drawn parameters are invalid for PyTorch (or outside the agreeing domain): redraw."""


def t32(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def t64(a):
    return t32(a).double()


def f32(t):
    return np.ascontiguousarray(t.detach().to(torch.float32).numpy())


def i64(t):
    return np.ascontiguousarray(t.detach().to(torch.int64).numpy())


class Draw:
    """Random choices for one trial."""

    def __init__(self, rng):
        self.r = rng

    def chance(self, p):
        return self.r.random() < p

    def int(self, lo, hi):
        return self.r.randint(lo, hi)

    def choice(self, seq):
        return self.r.choice(seq)

    def jpair(self, v):
        h, w = pair(v)
        if h == w and self.chance(0.5):
            return h
        return [h, w]

    def spatial(self):
        if self.chance(0.1):
            return self.int(24, 64), self.int(24, 64)  # big-ish
        if self.chance(0.1):
            return 1, 1
        return self.int(1, 17), self.int(1, 17)

    def shape2d(self):
        h, w = self.spatial()
        n, c = self.int(1, 2), self.int(1, 4)
        if self.chance(0.1):
            return (c, h, w)  # unbatched
        return (n, c, h, w)

    def shape1d(self):
        L = self.int(1, 40) if self.chance(0.2) else self.int(1, 17)
        if self.chance(0.1):
            return (self.int(1, 3), L)
        return (self.int(1, 2), self.int(1, 4), L)

    def data(self, shape, kind="normal"):
        seed = self.r.getrandbits(32)
        g = np.random.default_rng(seed)
        a = g.standard_normal(shape)
        if kind == "nonneg":
            a = np.abs(a)
        elif kind == "special":
            u = g.uniform(size=shape)
            a[u < 0.05] = np.nan
            a[(u >= 0.05) & (u < 0.15)] = -np.inf
            a[(u >= 0.15) & (u < 0.18)] = np.inf
        elif kind == "ties":
            a = g.integers(-2, 3, shape).astype(np.float64)
        return a.astype(np.float32)

    def max_kind(self):
        return self.choice(["normal"] * 6 + ["special", "ties"])


def single(op_node, x_shape, x, outputs, expected, tol, extra_inputs=None):
    graph = {"inputs": {"x": {"shape": list(x_shape)}}, "nodes": [op_node], "outputs": outputs}
    inputs = {"x": x}
    for name, (arr, spec) in (extra_inputs or {}).items():
        graph["inputs"][name] = spec
        inputs[name] = arr
    return graph, inputs, expected, tol


def window2d(d, dilation):
    k = (d.int(1, 5), d.int(1, 5)) if d.chance(0.6) else (d.int(1, 5),) * 2
    s = None if d.chance(0.25) else (d.int(1, 4), d.int(1, 4))
    p = (d.int(0, k[0] // 2), d.int(0, k[1] // 2))
    dl = (d.int(1, 3), d.int(1, 3)) if dilation and d.chance(0.35) else (1, 1)
    return k, s, p, dl, d.chance(0.5)


def check_out2d(shape, k, s, p, dl, ceil):
    for n, kk, ss, pp, dd in zip(shape[-2:], k, pair(s if s is not None else k), p, dl):
        if pooled_size(n, kk, ss, pp, dd, ceil)[0] < 1:
            raise Skip()


def put_window(d, node, k, s, p, dl, ceil, with_padding=True, has_ceil=True):
    node["kernel_size"] = d.jpair(k)
    if s is not None:
        node["stride"] = d.jpair(s)
    if with_padding and (p != (0, 0) or d.chance(0.2)):
        node["padding"] = d.jpair(p)
    if dl != (1, 1):
        node["dilation"] = d.jpair(dl)
    if has_ceil and (ceil or d.chance(0.1)):
        node["ceil_mode"] = ceil


def gen_max_pool2d(d):
    shape = d.shape2d()
    k, s, p, dl, ceil = window2d(d, True)
    check_out2d(shape, k, s, p, dl, ceil)
    x = d.data(shape, d.max_kind())
    idx = d.chance(0.6)
    v, i = F.max_pool2d(t32(x), k, s, p, dl, ceil, return_indices=True)
    node = {"name": "p", "op": "max_pool2d", "inputs": ["x"]}
    put_window(d, node, k, s, p, dl, ceil)
    if idx:
        node["return_indices"] = True
    exp = {"p": f32(v), **({"p.indices": i64(i)} if idx else {})}
    return single(node, shape, x, list(exp), exp, 0)


def gen_avg_pool2d(d):
    shape = d.shape2d()
    k, s, p, _, ceil = window2d(d, False)
    check_out2d(shape, k, s, p, (1, 1), ceil)
    x = d.data(shape)
    cip = d.chance(0.5)
    div = d.int(1, 12) if d.chance(0.2) else None
    y = F.avg_pool2d(t64(x), k, s, p, ceil, cip, div)
    node = {"name": "p", "op": "avg_pool2d", "inputs": ["x"]}
    put_window(d, node, k, s, p, (1, 1), ceil)
    if not cip or d.chance(0.2):
        node["count_include_pad"] = cip
    if div is not None:
        node["divisor_override"] = div
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def lp_norm(d):
    norm = d.choice([1, 2, 2, 3, 1.5, 4, 2.5])
    kind = "normal" if norm in (2, 4) else "nonneg"  # x^p >= 0: where PyTorch's formula is poolkit's
    return norm, kind


def full_windows_only(sizes, ks, ss):
    return all(pooled_size(n, k, s, 0, 1, True)[0] == pooled_size(n, k, s, 0, 1, False)[0]
               for n, k, s in zip(sizes, ks, ss))


def gen_lp_pool2d(d):
    shape = d.shape2d()
    k, s, _, _, ceil = window2d(d, False)
    check_out2d(shape, k, s, (0, 0), (1, 1), ceil)
    if ceil and not full_windows_only(shape[-2:], k, pair(s if s is not None else k)):
        ceil = False  # PyTorch divides overhanging windows differently (ops.h)
    norm, kind = lp_norm(d)
    x = d.data(shape, kind)
    y = F.lp_pool2d(t64(x), norm, k, s, ceil)
    node = {"name": "p", "op": "lp_pool2d", "inputs": ["x"], "norm_type": norm}
    put_window(d, node, k, s, (0, 0), (1, 1), ceil, with_padding=False)
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def window1d(d, dilation):
    k = d.int(1, 7)
    s = None if d.chance(0.25) else d.int(1, 5)
    p = d.int(0, k // 2)
    dl = d.int(1, 3) if dilation and d.chance(0.35) else 1
    return k, s, p, dl, d.chance(0.5)


def put_window1d(node, k, s, p, dl, ceil, with_padding=True):
    node["kernel_size"] = k
    if s is not None:
        node["stride"] = s
    if with_padding and p:
        node["padding"] = p
    if dl != 1:
        node["dilation"] = dl
    if ceil:
        node["ceil_mode"] = True


def gen_max_pool1d(d):
    shape = d.shape1d()
    k, s, p, dl, ceil = window1d(d, True)
    if pooled_size(shape[-1], k, s if s else k, p, dl, ceil)[0] < 1:
        raise Skip()
    x = d.data(shape, d.max_kind())
    idx = d.chance(0.6)
    v, i = F.max_pool1d(t32(x), k, s, p, dl, ceil, return_indices=True)
    node = {"name": "p", "op": "max_pool1d", "inputs": ["x"]}
    put_window1d(node, k, s, p, dl, ceil)
    if idx:
        node["return_indices"] = True
    exp = {"p": f32(v), **({"p.indices": i64(i)} if idx else {})}
    return single(node, shape, x, list(exp), exp, 0)


def gen_avg_pool1d(d):
    shape = d.shape1d()
    k, s, p, _, ceil = window1d(d, False)
    if pooled_size(shape[-1], k, s if s else k, p, 1, ceil)[0] < 1:
        raise Skip()
    x = d.data(shape)
    cip = d.chance(0.5)
    y = F.avg_pool1d(t64(x), k, s, p, ceil, cip)
    node = {"name": "p", "op": "avg_pool1d", "inputs": ["x"]}
    put_window1d(node, k, s, p, 1, ceil)
    if not cip:
        node["count_include_pad"] = False
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def gen_lp_pool1d(d):
    shape = d.shape1d()
    k, s, _, _, ceil = window1d(d, False)
    ss = s if s else k
    if pooled_size(shape[-1], k, ss, 0, 1, ceil)[0] < 1:
        raise Skip()
    if ceil and not full_windows_only(shape[-1:], (k,), (ss,)):
        ceil = False
    norm, kind = lp_norm(d)
    x = d.data(shape, kind)
    y = F.lp_pool1d(t64(x), norm, k, s, ceil)
    node = {"name": "p", "op": "lp_pool1d", "inputs": ["x"], "norm_type": norm}
    put_window1d(node, k, s, 0, 1, ceil, with_padding=False)
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def adaptive_size(d, shape):
    def one(n):
        r = d.r.random()
        if r < 0.15:
            return None
        if r < 0.3:
            return n + d.int(1, 5)  # larger than the input
        return d.int(1, max(1, n))
    o = (one(shape[-2]), one(shape[-1]))
    if o[0] is not None and o[0] == o[1] and d.chance(0.5):
        return o[0], o
    return list(o), o


def gen_adaptive_max(d):
    shape = d.shape2d()
    jsize, o = adaptive_size(d, shape)
    x = d.data(shape, d.max_kind())
    idx = d.chance(0.6)
    v, i = F.adaptive_max_pool2d(t32(x), o, return_indices=True)
    node = {"name": "p", "op": "adaptive_max_pool2d", "inputs": ["x"], "output_size": jsize}
    if idx:
        node["return_indices"] = True
    exp = {"p": f32(v), **({"p.indices": i64(i)} if idx else {})}
    return single(node, shape, x, list(exp), exp, 0)


def gen_adaptive_avg(d):
    shape = d.shape2d()
    jsize, o = adaptive_size(d, shape)
    x = d.data(shape)
    y = F.adaptive_avg_pool2d(t64(x), o)
    node = {"name": "p", "op": "adaptive_avg_pool2d", "inputs": ["x"], "output_size": jsize}
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def gen_global(d):
    shape = d.shape2d()
    if len(shape) == 3:
        shape = (1,) + shape
    op = d.choice(["global_max_pool", "global_avg_pool", "global_lp_pool"])
    node = {"name": "g", "op": op, "inputs": ["x"]}
    if op == "global_max_pool":
        x = d.data(shape, d.max_kind())
        y, tol = f32(torch.amax(t32(x), dim=(-2, -1), keepdim=True)), 0
    elif op == "global_avg_pool":
        x = d.data(shape)
        y, tol = f32(torch.mean(t64(x), dim=(-2, -1), keepdim=True)), TOL
    else:
        norm = d.choice([1, 2, 3, 1.5, 4])
        node["norm_type"] = norm
        x = d.data(shape)
        y, tol = f32(torch.linalg.vector_norm(t64(x), ord=norm, dim=(-2, -1), keepdim=True)), TOL
    return single(node, shape, x, ["g"], {"g": y}, tol)


def gen_fractional(d):
    h, w = d.spatial()
    shape = (d.int(1, 2), d.int(1, 3), max(h, 2), max(w, 2))
    k = (d.int(1, min(4, shape[2])), d.int(1, min(4, shape[3])))
    node = {"name": "p", "op": "fractional_max_pool2d", "inputs": ["x", "samples"], "kernel_size": d.jpair(k)}
    if d.chance(0.5):
        o = (d.int(1, shape[2] - k[0] + 1), d.int(1, shape[3] - k[1] + 1))
        node["output_size"] = d.jpair(o)
        kw = {"output_size": o}
    else:
        ratio = (d.choice([0.25, 0.5, 0.6, 0.75, 0.9]), d.choice([0.25, 0.5, 0.6, 0.75, 0.9]))
        o = (int(shape[2] * ratio[0]), int(shape[3] * ratio[1]))
        if min(o) < 1 or o[0] + k[0] - 1 > shape[2] or o[1] + k[1] - 1 > shape[3]:
            raise Skip()
        node["output_ratio"] = ratio[0] if ratio[0] == ratio[1] and d.chance(0.5) else list(ratio)
        kw = {"output_ratio": ratio}
    x = d.data(shape, d.max_kind())
    samples = np.random.default_rng(d.r.getrandbits(32)).uniform(size=(shape[0], shape[1], 2)).astype(np.float32)
    v, i = F.fractional_max_pool2d(t32(x), k, return_indices=True, _random_samples=t32(samples), **kw)
    idx = d.chance(0.6)
    if idx:
        node["return_indices"] = True
    exp = {"p": f32(v), **({"p.indices": i64(i)} if idx else {})}
    return single(node, shape, x, list(exp), exp, 0,
                  {"samples": (samples, {"shape": [shape[0], shape[1], 2]})})


def gen_unpool(d):
    shape = d.shape2d()
    k, s, p, _, _ = window2d(d, False)
    check_out2d(shape, k, s, p, (1, 1), False)
    x = d.data(shape)
    v, i = F.max_pool2d(t32(x), k, s, p, return_indices=True)
    ss = pair(s if s is not None else k)
    default = [(v.shape[-2 + a] - 1) * ss[a] + k[a] - 2 * p[a] for a in range(2)]
    if all(default[a] >= shape[-2 + a] for a in range(2)) and d.chance(0.4):
        osize = None
    else:
        osize = list(shape[-2:]) if d.chance(0.5) else list(shape)
    try:
        u = F.max_unpool2d(v, i, k, s, p, output_size=osize)
    except (RuntimeError, ValueError):
        raise Skip()
    pnode = {"name": "p", "op": "max_pool2d", "inputs": ["x"], "return_indices": True}
    put_window(d, pnode, k, s, p, (1, 1), False)
    unode = {"name": "u", "op": "max_unpool2d", "inputs": ["p", "p.indices"]}
    put_window(d, unode, k, s, p, (1, 1), False, has_ceil=False)
    if osize is not None:
        unode["output_size"] = osize
    if d.chance(0.5):  # chained in one graph
        graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [pnode, unode], "outputs": ["u"]}
        return graph, {"x": x}, {"u": f32(u)}, 0
    unode["inputs"] = ["v", "i"]
    graph = {"inputs": {"v": {"shape": list(v.shape)}, "i": {"shape": list(i.shape), "dtype": "int64"}},
             "nodes": [unode], "outputs": ["u"]}
    return graph, {"v": f32(v), "i": i64(i)}, {"u": f32(u)}, 0


def conv_params(d, shape):
    cin = shape[-3]
    groups = d.choice([1, 1, 1, cin] + [g for g in (2, 3) if cin % g == 0])
    cout = groups * d.int(1, 3)
    k = (d.int(1, 5), d.int(1, 5))
    dl = (d.int(1, 3), d.int(1, 3)) if d.chance(0.3) else (1, 1)
    r = d.r.random()
    if r < 0.15:
        padding, stride = "same", (1, 1)
    elif r < 0.25:
        padding, stride = "valid", (d.int(1, 3), d.int(1, 3))
    else:
        padding, stride = (d.int(0, 3), d.int(0, 3)), (d.int(1, 3), d.int(1, 3))
    return cin, cout, groups, k, dl, padding, stride


def gen_conv(d, then_relu_pool=False):
    shape = d.shape2d()
    cin, cout, groups, k, dl, padding, stride = conv_params(d, shape)
    x = d.data(shape)
    g = np.random.default_rng(d.r.getrandbits(32))
    w = (0.5 * g.standard_normal((cout, cin // groups) + k)).astype(np.float32)
    bias = d.chance(0.6)
    b = (0.5 * g.standard_normal((cout,))).astype(np.float32) if bias else None
    try:
        y = F.conv2d(t64(x), t64(w), t64(b) if bias else None, stride, padding, dl, groups)
    except RuntimeError:
        raise Skip()
    if min(y.shape[-2:]) < 1:
        raise Skip()
    node = {"name": "c", "op": "conv2d", "inputs": ["x", "w"] + (["b"] if bias else [])}
    if stride != (1, 1) or d.chance(0.2):
        node["stride"] = d.jpair(stride)
    node["padding"] = padding if isinstance(padding, str) else d.jpair(padding)
    if dl != (1, 1):
        node["dilation"] = d.jpair(dl)
    if groups != 1:
        node["groups"] = groups
    graph = {"inputs": {"x": {"shape": list(shape)}, "w": {"shape": list(w.shape)}}, "nodes": [node],
             "outputs": ["c"]}
    inputs = {"x": x, "w": w}
    if bias:
        graph["inputs"]["b"] = {"shape": [cout]}
        inputs["b"] = b
    if not then_relu_pool:
        return graph, inputs, {"c": f32(y)}, TOL
    r = torch.relu(y.float())
    pk = (d.int(1, 3), d.int(1, 3))
    if min(r.shape[-2:]) < max(pk):
        raise Skip()
    v, i = F.max_pool2d(r, pk, return_indices=True)
    graph["nodes"] += [{"name": "r", "op": "relu", "inputs": ["c"]},
                       {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": d.jpair(pk),
                        "return_indices": True}]
    graph["outputs"] = ["p", "p.indices", "c"]
    # Indices after a conv could differ on near-ties of float32 rounding: rare with random data.
    return graph, inputs, {"p": f32(v), "p.indices": i64(i), "c": f32(y)}, TOL


def gen_relu(d):
    shape = d.shape2d() if d.chance(0.7) else d.shape1d()
    x = d.data(shape, d.choice(["normal", "special"]))
    node = {"name": "r", "op": "relu", "inputs": ["x"]}
    return single(node, shape, x, ["r"], {"r": f32(torch.relu(t32(x)))}, 0)


GENERATORS = [
    ("max_pool2d", gen_max_pool2d, 4), ("avg_pool2d", gen_avg_pool2d, 4), ("lp_pool2d", gen_lp_pool2d, 2),
    ("max_pool1d", gen_max_pool1d, 2), ("avg_pool1d", gen_avg_pool1d, 2), ("lp_pool1d", gen_lp_pool1d, 1),
    ("adaptive_max_pool2d", gen_adaptive_max, 2), ("adaptive_avg_pool2d", gen_adaptive_avg, 2),
    ("global", gen_global, 1), ("fractional_max_pool2d", gen_fractional, 2), ("max_unpool2d", gen_unpool, 2),
    ("conv2d", gen_conv, 3), ("conv2d_relu_max_pool2d", lambda d: gen_conv(d, True), 1), ("relu", gen_relu, 1),
]


def matches(got, want, tol):
    """'' when |got| matches |want| under DESIGN.md's rule, else the first mismatch."""
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, expected {want.dtype}"
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, expected {list(want.shape)}"
    if want.dtype == np.int64:
        bad = got != want
    else:
        g, w = got.astype(np.float64), want.astype(np.float64)
        both_nan = np.isnan(g) & np.isnan(w)
        if tol == 0:
            ok = (g == w) | both_nan
        else:
            with np.errstate(invalid="ignore"):
                close = np.abs(g - w) <= tol * (1 + np.abs(w))
            ok = both_nan | np.where(np.isfinite(w), close, g == w)
        bad = ~ok
    if not bad.any():
        return ""
    first = np.argwhere(bad)[0]
    at = tuple(int(v) for v in first)
    return (f"{int(bad.sum())} of {want.size} elements differ; first at {list(at)}: "
            f"got {got[at]!r}, expected {want[at]!r}")


def run_trial(args, d, trial, work):
    while True:
        name, fn, _ = d.choice(WEIGHTED)
        try:
            graph, inputs, expected, tol = fn(d)
            break
        except Skip:
            continue
        except (RuntimeError, ValueError):  # PyTorch rejected a draw: not a poolkit matter
            continue
    tdir = os.path.join(work, f"t{trial:05d}")
    os.makedirs(tdir, exist_ok=True)
    gfile = os.path.join(tdir, "graph.json")
    with open(gfile, "w") as f:
        json.dump(graph, f)
    cmd = [args.poolkit, "run", gfile, "--backend", args.backend]
    for n, a in inputs.items():
        path = os.path.join(tdir, f"in_{n}.npy")
        np.save(path, a)
        cmd += ["--input", f"{n}={path}"]
    outs = {}
    for n in expected:
        outs[n] = os.path.join(tdir, f"out_{n}.npy")
        cmd += ["--output", f"{n}={outs[n]}"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return name, graph, cmd, ["timed out after 120 s"], tdir
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit {proc.returncode}: {proc.stderr.strip()}")
    else:
        for n, want in expected.items():
            try:
                got = np.load(outs[n])
            except OSError as e:
                problems.append(f"output '{n}': cannot read: {e}")
                continue
            why = matches(got, want, tol)
            if why:
                problems.append(f"output '{n}': {why}")
    return name, graph, cmd, problems, tdir


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=300, help="number of random graphs (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    ap.add_argument("--backend", default="reference", help="poolkit backend (default %(default)s)")
    ap.add_argument("--poolkit", default=os.path.join(REPO, "build", "bin", "poolkit"),
                    help="the poolkit command-line tool (default %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="keep every trial's graph and files under DIR")
    ap.add_argument("--only", help="comma-separated op families to draw (names as in the summary)")
    args = ap.parse_args()
    if not os.access(args.poolkit, os.X_OK):
        sys.exit(f"random_vs_torch: {args.poolkit} is not an executable (build first, or pass --poolkit)")

    global WEIGHTED
    only = set(args.only.split(",")) if args.only else None
    WEIGHTED = [g for g in GENERATORS for _ in range(g[2]) if only is None or g[0] in only]
    if not WEIGHTED:
        sys.exit("random_vs_torch: --only selects nothing; families: " + ", ".join(g[0] for g in GENERATORS))
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning)  # torch's padding='same' performance note
    d = Draw(random.Random(args.seed))
    work = args.keep or tempfile.mkdtemp(prefix="poolkit_random_")
    passed, failed, by_op = 0, 0, {}
    try:
        for trial in range(args.count):
            name, graph, cmd, problems, tdir = run_trial(args, d, trial, work)
            st = by_op.setdefault(name, [0, 0])
            if problems:
                failed += 1
                st[1] += 1
                print(f"FAIL trial {trial} ({name}), files in {tdir}")
                print("  graph: " + json.dumps(graph))
                print("  command: " + " ".join(cmd))
                for p in problems:
                    print("  " + p)
            else:
                passed += 1
                st[0] += 1
                if not args.keep:
                    shutil.rmtree(tdir, ignore_errors=True)
    finally:
        if not args.keep and failed == 0:
            shutil.rmtree(work, ignore_errors=True)
    print("per op: " + ", ".join(f"{k} {v[0]}/{v[0] + v[1]}" for k, v in sorted(by_op.items())))
    print(f"{passed} passed, {failed} failed (seed {args.seed}, backend {args.backend})")
    return 1 if failed else 0


WEIGHTED = []

if __name__ == "__main__":
    sys.exit(main())
