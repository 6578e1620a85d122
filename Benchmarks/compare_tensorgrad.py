#!/usr/bin/env python3
"""Ricci against tensorgrad on the gradient cases of corpus files, side by side.

Usage:
    python3 Benchmarks/compare_tensorgrad.py [CORPUS ...] [--reps N] [--timeout SECONDS]
        [--only ID,...] [--ricci-binary PATH] [--json]

CORPUS defaults to both of the package's public corpora (Tests/RicciTests/Fixtures/).

For every case of kind "gradient":

1. The expression is parsed (the parser of compare_sympy.py, the language of LANGUAGE.md) and
   translated to tensorgrad: every matrix a Variable with edges `r` and `c` (a vector `r`, a
   row vector `c`, a scalar none) sized by the case's dimension symbols; a matrix product
   renames the inner edges to one fresh name and contracts them; a transpose swaps `r` and
   `c`; `.*` is tensorgrad's element-wise product; `tr`, `sum`, `norm2(·)^2`, `inv`, `exp`,
   `log`, `tanh`, `sigmoid`, `relu`, `abs`, `sqrt`, `sign` are its functions. Anything else
   (broadcasting, `det`, `logdet`, `ones`, `I`, `sin`, …) is "unsupported"; a declared
   property (symmetric, spd) is left out, so tensorgrad takes the general gradient.
2. tensorgrad's `f.grad(X).simplify()` (symbolic differentiation with its simplification) is
   timed: the median of --reps runs (default 5), the expression built anew for each, with a
   time limit per run (--timeout, default 60 s).
3. A case is "answered" when simplify returns; its result is not checked numerically here
   (tensorgrad's evaluator needs the named tensors of torch 2.7; later versions removed them).

Ricci's figures come from the same run: `ricci-bench --json --corpus … --families none`, whose
per-case `micros` is the median over repetitions of parsing, differentiating and printing.
Needs tensorgrad (0.3.0), sympy and numpy.
"""

import argparse
import itertools
import json
import os
import signal
import statistics
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_sympy  # noqa: E402  (the parser and Ricci's figures)

import sympy as sp  # noqa: E402
import tensorgrad as tg  # noqa: E402
import tensorgrad.functions as F  # noqa: E402

PACKAGE_ROOT = compare_sympy.PACKAGE_ROOT
DEFAULT_CORPORA = [os.path.join(PACKAGE_ROOT, "Tests", "RicciTests", "Fixtures", name)
                   for name in ("public-corpus.json", "public2-corpus.json")]


class Unsupported(Exception):
    """The expression has no translation to tensorgrad here."""


class TimedOut(Exception):
    pass


