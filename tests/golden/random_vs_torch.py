#!/usr/bin/python3
"""Random graphs: poolkit against PyTorch, natively or in the browser build (a developer tool; CI has no torch).

    /usr/bin/python3 tests/golden/random_vs_torch.py [--count 300] [--seed 1] [--backend reference]
        [--runner native|node|node-threads|chromium|chromium-threads] [--threads N] [--batch 100]
        [--errors 0.05] [--constants 0.3] [--poolkit build/bin/poolkit] [--keep DIR] [--only FAMILIES] [--scale 1]

Each trial draws an op among every DESIGN.md op,
random valid parameters (awkward ones on purpose: ceil mode with dropped last windows, padding up
to k/2, dilation, 1x1 inputs and windows, odd and non-square sizes, strides larger than kernels,
NaN and -inf inputs for max-type ops, both JSON forms of pairs) and a random shape, sometimes
big-ish; or a conv2d -> relu -> max_pool2d chain, a chain of 2-4 pooling/relu nodes, a graph of
several outputs (a value both an output and an input of another node, indices, exact and tolerant
outputs together), stochastic_pool2d or fractional_max_pool2d with a `seed` (PyTorch has neither:
there the native reference backend is the oracle, DESIGN.md's same-elements-everywhere rule),
or a shape the cpu backend's specialized kernels take ("kernel_shapes": 2x2/s2
and 3x3/s2 pools on planes of several vectors, tiled indices, global pools over many channels,
3x3 convs with 16-64 input channels, fused conv -> relu -> max pool; --scale multiplies its
sizes). Each input
other than x (weights, bias, fractional samples, unpool indices) becomes a graph constant with
probability --constants (a .npy 'file' natively, inline 'data' in the browser build). The graph
and its inputs go to a temporary directory, the graph runs on --backend, and every output is
compared with PyTorch under DESIGN.md's rule (exact for max-type values and all indices,
NaN == NaN; else |a - b| <= 1e-5 * (1 + |b|)). It prints each failure (graph, command, first
mismatch) and a summary line "N passed, M failed"; the exit status is 1 when any failed.

Runners (--runner):
  native            build/bin/poolkit, one process per trial:
                        poolkit run GRAPH --backend B --input NAME=FILE.npy ... --output NAME=FILE.npy ...
  node              the embind module of the browser build under node (build-wasm/bin/poolkit_node.js,
                    SIMD, single-threaded): runGraph(graph, inputs, backend, threads) (web/bindings.cpp);
  node-threads      the wasm-threads module (build-wasm-threads/bin/poolkit_node_threads.js), --threads 2
                    by default;
  chromium          the demo page build-wasm/web/ in Debian's headless Chromium (playwright-core),
                    served without COOP/COEP so the page loads the SIMD module, each trial through
                    DESIGN.md's contract window.poolkit.run(graph, inputs, {backend, threads});
  chromium-threads  the same page served cross-origin isolated: the wasm-threads module, --threads 2.
The wasm runners hand a batch of --batch trials (graph JSON + input .npy files) to one process of
web/tests/batch_runner.mjs, which writes the outputs as .npy files (start-up is slow: one process
per batch, not per trial); a trial that kills or hangs it fails and the rest of its batch runs
again. They also check that outputs are Float32Array (values) or Int32Array / BigInt64Array
(indices), hand int64 inputs over as BigInt64Array or Int32Array (Chromium: sometimes float inputs
as Float64Array or plain arrays, which poolkit.js converts), and make a share --errors of the
trials error trials: a drawn graph broken in one way (unknown op, value or output, bad or unknown
parameter, zero stride, padding above k/2, a window larger than the input, wrong input shape or
dtype, unknown backend, missing 'nodes'), run natively first for the CLI's message; the module
must throw a JS Error carrying that one line (the CLI's graph-file prefix aside; for input shapes
and backends, which the CLI words in terms of its files and its build, the same names and shapes)
and stay usable: the next trial is always a valid one.

Like make_golden.py it stays inside the domain where PyTorch's semantics are poolkit's: lp pooling
only with x^p >= 0 and full windows (see LpPool2dAttrs in ops.h), fractional pooling only with
explicit samples.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
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
        elif kind == "special_nonneg":
            a = np.abs(a)
            u = g.uniform(size=shape)
            a[u < 0.05] = np.nan
            a[(u >= 0.05) & (u < 0.12)] = np.inf
        elif kind == "ties":
            a = g.integers(-2, 3, shape).astype(np.float64)
        return a.astype(np.float32)

    def sum_kind(self, base):
        """Now and then NaN and infinities for sum-type ops too (NaN in, NaN out; +inf and -inf
        together give NaN; "special_nonneg": NaN and +inf only, for lp with odd or fractional p)."""
        if self.chance(0.12):
            return "special_nonneg" if base == "nonneg" else "special"
        return base

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
    x = d.data(shape, d.sum_kind("normal"))
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
    x = d.data(shape, d.sum_kind(kind))
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
    x = d.data(shape, d.sum_kind("normal"))
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
    x = d.data(shape, d.sum_kind(kind))
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
    x = d.data(shape, d.sum_kind("normal"))
    y = F.adaptive_avg_pool2d(t64(x), o)
    node = {"name": "p", "op": "adaptive_avg_pool2d", "inputs": ["x"], "output_size": jsize}
    return single(node, shape, x, ["p"], {"p": f32(y)}, TOL)


def gen_global(d, shape=None):
    if shape is None:
        shape = d.shape2d()
    if len(shape) == 3:
        shape = (1,) + shape
    op = d.choice(["global_max_pool", "global_avg_pool", "global_lp_pool"])
    node = {"name": "g", "op": op, "inputs": ["x"]}
    if op == "global_max_pool":
        x = d.data(shape, d.max_kind())
        y, tol = f32(torch.amax(t32(x), dim=(-2, -1), keepdim=True)), 0
    elif op == "global_avg_pool":
        x = d.data(shape, d.sum_kind("normal"))
        y, tol = f32(torch.mean(t64(x), dim=(-2, -1), keepdim=True)), TOL
    else:
        norm = d.choice([1, 2, 3, 1.5, 4])
        node["norm_type"] = norm
        x = d.data(shape, d.sum_kind("normal"))
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


def gen_multi(d):
    """Several outputs of one graph, a value both output and consumed, mixed exact and tolerant."""
    shape = d.shape2d()
    k, s, p, dl, ceil = window2d(d, True)
    check_out2d(shape, k, s, p, dl, ceil)
    ka, sa, pa, _, ceila = window2d(d, False)
    check_out2d(shape, ka, sa, pa, (1, 1), ceila)
    x = d.data(shape, d.choice(["normal", "normal", "ties", "special"]))
    v, i = F.max_pool2d(t32(x), k, s, p, dl, ceil, return_indices=True)
    r = torch.relu(v)
    a = F.avg_pool2d(t64(x), ka, sa, pa, ceila, True)
    pnode = {"name": "p", "op": "max_pool2d", "inputs": ["x"], "return_indices": True}
    put_window(d, pnode, k, s, p, dl, ceil)
    anode = {"name": "a", "op": "avg_pool2d", "inputs": ["x"]}
    put_window(d, anode, ka, sa, pa, (1, 1), ceila)
    exp = {"p": f32(v), "p.indices": i64(i), "r": f32(r), "a": f32(a)}
    tol = {"p": 0, "p.indices": 0, "r": 0, "a": TOL}
    names = list(exp)
    d.r.shuffle(names)
    names = names[:d.int(2, 4)]
    graph = {"inputs": {"x": {"shape": list(shape)}},
             "nodes": [pnode, {"name": "r", "op": "relu", "inputs": ["p"]}, anode], "outputs": names}
    return graph, {"x": x}, {n: exp[n] for n in names}, {n: tol[n] for n in names}


def gen_kernel_shapes(d):
    """Graphs that the cpu backend's specialized kernels take (halide_generators/variants.cmake),
    which the draws above rarely reach: 2x2/s2 and 3x3/s2/p1 max and avg pools on planes that span
    several vectors, tiled max pools with indices, global pools over many channels, 3x3 convs with
    16-64 input channels (Winograd from 32) and conv -> relu -> 2x2 max chains without indices
    (the fused kernels)."""
    form = d.choice(["k2s2", "k2s2", "k3s2", "tiled", "global", "conv3", "conv3", "fused", "fused"])
    n = d.int(1, 2)
    h, w = d.int(2, 70 * SCALE), d.int(2, 70 * SCALE)
    if form in ("k2s2", "k3s2"):
        c = d.int(1, 6)
        op = "max_pool2d" if form == "k3s2" or d.chance(0.6) else "avg_pool2d"
        k, s, p = ((2, 2), (2, 2), (0, 0)) if form == "k2s2" else ((3, 3), (2, 2), (1, 1))
        ceil = d.chance(0.25)
        if form == "k2s2" and d.chance(0.2):
            p = (1, 1)
        check_out2d((n, c, h, w), k, s, p, (1, 1), ceil)
        x = d.data((n, c, h, w), d.max_kind() if op == "max_pool2d" else "normal")
        node = {"name": "p", "op": op, "inputs": ["x"], "kernel_size": d.jpair(k), "stride": d.jpair(s)}
        if p != (0, 0):
            node["padding"] = d.jpair(p)
        if ceil:
            node["ceil_mode"] = True
        if op == "max_pool2d":
            idx = d.chance(0.3)
            v, i = F.max_pool2d(t32(x), k, s, p, 1, ceil, return_indices=True)
            if idx:
                node["return_indices"] = True
            exp = {"p": f32(v), **({"p.indices": i64(i)} if idx else {})}
            return single(node, (n, c, h, w), x, list(exp), exp, 0)
        node["count_include_pad"] = d.chance(0.5)
        y = F.avg_pool2d(t64(x), k, s, p, ceil, node["count_include_pad"])
        return single(node, (n, c, h, w), x, ["p"], {"p": f32(y)}, TOL)
    if form == "tiled":
        c = d.int(1, 6)
        k = (d.int(1, 8), d.int(1, 8)) if d.chance(0.5) else (d.int(1, 8),) * 2
        if h < k[0] or w < k[1]:
            raise Skip()
        x = d.data((n, c, h, w), d.max_kind())
        v, i = F.max_pool2d(t32(x), k, k, 0, 1, False, return_indices=True)
        node = {"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": d.jpair(k), "return_indices": True}
        return single(node, (n, c, h, w), x, ["p", "p.indices"], {"p": f32(v), "p.indices": i64(i)}, 0)
    if form == "global":
        c, h, w = d.int(1, 70), d.int(1, 16 * SCALE), d.int(1, 16 * SCALE)
        return gen_global(d, (n, c, h, w))
    cin = d.choice([1, 3, 8, 16, 17, 31, 32, 33, 48, 64] if form == "conv3" else [1, 2, 3, 8, 15, 16, 17, 32, 64])
    cout = d.choice([1, 2, 4, 5, 8, 16, 20, 32])
    h, w = d.int(2, 30 * SCALE), d.int(2, 30 * SCALE)
    if d.chance(0.5):  # even and wide enough for the Winograd variants' blocks (conv_family.cpp)
        h, w = 2 * d.int(4, 20 * SCALE), 2 * d.int(8, 30 * SCALE)
    pad = d.choice([0, 1, 1])
    special = d.chance(0.1)
    x = d.data((n, cin, h, w), "special" if special else "normal")
    g = np.random.default_rng(d.r.getrandbits(32))
    wt = (g.standard_normal((cout, cin, 3, 3)) / np.sqrt(9 * cin)).astype(np.float32)
    bias = d.chance(0.6)
    b = g.standard_normal((cout,)).astype(np.float32) if bias else None
    if h + 2 * pad < 3 or w + 2 * pad < 3:
        raise Skip()
    y = F.conv2d(t64(x), t64(wt), t64(b) if bias else None, 1, pad)
    node = {"name": "c", "op": "conv2d", "inputs": ["x", "w"] + (["b"] if bias else []), "padding": pad}
    graph = {"inputs": {"x": {"shape": [n, cin, h, w]}, "w": {"shape": list(wt.shape)}}, "nodes": [node],
             "outputs": ["c"]}
    inputs = {"x": x, "w": wt}
    if bias:
        graph["inputs"]["b"] = {"shape": [cout]}
        inputs["b"] = b
    if form == "conv3":
        return graph, inputs, {"c": f32(y)}, TOL
    pk = d.choice([2, 2, 2, 3])
    if min(y.shape[-2:]) < pk:
        raise Skip()
    # Pooled from float64: a float32 conv may round a near-tie either way, which moves nothing
    # but the chosen value within the tolerance (no indices here).
    r = F.max_pool2d(torch.relu(y), pk)
    graph["nodes"] += [{"name": "r", "op": "relu", "inputs": ["c"]},
                       {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": pk}]
    graph["outputs"] = ["p"]
    return graph, inputs, {"p": f32(r)}, TOL


def gen_chain(d):
    """2-4 pooling / relu nodes in a row (the planner places, reuses and fuses buffers along the
    way), some intermediate values also outputs. Computed in float64 by PyTorch; indices only of
    a max pool whose input is exact (only max-type nodes before it)."""
    shape = d.shape2d()
    if len(shape) == 3:
        shape = (1,) + shape
    exact = d.chance(0.4)
    x = d.data(shape, d.max_kind() if exact else "normal")
    cur, t, name = "x", t64(x), "x"
    nodes, exp, tol = [], {}, {}
    for step in range(d.int(2, 4)):
        h, w = t.shape[-2:]
        op = d.choice(["max_pool2d", "relu", "adaptive_max_pool2d"] if exact else
                      ["max_pool2d", "avg_pool2d", "relu", "adaptive_avg_pool2d", "adaptive_max_pool2d", "lp_pool2d"])
        name = f"n{step}"
        node = {"name": name, "op": op, "inputs": [cur]}
        idx = False
        if op == "relu":
            y = torch.relu(t)
        elif op.startswith("adaptive"):
            o = (d.int(1, h + 2), d.int(1, w + 2))
            node["output_size"] = d.jpair(o)
            if op == "adaptive_max_pool2d":
                idx = exact and d.chance(0.4)
                y, i = F.adaptive_max_pool2d(t, o, return_indices=True)
            else:
                y = F.adaptive_avg_pool2d(t, o)
        else:
            k, s_, p, dl, ceil = window2d(d, op == "max_pool2d")
            if op == "lp_pool2d":
                p, dl, ceil = (0, 0), (1, 1), False
            try:
                check_out2d(t.shape, k, s_, p, dl, ceil)
            except Skip:
                break
            put_window(d, node, k, s_, p, dl, ceil, with_padding=op != "lp_pool2d", has_ceil=op != "lp_pool2d")
            if op == "max_pool2d":
                idx = exact and d.chance(0.4)
                y, i = F.max_pool2d(t, k, s_, p, dl, ceil, return_indices=True)
            elif op == "avg_pool2d":
                y = F.avg_pool2d(t, k, s_, p, ceil, True)
            else:
                node["norm_type"] = 2
                y = F.lp_pool2d(t, 2, k, s_, False)
        if idx:
            node["return_indices"] = True
            if d.chance(0.7):
                exp[name + ".indices"], tol[name + ".indices"] = i64(i), 0
        exact = exact and op in ("max_pool2d", "relu", "adaptive_max_pool2d")
        nodes.append(node)
        if d.chance(0.3):
            exp[name], tol[name] = f32(y), 0 if exact else TOL
        cur, t = name, y
    if not nodes:
        raise Skip()
    exp[cur], tol[cur] = f32(t), 0 if exact else TOL
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": nodes, "outputs": list(exp)}
    return graph, {"x": x}, exp, tol


def native_reference(graph, inputs):
    """Every output of |graph| from the native CLI's reference backend (the oracle where PyTorch
    has no such op)."""
    with tempfile.TemporaryDirectory(prefix="poolkit_oracle_") as tmp:
        gfile = os.path.join(tmp, "graph.json")
        with open(gfile, "w") as f:
            json.dump(graph, f)
        cmd = [POOLKIT, "run", gfile, "--backend", "reference"]
        for n, a in inputs.items():
            np.save(os.path.join(tmp, f"in_{n}.npy"), a)
            cmd += ["--input", f"{n}={os.path.join(tmp, f'in_{n}.npy')}"]
        for n in graph["outputs"]:
            cmd += ["--output", f"{n}={os.path.join(tmp, f'out_{n}.npy')}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise Skip()
        return {n: np.load(os.path.join(tmp, f"out_{n}.npy")) for n in graph["outputs"]}


def gen_seeded(d):
    """The ops whose randomness comes from poolkit's counter-based generator (DESIGN.md: the same
    elements on every backend, native or wasm): stochastic_pool2d, fractional_max_pool2d with
    `seed`. PyTorch has neither, so the oracle is the native reference backend."""
    shape = d.shape2d()
    if d.chance(0.6):
        k, s, p, _, _ = window2d(d, False)
        check_out2d(shape, k, s, p, (1, 1), False)
        x = d.data(shape, d.choice(["nonneg", "nonneg", "normal", "ties", "special_nonneg"]))
        if d.chance(0.3):
            x = np.maximum(x, 0)  # zero windows
        node = {"name": "p", "op": "stochastic_pool2d", "inputs": ["x"], "training": d.chance(0.6),
                "seed": d.int(0, 2 ** 40)}
        put_window(d, node, k, s, p, (1, 1), False, has_ceil=False)
        tol = 0 if node["training"] else TOL
    else:
        if shape[-1] < 2 or shape[-2] < 2:
            raise Skip()
        h, w = shape[-2:]
        k = (d.int(1, min(4, h)), d.int(1, min(4, w)))
        o = (d.int(1, h - k[0] + 1), d.int(1, w - k[1] + 1))
        x = d.data(shape, d.max_kind())
        node = {"name": "p", "op": "fractional_max_pool2d", "inputs": ["x"], "kernel_size": d.jpair(k),
                "output_size": d.jpair(o), "seed": d.int(0, 2 ** 40)}
        if d.chance(0.6):
            node["return_indices"] = True
        tol = 0
    graph = {"inputs": {"x": {"shape": list(shape)}}, "nodes": [node],
             "outputs": ["p", "p.indices"] if node.get("return_indices") else ["p"]}
    return graph, {"x": x}, native_reference(graph, {"x": x}), tol


GENERATORS = [
    ("max_pool2d", gen_max_pool2d, 4), ("avg_pool2d", gen_avg_pool2d, 4), ("lp_pool2d", gen_lp_pool2d, 2),
    ("max_pool1d", gen_max_pool1d, 2), ("avg_pool1d", gen_avg_pool1d, 2), ("lp_pool1d", gen_lp_pool1d, 1),
    ("adaptive_max_pool2d", gen_adaptive_max, 2), ("adaptive_avg_pool2d", gen_adaptive_avg, 2),
    ("global", gen_global, 1), ("fractional_max_pool2d", gen_fractional, 2), ("max_unpool2d", gen_unpool, 2),
    ("conv2d", gen_conv, 3), ("conv2d_relu_max_pool2d", lambda d: gen_conv(d, True), 1), ("relu", gen_relu, 1),
    ("multi_output", gen_multi, 1), ("kernel_shapes", gen_kernel_shapes, 4),
    ("chain", gen_chain, 3), ("seeded_native_oracle", gen_seeded, 2),
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


def draw(d):
    """One valid random graph: (family, graph, inputs, expected outputs, tolerance)."""
    while True:
        name, fn, _ = d.choice(WEIGHTED)
        try:
            graph, inputs, expected, tol = fn(d)
            return name, graph, inputs, expected, tol
        except Skip:
            continue
        except (RuntimeError, ValueError):  # PyTorch rejected a draw: not a poolkit matter
            continue


class Trial:
    """One drawn graph, its files and what came of it."""

    def __init__(self, number, family, graph, inputs, expected, tol, tdir):
        self.number, self.family, self.graph, self.inputs = number, family, graph, inputs
        self.expected, self.tol, self.tdir = expected, tol, tdir
        self.constants = {}      # name -> array, moved out of the inputs (present())
        self.forms = {}          # input name -> how the wasm runners hand it over (Int32Array, ...)
        self.expect_error = None  # error trials: the CLI's message (without "poolkit: error: ")
        self.corruption = ""
        self.cmd = []
        self.problems = []

    def tol_of(self, name):
        return self.tol[name] if isinstance(self.tol, dict) else self.tol

    def in_file(self, n):
        return os.path.join(self.tdir, f"in_{n}.npy")

    def out_file(self, n):
        return os.path.join(self.tdir, f"out_{n}.npy")


def present(args, t, pr):
    """How the trial reaches poolkit, from its own generator |pr| (the graph draws stay those of
    the seed): some graph inputs other than x become constants (weights, bias, samples, indices;
    a .npy 'file' natively, inline 'data' in the browser build), and the wasm runners get some
    inputs as Int32Array / BigInt64Array (indices) or Float64Array / plain arrays (values)."""
    for n in [n for n in t.inputs if n != "x"]:
        if pr.random() < args.constants:
            t.constants[n] = t.inputs.pop(n)
            t.graph["inputs"].pop(n)
    for n, a in t.inputs.items():
        if a.dtype == np.int64:
            t.forms[n] = pr.choice(["BigInt64Array", "Int32Array"] + (["Array"] if args.runner.startswith("chromium") else []))
        elif args.runner.startswith("chromium") and pr.random() < 0.1:
            t.forms[n] = pr.choice(["Float64Array", "Array"])


def constant_spec(a, inline, path):
    spec = {"shape": list(a.shape)}
    if a.dtype == np.int64:
        spec["dtype"] = "int64"
    if inline:
        spec["data"] = [int(v) for v in a.ravel()] if a.dtype == np.int64 else [float(v) for v in a.ravel()]
    else:
        np.save(path, a)
        spec["file"] = os.path.basename(path)
    return spec


def write_trial(t, inline):
    """The graph (constants inline or as files beside it) and the input files; the graph the
    runner gets."""
    os.makedirs(t.tdir, exist_ok=True)
    graph = json.loads(json.dumps(t.graph))
    if t.constants:
        graph["constants"] = {n: constant_spec(a, inline, os.path.join(t.tdir, f"c_{n}.npy"))
                              for n, a in t.constants.items()}
    for n, a in t.inputs.items():
        np.save(t.in_file(n), a)
    return graph


def native_command(args, t, gfile, backend):
    cmd = [args.poolkit, "run", gfile, "--backend", backend]
    for n in t.inputs:
        cmd += ["--input", f"{n}={t.in_file(n)}"]
    for n in t.graph.get("outputs", []):
        cmd += ["--output", f"{n}={t.out_file(n)}"]
    return cmd


def run_native(args, t):
    graph = write_trial(t, inline=False)
    gfile = os.path.join(t.tdir, "graph.json")
    with open(gfile, "w") as f:
        json.dump(graph, f)
    t.cmd = native_command(args, t, gfile, args.backend)
    try:
        proc = subprocess.run(t.cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        t.problems.append("timed out after 120 s")
        return
    if proc.returncode != 0:
        t.problems.append(f"exit {proc.returncode}: {proc.stderr.strip()}")
    else:
        compare_outputs(t)


def compare_outputs(t, types=None):
    for n, want in t.expected.items():
        try:
            got = np.load(t.out_file(n))
        except OSError as e:
            t.problems.append(f"output '{n}': cannot read: {e}")
            continue
        why = matches(got, want, t.tol_of(n))
        if why:
            t.problems.append(f"output '{n}': {why}")
        if types is not None:  # DESIGN.md: Float32Array values, Int32Array / BigInt64Array indices
            ok = ("Int32Array", "BigInt64Array") if want.dtype == np.int64 else ("Float32Array",)
            if types.get(n) not in ok:
                t.problems.append(f"output '{n}': data is a {types.get(n)}, expected {' or '.join(ok)}")


# Error trials (wasm runners): a valid graph made invalid in one way; the module must throw a JS
# Error whose message is the CLI's one line on the same graph, and stay usable (the next trial is
# always a valid one).
def corrupt(pr, t, shape_of):
    g = t.graph
    node = pr.choice(g["nodes"])
    pooling = [n for n in g["nodes"] if "kernel_size" in n]
    kinds = ["op", "input", "output", "param", "backend", "json"] + (["shape", "dtype"] if g["inputs"] else [])
    if pooling:
        kinds += ["stride", "kernel", "padding", "big_kernel"] * 2
    kind = pr.choice(kinds)
    t.corruption = kind
    first = t.corrupted_input = next(iter(g["inputs"]), None)  # x, or v for a lone max_unpool2d
    backend = None
    if kind == "op":
        node["op"] = pr.choice(["no_such_op", "max_pool3d", "MaxPool2d"])
    elif kind == "input":
        node["inputs"][0] = "missing_value"
    elif kind == "output":
        g["outputs"].append(pr.choice(["nope", node["name"] + ".indices2"]))
    elif kind == "param":
        node[pr.choice(["bogus", "kernel", "strides"])] = 1
    elif kind == "shape":  # the declared shape disagrees with the data
        sh = list(g["inputs"][first]["shape"])
        sh[-1] += 1
        g["inputs"][first]["shape"] = sh
    elif kind == "backend":
        backend = "no_such_backend"
    elif kind == "dtype":
        g["inputs"][first]["dtype"] = pr.choice(["float16", "int32", 3])
    elif kind == "json":
        g.pop(pr.choice(["nodes", "outputs"]))
    else:
        node = pr.choice(pooling)
        k = node["kernel_size"]
        if kind == "stride":
            node["stride"] = pr.choice([0, [1, 0], -1] if isinstance(k, list) else [0, -2])
        elif kind == "kernel":
            node["kernel_size"] = pr.choice([0, -1, [0, 2], "3", 2.5])
        elif kind == "padding":
            kk = max(k) if isinstance(k, list) else k
            node["padding"] = kk + pr.randint(0, 2)
        else:  # a window larger than the padded input
            sh = shape_of(node)
            node["kernel_size"] = [v + 3 for v in sh[-2:]] if len(sh) >= 2 and "2d" in node["op"] else sh[-1] + 3
            node.pop("padding", None)
            node.pop("dilation", None)
            node.pop("output_size", None)
    return backend


def make_error_trial(args, t, pr):
    """Turns |t| into an error trial; False when the corrupted graph is still valid natively."""
    shapes = {n: v["shape"] for n, v in t.graph["inputs"].items()}

    def shape_of(node):
        return shapes.get(node["inputs"][0], shapes.get("x", [1]))

    backend = corrupt(pr, t, shape_of) or args.backend
    t.error_backend = backend
    graph = write_trial(t, inline=False)
    gfile = os.path.join(t.tdir, "graph.json")
    with open(gfile, "w") as f:
        json.dump(graph, f)
    cmd = native_command(args, t, gfile, backend)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 2:
        return False
    line = proc.stderr.strip()
    prefix = "poolkit: error: "
    if "\n" in line or not line.startswith(prefix):
        return False
    # The CLI names the graph file first where the graph is at fault; the browser has no file.
    t.expect_error = line[len(prefix):].removeprefix(gfile + ": ").removeprefix("graph.json: ")
    t.expected = {}
    return True


def runner_setup(args):
    """(mode, target, flags) of web/tests/batch_runner.mjs for --runner."""
    r = args.runner
    if r in ("node", "node-threads"):
        module = (os.path.join(args.wasm_dir, "bin", "poolkit_node.js") if r == "node"
                  else os.path.join(args.wasm_threads_dir, "bin", "poolkit_node_threads.js"))
        return "node", module, []
    return "chromium", os.path.join(args.wasm_dir, "web"), (["--isolated"] if r == "chromium-threads" else [])


def run_batch(args, trials, work, batch_no):
    """Runs |trials| through one batch_runner process; a trial whose case killed or hung the
    runner fails, and the rest of the batch runs again in a new process."""
    mode, target, flags = runner_setup(args)
    pending = list(trials)
    attempt, empty = 0, 0  # empty: attempts in a row without any result (the runner cannot start)
    while pending:
        attempt += 1
        tag = f"batch{batch_no:04d}_{attempt}"
        cases = []
        for t in pending:
            graph = write_trial(t, inline=True)
            with open(os.path.join(t.tdir, "graph_inline.json"), "w") as f:
                json.dump(graph, f)
            case = {"id": t.number, "graph": graph, "inputs": {n: t.in_file(n) for n in t.inputs},
                    "as": t.forms, "outputs": {n: t.out_file(n) for n in t.expected},
                    "backend": getattr(t, "error_backend", None) or args.backend, "threads": args.threads}
            if t.expect_error is not None:
                case["expect_error"] = True
            cases.append(case)
        bfile = os.path.join(work, tag + ".json")
        rfile = os.path.join(work, tag + ".results.jsonl")
        with open(bfile, "w") as f:
            json.dump({"cases": cases}, f)
        cmd = ["node", os.path.join(REPO, "web", "tests", "batch_runner.mjs"), mode, target, bfile, rfile] + flags
        for t in pending:
            t.cmd = cmd
        err = ""
        # Its own process group: a timeout ends the runner and the Chromium it started.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=args.batch_timeout)
            if proc.returncode != 0:
                err = f"runner exit {proc.returncode}: " + stderr.strip()[-2000:]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            err = f"runner timed out after {args.batch_timeout} s: " + stderr.strip()[-2000:]
        results = {}
        if os.path.exists(rfile):
            with open(rfile) as f:
                for line in f:
                    if line.strip():
                        r = json.loads(line)
                        results[r["id"]] = r
        empty = empty + 1 if not results else 0
        left, blamed = [], False
        for t in pending:
            r = results.get(t.number)
            if r is not None:
                judge(args, t, r)
            elif not blamed or empty >= 2:  # the first case without a result was running
                t.problems.append(err or "no result from the runner")
                blamed = True
            else:
                left.append(t)
        pending = left


def same_error(t, message):
    """The CLI's message, except where the CLI talks about its own things: an input's .npy file
    (the browser has JS arrays: the message names the input and both shapes) and the backends
    of its build (the browser build has no vulkan)."""
    if "\n" in message:
        return False
    if message == t.expect_error:
        return True
    if t.corruption == "shape":
        shapes = re.findall(r"\[[0-9, ]*\]", t.expect_error)
        return f"input '{t.corrupted_input}'" in message and all(sh in message for sh in shapes)
    if t.corruption == "backend":
        return "'no_such_backend'" in message and "unknown backend" in message
    return message == t.expect_error


VARIANTS = {}  # kernel variant -> trials that ran it (wasm runners; printed at the end)


def judge(args, t, r):
    for v in set(r.get("variants", [])):
        VARIANTS[v] = VARIANTS.get(v, 0) + 1
    for p in r.get("problems", []):
        t.problems.append("page: " + p)
    want_build = "simd+threads" if args.runner.endswith("threads") else "simd"
    if r.get("build") != want_build:
        t.problems.append(f"ran on the '{r.get('build')}' module, expected '{want_build}'")
    if t.expect_error is not None:
        if r["ok"]:
            t.problems.append(f"no error ({t.corruption}); the CLI says: {t.expect_error}")
        elif r.get("errorClass") != "Error" or not same_error(t, r["error"]):
            t.problems.append(f"error ({t.corruption}) {r.get('errorClass')}: {r['error']!r}; "
                              f"the CLI says: {t.expect_error!r}")
        return
    if not r["ok"]:
        t.problems.append(f"{r.get('errorClass')}: {r['error']}")
        return
    if args.runner.startswith("chromium") and r.get("threads") != args.threads:
        t.problems.append(f"ran at {r.get('threads')} threads, asked {args.threads}")
    compare_outputs(t, r.get("types", {}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=300, help="number of random graphs (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    ap.add_argument("--backend", default="reference", help="poolkit backend (default %(default)s)")
    ap.add_argument("--poolkit", default=os.path.join(REPO, "build", "bin", "poolkit"),
                    help="the poolkit command-line tool (default %(default)s)")
    ap.add_argument("--runner", default="native",
                    choices=["native", "node", "node-threads", "chromium", "chromium-threads"],
                    help="where the graphs run (default %(default)s; see the docstring)")
    ap.add_argument("--threads", type=int, help="the wasm cpu backend's threads (default 2 for *-threads, else 1)")
    ap.add_argument("--batch", type=int, default=100, help="trials per runner process (wasm runners; default %(default)s)")
    ap.add_argument("--batch-timeout", type=int, default=600, help="seconds per runner process (default %(default)s)")
    ap.add_argument("--errors", type=float, default=0.05,
                    help="share of error trials (wasm runners; default %(default)s)")
    ap.add_argument("--constants", type=float, default=0.3,
                    help="chance that each non-x input becomes a constant (default %(default)s)")
    ap.add_argument("--wasm-dir", default=os.path.join(REPO, "build-wasm"), help="default %(default)s")
    ap.add_argument("--wasm-threads-dir", default=os.path.join(REPO, "build-wasm-threads"), help="default %(default)s")
    ap.add_argument("--keep", metavar="DIR", help="keep every trial's graph and files under DIR")
    ap.add_argument("--only", help="comma-separated op families to draw (names as in the summary)")
    ap.add_argument("--scale", type=int, default=1,
                    help="multiplies kernel_shapes' largest sizes (planes that split into many tasks; default 1)")
    args = ap.parse_args()
    if not os.access(args.poolkit, os.X_OK):
        sys.exit(f"random_vs_torch: {args.poolkit} is not an executable (build first, or pass --poolkit)")
    native = args.runner == "native"
    if args.threads is None:
        args.threads = 2 if args.runner.endswith("threads") else 1
    if not native:
        mode, target, _ = runner_setup(args)
        if not os.path.exists(target):
            sys.exit(f"random_vs_torch: {target} is missing (scripts/build_wasm.sh, or --wasm-dir / --wasm-threads-dir)")

    global WEIGHTED, SCALE, POOLKIT
    SCALE = max(1, args.scale)
    POOLKIT = args.poolkit
    only = set(args.only.split(",")) if args.only else None
    WEIGHTED = [g for g in GENERATORS for _ in range(g[2]) if only is None or g[0] in only]
    if not WEIGHTED:
        sys.exit("random_vs_torch: --only selects nothing; families: " + ", ".join(g[0] for g in GENERATORS))
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning)  # torch's padding='same' performance note
    d = Draw(random.Random(args.seed))
    work = args.keep or tempfile.mkdtemp(prefix="poolkit_random_")
    passed, failed, by_op = 0, 0, {}
    errors_ran = 0

    def report(t):
        nonlocal passed, failed
        key = "error_path" if t.expect_error is not None else t.family
        st = by_op.setdefault(key, [0, 0])
        if t.problems:
            failed += 1
            st[1] += 1
            print(f"FAIL trial {t.number} ({t.family}{', error: ' + t.corruption if t.corruption else ''}), "
                  f"files in {t.tdir}")
            print("  graph: " + json.dumps(t.graph))
            print("  command: " + " ".join(t.cmd))
            for p in t.problems:
                print("  " + p)
        else:
            passed += 1
            st[0] += 1
            if not args.keep:
                shutil.rmtree(t.tdir, ignore_errors=True)
        sys.stdout.flush()

    try:
        batch, batch_no, last_error = [], 0, False
        for trial in range(args.count):
            family, graph, inputs, expected, tol = draw(d)
            t = Trial(trial, family, graph, inputs, expected, tol, os.path.join(work, f"t{trial:05d}"))
            pr = random.Random(f"{args.seed}/{trial}")
            present(args, t, pr)
            if native:
                run_native(args, t)
                report(t)
                continue
            if not last_error and pr.random() < args.errors:
                err = Trial(trial, family, json.loads(json.dumps(graph)), dict(t.inputs), {}, tol, t.tdir)
                err.constants = dict(t.constants)
                err.forms = dict(t.forms)
                if make_error_trial(args, err, pr):
                    t, last_error = err, True
                    errors_ran += 1
                else:
                    shutil.rmtree(t.tdir, ignore_errors=True)
            else:
                last_error = False
            batch.append(t)
            if len(batch) >= args.batch or trial == args.count - 1:
                run_batch(args, batch, work, batch_no)
                for b in batch:
                    report(b)
                batch, batch_no = [], batch_no + 1
    finally:
        if not args.keep and failed == 0:
            shutil.rmtree(work, ignore_errors=True)
    print("per op: " + ", ".join(f"{k} {v[0]}/{v[0] + v[1]}" for k, v in sorted(by_op.items())))
    if VARIANTS:
        print("kernels: " + ", ".join(f"{k} {v}" for k, v in sorted(VARIANTS.items())))
    where = "" if native else f", runner {args.runner}, threads {args.threads}"
    print(f"{passed} passed, {failed} failed (seed {args.seed}, backend {args.backend}{where})")
    return 1 if failed else 0


WEIGHTED = []
SCALE = 1
POOLKIT = ""

if __name__ == "__main__":
    sys.exit(main())