class Translation:
    """One expression's variables as tensorgrad Variables, and the translator of its tree."""

    FUNCTIONS = {"exp": F.exp, "log": F.log, "tanh": F.tanh, "sigmoid": F.sigmoid, "relu": F.relu,
                 "abs": F.abs, "sqrt": F.sqrt, "sign": F.sign}

    def __init__(self, declared):
        self.symbols = {}
        self.variables = {}
        self.fresh = itertools.count()
        for name, dims in declared.items():
            # A declared property (symmetric, spd) is left out: tensorgrad differentiates the
            # general matrix.
            if isinstance(dims, dict):
                dims = dims["shape"]
            sizes = [self.symbol(d) for d in dims]
            if len(sizes) == 0:
                self.variables[name] = tg.Variable(name)
            elif len(sizes) == 1:
                self.variables[name] = tg.Variable(name, r=sizes[0])
            else:
                self.variables[name] = tg.Variable(name, r=sizes[0], c=sizes[1])

    def symbol(self, dimension):
        if isinstance(dimension, int) or str(dimension).isdigit():
            raise Unsupported("literal sizes")
        if dimension not in self.symbols:
            self.symbols[dimension] = sp.Symbol(str(dimension))
        return self.symbols[dimension]

    @staticmethod
    def edges(value):
        return set(value.edges) if isinstance(value, tg.Tensor) else set()

    def transpose(self, value):
        edges = self.edges(value)
        if edges == {"r", "c"}:
            return value.rename(r="c", c="r")
        if edges == {"r"}:
            return value.rename(r="c")
        if edges == {"c"}:
            return value.rename(c="r")
        return value

    def product(self, a, b):
        ea, eb = self.edges(a), self.edges(b)
        if not ea or not eb:
            return a * b if not isinstance(a, tg.Tensor) or not isinstance(b, tg.Tensor) else a @ b
        if "c" in ea and "r" in eb:
            inner = f"i{next(self.fresh)}"
            return a.rename(c=inner) @ b.rename(r=inner)
        if ea == {"r"} and eb == {"c"}:
            return a @ b
        raise Unsupported("a product of these shapes")

    def translate(self, tree):
        kind = tree[0]
        if kind == "num":
            return float(tree[1])
        if kind == "var":
            if tree[1] not in self.variables:
                raise Unsupported(f"the undeclared name {tree[1]}")
            return self.variables[tree[1]]
        if kind == "neg":
            return -self.translate(tree[1])
        if kind == "'":
            return self.transpose(self.translate(tree[1]))
        if kind == "^" and tree[1][0] == "call" and tree[1][1] == "norm2" and tree[2] == 2:
            return F.frobenius2(self.translate(tree[1][2][0]))
        if kind in ("^", ".^"):
            base = self.translate(tree[1])
            exponent = tree[2]
            if kind == "^" and self.edges(base):
                raise Unsupported("matrix powers")
            if not isinstance(base, tg.Tensor):
                return float(base) ** float(exponent)
            return F.pow(base, Fraction(exponent))
        if kind == "call":
            name, arguments = tree[1], tree[2]
            values = [self.translate(a) for a in arguments]
            if name in self.FUNCTIONS and len(values) == 1 and isinstance(values[0], tg.Tensor):
                return self.FUNCTIONS[name](values[0])
            if name in ("tr", "trace") and len(values) == 1:
                return F.trace(values[0])
            if name == "sum" and len(values) == 1:
                return F.sum(values[0])
            if name == "norm2" and len(values) == 1:
                return F.sqrt(F.frobenius2(values[0]))
            if name == "inv" and len(values) == 1 and self.edges(values[0]) == {"r", "c"}:
                return F.inverse(values[0], {"r", "c"})
            raise Unsupported(f"the function {name}")
        a, b = self.translate(tree[1]), self.translate(tree[2])
        if kind in ("+", "-"):
            if self.edges(a) != self.edges(b):
                raise Unsupported("broadcasting")
            return a + b if kind == "+" else a - b
        if kind == "*":
            return self.product(a, b)
        if kind == ".*":
            if self.edges(a) != self.edges(b) and self.edges(a) and self.edges(b):
                raise Unsupported("broadcasting")
            return a * b
        if kind == "./":
            if self.edges(a) != self.edges(b) and self.edges(b):
                raise Unsupported("broadcasting")
            return a * F.pow(b, -1) if isinstance(b, tg.Tensor) else a * (1 / b)
        if kind == "/":
            return a * F.pow(b, -1) if isinstance(b, tg.Tensor) else a * (1 / b)
        raise Unsupported(f"the operator {kind}")


def gradient(case):
    """Builds the function and takes tensorgrad's simplified gradient; the seconds it took."""
    translation = Translation(case["vars"])
    try:
        tree = compare_sympy.Parser(case["expr"]).parse()
    except SyntaxError as error:
        raise Unsupported(f"the parser does not read it ({error})")
    function = translation.translate(tree)
    if not isinstance(function, tg.Tensor) or translation.edges(function):
        raise Unsupported("a function that is not a scalar tensor")
    start = time.perf_counter()
    function.grad(translation.variables[case["wrt"]]).simplify()
    return time.perf_counter() - start


def measure(case, reps, timeout):
    def expired(signum, frame):
        raise TimedOut()
    signal.signal(signal.SIGALRM, expired)
    seconds = []
    try:
        for _ in range(reps):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                seconds.append(gradient(case))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except Unsupported as reason:
        return {"verdict": "unsupported", "detail": str(reason)}
    except TimedOut:
        return {"verdict": "error", "detail": f"ran past the time limit of {timeout:g} s"}
    except Exception as error:  # tensorgrad's own failures
        return {"verdict": "error", "detail": f"{type(error).__name__}: {str(error)[:80]}"}
    return {"verdict": "answered", "millis": statistics.median(seconds) * 1000, "runs": len(seconds)}


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("corpora", nargs="*", default=DEFAULT_CORPORA)
    arguments.add_argument("--reps", type=int, default=5)
    arguments.add_argument("--timeout", type=float, default=60)
    arguments.add_argument("--only", help="comma-separated case ids")
    arguments.add_argument("--ricci-binary", help="the ricci-bench executable (default: build it)")
    arguments.add_argument("--json", action="store_true")
    options = arguments.parse_args()

    rows = []
    for corpus_path in options.corpora:
        with open(corpus_path) as file:
            corpus = json.load(file)
        cases = [c for c in corpus["cases"] if c["kind"] == "gradient"]
        if options.only:
            cases = [c for c in cases if c["id"] in set(options.only.split(","))]
        ricci, report = compare_sympy.ricci_figures(os.path.abspath(corpus_path), options.ricci_binary, None)
        for case in cases:
            findings = measure(case, options.reps, options.timeout)
            rows.append({"id": case["id"], "ricci_us": ricci.get(case["id"], {}).get("micros"),
                         "tensorgrad_ms": findings.get("millis"), "verdict": findings["verdict"],
                         "detail": findings.get("detail", "")})
    answered = [r for r in rows if r["tensorgrad_ms"] is not None and r["ricci_us"]]
    summary = {"gradient_cases": len(rows), "answered": len(answered),
               "verdicts": {v: sum(1 for r in rows if r["verdict"] == v) for v in ("answered", "error", "unsupported")}}
    if answered:
        summary["tensorgrad_median_ms"] = statistics.median(r["tensorgrad_ms"] for r in answered)
        summary["ricci_median_us_same_cases"] = statistics.median(r["ricci_us"] for r in answered)
        summary["ratio_of_medians"] = summary["tensorgrad_median_ms"] * 1000 / summary["ricci_median_us_same_cases"]
        summary["median_ratio"] = statistics.median(r["tensorgrad_ms"] * 1000 / r["ricci_us"] for r in answered)
    if options.json:
        print(json.dumps({"tensorgrad": getattr(tg, "__version__", "0.3.0"), "summary": summary, "cases": rows}, indent=1))
        return
    width = max(len(r["id"]) for r in rows) + 2
    print(f"{'case':<{width}}{'Ricci µs':>10}{'tensorgrad ms':>15}{'ratio':>9}  verdict")
    for r in rows:
        ricci = f"{r['ricci_us']:.1f}" if r["ricci_us"] is not None else "-"
        peer = f"{r['tensorgrad_ms']:.2f}" if r["tensorgrad_ms"] is not None else "-"
        ratio = f"{r['tensorgrad_ms'] * 1000 / r['ricci_us']:.0f}×" if r["tensorgrad_ms"] is not None and r["ricci_us"] else "-"
        print(f"{r['id']:<{width}}{ricci:>10}{peer:>15}{ratio:>9}  {r['verdict']:<12}{r['detail']}")
    print()
    s = summary
    print(f"{s['gradient_cases']} gradient cases; tensorgrad answered {s['answered']}: "
          + (f"median {s['tensorgrad_median_ms']:.2f} ms, Ricci median on the same cases "
             f"{s['ricci_median_us_same_cases']:.1f} µs, ratio of medians {s['ratio_of_medians']:.0f}×, "
             f"median of per-case ratios {s['median_ratio']:.0f}×" if answered else "none"))
    print("verdicts: " + ", ".join(f"{n} {v}" for v, n in s["verdicts"].items()))


if __name__ == "__main__":
    main()
