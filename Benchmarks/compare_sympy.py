#!/usr/bin/env python3
"""Ricci against SymPy on the gradient cases of a corpus file, side by side.

Usage:
    python3 Benchmarks/compare_sympy.py [CORPUS] [--reps N] [--timeout SECONDS]
        [--only ID,...] [--ricci-json FILE | --ricci-binary PATH] [--show] [--json]

CORPUS defaults to the package's Tests/RicciTests/Fixtures/public-corpus.json.

For every case of kind "gradient":

1. The expression is parsed (the language of LANGUAGE.md) and translated to SymPy matrix
   expressions: MatrixSymbol with symbolic dimensions, Trace, Determinant, Inverse,
   HadamardProduct, HadamardPower, element-wise functions, OneMatrix, Identity, DiagMatrix.
2. In a process of its own, with a time limit (--timeout, default 60 s), SymPy's
   `expr.diff(var)` is timed: the median of --reps runs (default 5), SymPy's cache cleared
   before each, fewer runs when the first ones already took more than a few seconds.
3. SymPy's answer is judged against the case's `expected` gradient at three random test
   points (distinct sizes 2..6 per dimension, values following the case's properties and
   hints), within a relative error of 1e-6:
       correct      numerically equal to the expected gradient
       wrong        evaluates to something else (or to another shape)
       unlifted     array-expression objects (ArrayTensorProduct, PermuteDims, ...) or
                    Derivative objects are left in the result
       error        diff raised, ran past the time limit, or its result could not be evaluated
       unsupported  the expression has no translation to SymPy matrix expressions here

Ricci's figures come from the same run: `ricci-bench --json --corpus CORPUS --families none`
(built with `swift build -c release --product ricci-bench` unless --ricci-binary or
--ricci-json is given), whose per-case `micros` is the median over repetitions of parsing,
differentiating and printing.

The table lists per case Ricci's µs, SymPy's ms, their ratio and SymPy's verdict; the totals
give the median of each, the ratio of the medians over the cases SymPy finished, and the
count of each verdict. --show adds SymPy's result; --json prints one JSON object instead.
Needs sympy (1.14) and numpy only.
"""

import argparse
import json
import math
import multiprocessing
import os
import queue
import re
import statistics
import subprocess
import sys
import time
import warnings
from fractions import Fraction

# One thread for NumPy's BLAS: the case processes are forked, and a forked thread pool is a hazard.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction  # noqa: E402

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(PACKAGE_ROOT, "Tests", "RicciTests", "Fixtures", "public-corpus.json")
VERDICTS = ["correct", "wrong", "unlifted", "error", "unsupported"]
TOLERANCE = 1e-6
TEST_POINTS = 3


class Unsupported(Exception):
    """The expression has no translation to SymPy matrix expressions."""


class Unevaluable(Exception):
    """A SymPy result contains a node the numeric evaluator does not know."""


class IllShaped(Exception):
    """A SymPy result whose operand shapes do not fit at concrete sizes."""


# ----------------------------------------------------------------------------------------------
# The language: tokens and a recursive-descent parser into tuples
# ----------------------------------------------------------------------------------------------

TOKEN = re.compile(r"""
    \s*(?:
      (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<name>[A-Za-z][A-Za-z0-9_]*)
    | (?P<op>\.\*|\./|\.\^|\^T|[-+*/^'(),]|\u2212|\u2299|\u1d40)
    )""", re.VERBOSE)


def tokenize(text):
    """The tokens of `text` as (kind, value) pairs, ending with ("end", None)."""
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise SyntaxError(f"unexpected character {text[position]!r} at {position} in {text!r}")
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        value = {"\u2212": "-", "\u2299": ".*", "\u1d40": "'", "^T": "'"}.get(value, value)
        tokens.append((kind, value))
    tokens.append(("end", None))
    return tokens


class Parser:
    """Parses the language into tuples: ("num", Fraction), ("var", name), ("neg", a),
    (op, a, b) for + - * .* ./ /, ("^", a, Fraction), (".^", a, Fraction), ("'", a),
    ("call", name, [arguments])."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.position = 0

    def parse(self):
        tree = self.expression()
        if self.peek() != ("end", None):
            raise SyntaxError(f"unexpected {self.peek()[1]!r}")
        return tree

    def peek(self):
        return self.tokens[self.position]

    def take(self, value=None):
        token = self.tokens[self.position]
        if value is not None and token[1] != value:
            raise SyntaxError(f"expected {value!r}, found {token[1]!r}")
        self.position += 1
        return token

    def expression(self):
        tree = self.term()
        while self.peek()[1] in ("+", "-"):
            operator = self.take()[1]
            tree = (operator, tree, self.term())
        return tree

    def term(self):
        tree = self.unary()
        while self.peek()[1] in ("*", ".*", "./", "/"):
            operator = self.take()[1]
            tree = (operator, tree, self.unary())
        return tree

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return ("neg", self.unary())
        return self.power()

    def power(self):
        tree = self.postfix()
        if self.peek()[1] in ("^", ".^"):
            operator = self.take()[1]
            sign = 1
            if self.peek()[1] == "-":
                self.take()
                sign = -1
            parenthesised = self.peek()[1] == "("
            if parenthesised:
                self.take()
            exponent = self.number_value()
            if self.peek()[1] == "/":
                self.take()
                exponent /= self.number_value()
            if parenthesised:
                self.take(")")
            tree = (operator, tree, sign * exponent)
        return tree

    def number_value(self):
        kind, value = self.take()
        if kind != "number":
            raise SyntaxError(f"expected a number, found {value!r}")
        return Fraction(value)

    def postfix(self):
        tree = self.primary()
        while self.peek()[1] == "'":
            self.take()
            tree = ("'", tree)
        return tree

    def primary(self):
        kind, value = self.peek()
        if kind == "number":
            return ("num", self.number_value())
        if kind == "name":
            self.take()
            if self.peek()[1] == "(":
                self.take()
                arguments = [self.expression()]
                while self.peek()[1] == ",":
                    self.take()
                    arguments.append(self.expression())
                self.take(")")
                return ("call", value, arguments)
            return ("var", value)
        if value == "(":
            self.take()
            tree = self.expression()
            self.take(")")
            return tree
        raise SyntaxError(f"unexpected {value!r}")


def parse(text):
    """The tree of an expression of the language."""
    return Parser(text).parse()


# ----------------------------------------------------------------------------------------------
# Declarations and test points
# ----------------------------------------------------------------------------------------------

def declarations(case):
    """{name: (shape, property)} with shape a list of 0, 1 or 2 dimensions (names or ints)."""
    result = {}
    for name, value in case["vars"].items():
        if isinstance(value, dict):
            result[name] = (list(value["shape"]), value.get("property"))
        else:
            result[name] = (list(value), None)
    return result


def dimension_names(case):
    """Every dimension name of the case: of the declarations, and of I(n), ones(m,n)."""
    names = set()
    for shape, _ in declarations(case).values():
        names.update(d for d in shape if isinstance(d, str))
    for text in (case["expr"], case["expected"]):
        for match in re.finditer(r"\b(?:I|ones)\(([^()]*)\)", text):
            names.update(a.strip() for a in match.group(1).split(",") if not a.strip().isdigit())
    return sorted(names)


def draw_sizes(case, rng):
    """Distinct sizes 2..6 for the dimension names; those of `size_order` increasing."""
    names = dimension_names(case)
    values = list(rng.permutation(np.arange(2, 2 + max(5, len(names))))[:len(names)])
    sizes = dict(zip(names, (int(v) for v in values)))
    order = [n for n in case.get("size_order", []) if n in sizes]
    for name, size in zip(order, sorted(sizes[n] for n in order)):
        sizes[name] = size
    return sizes


def draw_values(case, sizes, rng):
    """Random values: 2-D arrays for matrices and vectors (k×1), floats for scalars.
    Symmetric and SPD variables get such matrices; `domain: positive` entries in [0.5, 1.5];
    other square matrices are near the identity, so that inverses and logarithms of
    determinants exist."""
    positive = {name for name, kind in case.get("domain", {}).items() if kind == "positive"}
    values = {}
    for name, (shape, prop) in declarations(case).items():
        rows, columns = ([sizes.get(d, d) for d in shape] + [1, 1])[:2]
        if not shape:
            values[name] = float(rng.uniform(0.5, 1.5))
            continue
        if name in positive:
            value = rng.uniform(0.5, 1.5, (rows, columns))
        else:
            value = rng.standard_normal((rows, columns))
        if prop in ("symmetric", "spd"):
            value = (value + value.T) / 2
        if prop == "spd":
            value = value @ value.T / rows + np.eye(rows)
        elif rows == columns and rows > 1 and name not in positive and prop is None:
            value = value / math.sqrt(rows) + 2 * np.eye(rows)
        values[name] = value
    return values


# ----------------------------------------------------------------------------------------------
# NumPy evaluation of the language (for the expected gradient)
# ----------------------------------------------------------------------------------------------

ELEMENTWISE_NUMPY = {
    "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
    "sqrt": np.sqrt, "abs": np.abs, "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
    "relu": lambda a: np.maximum(a, 0), "softplus": lambda a: np.log1p(np.exp(a)),
}


def evaluate(tree, values, sizes):
    """The value of a tree: a 2-D array (a scalar is 1×1)."""
    def size(argument):
        if argument[0] == "num":
            return int(argument[1])
        if argument[0] == "var" and argument[1] in sizes:
            return sizes[argument[1]]
        raise ValueError(f"not a dimension: {argument}")

    def value(node):
        kind = node[0]
        if kind == "num":
            return np.array([[float(node[1])]])
        if kind == "var":
            return np.atleast_2d(np.asarray(values[node[1]], dtype=float))
        if kind == "neg":
            return -value(node[1])
        if kind == "'":
            return value(node[1]).T
        if kind in ("^", ".^"):
            return value(node[1]) ** float(node[2])
        if kind == "call":
            name, arguments = node[1], node[2]
            if name == "I":
                return np.eye(size(arguments[0]))
            if name == "ones":
                return np.ones((size(arguments[0]), size(arguments[1]) if len(arguments) > 1 else 1))
            a = value(arguments[0])
            if name in ELEMENTWISE_NUMPY:
                return ELEMENTWISE_NUMPY[name](a)
            scalar = {"tr": np.trace, "det": np.linalg.det, "sum": np.sum,
                      "logdet": lambda m: np.log(np.linalg.det(m)),
                      "norm2": lambda m: np.sqrt(np.sum(m * m))}
            if name in scalar:
                return np.array([[scalar[name](a)]])
            if name == "inv":
                return np.linalg.inv(a)
            if name == "diagm":
                return np.diag(a.ravel())
            if name == "diagv":
                return np.diag(a).reshape(-1, 1)
            raise ValueError(f"unknown function {name}")
        a, b = value(node[1]), value(node[2])
        if kind == "+":
            return a + b
        if kind == "-":
            return a - b
        if kind == "*":
            return a * b if a.shape == (1, 1) or b.shape == (1, 1) else a @ b
        if kind == ".*":
            return a * b
        if kind in ("./", "/"):
            return a / b
        raise ValueError(f"unknown node {kind}")

    return value(tree)


# ----------------------------------------------------------------------------------------------
# Translation to SymPy matrix expressions
# ----------------------------------------------------------------------------------------------

def sigmoid_lambda():
    d = sp.Dummy("d")
    return sp.Lambda(d, 1 / (1 + sp.exp(-d)))


def elementwise_sympy(name):
    """The SymPy function (or Lambda) of an element-wise function of the language."""
    d = sp.Dummy("d")
    table = {
        "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh,
        "sqrt": sp.Lambda(d, sp.sqrt(d)), "abs": sp.Abs, "sigmoid": sigmoid_lambda(),
        "relu": sp.Lambda(d, sp.Max(d, 0)), "softplus": sp.Lambda(d, sp.log(1 + sp.exp(d))),
    }
    return table.get(name)


class Translator:
    """Builds SymPy matrix expressions from trees. A 1×1 matrix expression stays a matrix
    (SymPy differentiates `a.T*X*b` as such) until a scalar is required: added to a scalar,
    or scaling a matrix whose shape does not chain with it; then it becomes its Trace."""

    def __init__(self, case):
        self.dimensions = {n: sp.Symbol(n, integer=True, positive=True) for n in dimension_names(case)}
        self.symbols = {}
        for name, (shape, _) in declarations(case).items():
            dims = [self.dimensions[d] if isinstance(d, str) else d for d in shape]
            if not dims:
                self.symbols[name] = sp.Symbol(name, real=True)
            else:
                self.symbols[name] = sp.MatrixSymbol(name, dims[0], dims[1] if len(dims) > 1 else 1)

    @staticmethod
    def is_matrix(e):
        return isinstance(e, sp.MatrixExpr)

    @classmethod
    def is_one_by_one(cls, e):
        return cls.is_matrix(e) and e.shape == (1, 1)

    @classmethod
    def scalar(cls, e):
        """`e` as a scalar expression: the Trace of a 1×1 matrix."""
        if cls.is_one_by_one(e):
            return sp.Trace(e)
        if cls.is_matrix(e):
            raise Unsupported(f"a {e.shape} matrix used as a scalar")
        return e

    def dimension(self, node):
        if node[0] == "num":
            return int(node[1])
        if node[0] == "var" and node[1] in self.dimensions:
            return self.dimensions[node[1]]
        raise Unsupported(f"not a dimension: {node}")

    def translate(self, node):
        kind = node[0]
        if kind == "num":
            return sp.Rational(node[1].numerator, node[1].denominator)
        if kind == "var":
            if node[1] not in self.symbols:
                raise Unsupported(f"undeclared variable {node[1]}")
            return self.symbols[node[1]]
        if kind == "neg":
            return -self.translate(node[1])
        if kind == "'":
            a = self.translate(node[1])
            return a.T if self.is_matrix(a) else a
        if kind in ("^", ".^"):
            a = self.translate(node[1])
            exponent = sp.Rational(node[2].numerator, node[2].denominator)
            return sp.HadamardPower(a, exponent) if self.is_matrix(a) else a ** exponent
        if kind == "call":
            return self.call(node[1], node[2])
        a, b = self.translate(node[1]), self.translate(node[2])
        if kind in ("+", "-"):
            if self.is_matrix(a) != self.is_matrix(b):
                a, b = self.scalar(a), self.scalar(b)
            return a + b if kind == "+" else a - b
        if kind == "*":
            if self.is_matrix(a) and self.is_matrix(b) and a.shape[1] != b.shape[0]:
                if self.is_one_by_one(a):
                    a = self.scalar(a)
                elif self.is_one_by_one(b):
                    b = self.scalar(b)
                else:
                    raise Unsupported(f"shapes {a.shape} and {b.shape} do not chain")
            return a * b
        if kind == ".*":
            if not (self.is_matrix(a) and self.is_matrix(b)):
                return self.scalar(a) * self.scalar(b)
            return sp.HadamardProduct(a, b)
        if kind == "./":
            if not (self.is_matrix(a) and self.is_matrix(b)):
                return self.scalar(a) / self.scalar(b)
            return sp.HadamardProduct(a, sp.HadamardPower(b, -1))
        if kind == "/":
            return a * (1 / self.scalar(b))
        raise Unsupported(f"node {kind}")

    def call(self, name, arguments):
        if name == "I":
            return sp.Identity(self.dimension(arguments[0]))
        if name == "ones":
            columns = self.dimension(arguments[1]) if len(arguments) > 1 else 1
            return sp.OneMatrix(self.dimension(arguments[0]), columns)
        if len(arguments) != 1:
            raise Unsupported(f"{name} with {len(arguments)} arguments")
        a = self.translate(arguments[0])
        function = elementwise_sympy(name)
        if function is not None:
            return ElementwiseApplyFunction(function, a) if self.is_matrix(a) else function(a)
        if not self.is_matrix(a):
            scalar_forms = {"tr": lambda s: s, "det": lambda s: s, "sum": lambda s: s,
                            "inv": lambda s: 1 / s, "logdet": sp.log, "norm2": sp.Abs}
            if name in scalar_forms:
                return scalar_forms[name](a)
            raise Unsupported(f"{name} of a scalar")
        if name == "tr":
            return sp.Trace(a)
        if name == "det":
            return sp.Determinant(a)
        if name == "logdet":
            return sp.log(sp.Determinant(a))
        if name == "inv":
            return sp.Inverse(a)
        if name == "sum":
            return sp.Trace(sp.OneMatrix(a.shape[1], a.shape[0]) * a)
        if name == "norm2":
            return sp.sqrt(sp.Trace(a.T * a))
        if name == "diagm":
            return sp.DiagMatrix(a)
        if name == "diagv":
            return sp.DiagonalOf(a)
        raise Unsupported(f"function {name}")


# ----------------------------------------------------------------------------------------------
# Numeric evaluation of SymPy's result
# ----------------------------------------------------------------------------------------------

def is_unlifted(result):
    """True when array-expression objects or Derivative objects remain in the result."""
    for node in sp.preorder_traversal(result):
        if isinstance(node, sp.Derivative):
            return True
        if type(node).__module__.startswith("sympy.tensor.array"):
            return True
    return False


class SympyEvaluator:
    """Evaluates a SymPy result at a test point: matrices as 2-D arrays, scalars as floats."""

    def __init__(self, translator, values, sizes):
        self.values = values
        self.sizes = {translator.dimensions[n]: s for n, s in sizes.items()}
        self.functions = {}

    def dimension(self, d):
        return int(sp.sympify(d).subs(self.sizes))

    def numeric_function(self, function):
        """A NumPy function for a SymPy function class or Lambda of one argument."""
        if function not in self.functions:
            d = sp.Dummy("d")
            self.functions[function] = sp.lambdify(d, function(d), "numpy")
        return self.functions[function]

    @staticmethod
    def is_scalar(a):
        return np.ndim(a) < 2 or np.shape(a) == (1, 1)

    def matrix_product(self, a, b):
        """A product as SymPy means it: of matrices whose shapes chain, or scaling by a scalar
        (a 1×1 matrix included)."""
        if np.ndim(a) == 2 and np.ndim(b) == 2 and a.shape[1] == b.shape[0]:
            return a @ b
        if self.is_scalar(a) or self.is_scalar(b):
            return a * b
        raise IllShaped(f"a product of {np.shape(a)} and {np.shape(b)}")

    def entrywise(self, operation, operands):
        """`operation` folded over operands of one shape (scalars mix with anything): NumPy
        would broadcast a column against a row into a matrix, which SymPy never means."""
        result = operands[0]
        for operand in operands[1:]:
            if not (self.is_scalar(result) or self.is_scalar(operand)) and np.shape(result) != np.shape(operand):
                raise IllShaped(f"an entry-wise operation on {np.shape(result)} and {np.shape(operand)}")
            result = operation(result, operand)
        return result

    def value(self, e):
        if isinstance(e, sp.MatrixSymbol):
            return np.atleast_2d(self.values[e.name])
        if isinstance(e, sp.Identity):
            return np.eye(self.dimension(e.shape[0]))
        if isinstance(e, sp.ZeroMatrix):
            return np.zeros((self.dimension(e.shape[0]), self.dimension(e.shape[1])))
        if isinstance(e, sp.OneMatrix):
            return np.ones((self.dimension(e.shape[0]), self.dimension(e.shape[1])))
        if isinstance(e, sp.MatAdd):
            return self.entrywise(np.add, [self.value(a) for a in e.args])
        if isinstance(e, sp.MatMul):
            result = self.value(e.args[0])
            for a in e.args[1:]:
                result = self.matrix_product(result, self.value(a))
            return result
        if isinstance(e, sp.Transpose):
            return np.transpose(self.value(e.arg))
        if isinstance(e, sp.Inverse):
            return np.linalg.inv(self.value(e.arg))
        if isinstance(e, sp.Trace):
            return float(np.trace(self.value(e.arg)))
        if isinstance(e, sp.Determinant):
            return float(np.linalg.det(self.value(e.arg)))
        if isinstance(e, sp.MatPow):
            base = self.value(e.base)
            if base.shape == (1, 1):
                return base ** float(e.exp)
            if not e.exp.is_Integer:
                raise Unevaluable(f"MatPow of a matrix to {e.exp}")
            exponent = int(e.exp)
            return np.linalg.matrix_power(base if exponent >= 0 else np.linalg.inv(base), abs(exponent))
        if isinstance(e, sp.HadamardProduct):
            return self.entrywise(np.multiply, [self.value(a) for a in e.args])
        if isinstance(e, sp.HadamardPower):
            return self.value(e.base) ** float(e.exp)
        if isinstance(e, ElementwiseApplyFunction):
            return self.numeric_function(e.function)(self.value(e.expr))
        if isinstance(e, sp.DiagMatrix):
            return np.diag(np.ravel(self.value(e.args[0])))
        if isinstance(e, sp.DiagonalOf):
            return np.diag(self.value(e.arg)).reshape(-1, 1)
        if isinstance(e, sp.DiagonalMatrix):
            return np.diag(np.diag(self.value(e.arg)))
        if isinstance(e, sp.MatrixExpr):
            raise Unevaluable(type(e).__name__)
        if isinstance(e, sp.Symbol):
            if e in self.sizes:
                return float(self.sizes[e])
            return float(self.values[e.name])
        if e.is_Number or e.is_NumberSymbol:
            return float(e)
        if isinstance(e, sp.Add):
            return self.entrywise(np.add, [self.value(a) for a in e.args])
        if isinstance(e, sp.Mul):
            result = 1.0
            for a in e.args:
                result = self.matrix_product(result, self.value(a))
            return result
        if isinstance(e, sp.Pow):
            return np.power(self.value(e.base), float(e.exp)) if e.exp.is_Number \
                else np.power(self.value(e.base), self.value(e.exp))
        if isinstance(e, sp.Function) and len(e.args) == 1:
            return self.numeric_function(e.func)(self.value(e.args[0]))
        if isinstance(e, sp.Function):
            arguments = [self.value(a) for a in e.args]
            dummies = sp.symbols(f"d0:{len(arguments)}", cls=sp.Dummy)
            return sp.lambdify(dummies, e.func(*dummies), "numpy")(*arguments)
        raise Unevaluable(type(e).__name__)


# ----------------------------------------------------------------------------------------------
# One case, in its own process
# ----------------------------------------------------------------------------------------------

def judge(case, translator, result):
    """The verdict on SymPy's result, with a detail."""
    if is_unlifted(result):
        return "unlifted", "array-expression or Derivative objects remain"
    expected_tree = parse(case["expected"])
    rng = np.random.default_rng(20261122)
    compared = 0
    worst = 0.0
    for _ in range(10 * TEST_POINTS):
        if compared == TEST_POINTS:
            break
        sizes = draw_sizes(case, rng)
        values = draw_values(case, sizes, rng)
        with np.errstate(all="ignore"):
            expected = np.squeeze(evaluate(expected_tree, values, sizes))
            if not np.all(np.isfinite(expected)):
                continue
            try:
                mine = np.squeeze(np.asarray(SympyEvaluator(translator, values, sizes).value(result), dtype=float))
            except Unevaluable as unknown:
                return "error", f"the result cannot be evaluated ({unknown})"
            except IllShaped as problem:
                return "wrong", f"ill-shaped at concrete sizes: {problem}"
            except (ValueError, TypeError, KeyError, np.linalg.LinAlgError) as problem:
                return "error", f"the result cannot be evaluated ({type(problem).__name__}: {problem})"
        if mine.shape != expected.shape:
            return "wrong", f"shape {mine.shape}, expected {expected.shape}"
        distance = float(np.linalg.norm(mine - expected))
        scale = float(np.linalg.norm(expected))
        error = distance / scale if scale > 0 else distance
        worst = max(worst, error)
        compared += 1
    if compared == 0:
        return "error", "no test point where the expected gradient is finite"
    if worst > TOLERANCE:
        return "wrong", f"relative error {worst:.3g}"
    return "correct", f"relative error {worst:.1e}"


def run_case(case, repetitions, answers):
    """Translates, times and judges one case; puts a dict on `answers`."""
    # SymPy warns about its own deprecated internals on some results; the verdict says enough.
    warnings.simplefilter("ignore")
    try:
        translator = Translator(case)
        expression = translator.translate(parse(case["expr"]))
        variable = translator.symbols[case["wrt"]]
    except (Unsupported, SyntaxError, ValueError, TypeError, KeyError) as reason:
        answers.put({"verdict": "unsupported", "detail": str(reason)})
        return
    except Exception as reason:  # SymPy itself refusing the construction
        answers.put({"verdict": "unsupported", "detail": f"{type(reason).__name__}: {reason}"})
        return
    times = []
    try:
        for _ in range(repetitions):
            clear_cache()
            start = time.perf_counter()
            result = expression.diff(variable)
            times.append((time.perf_counter() - start) * 1000)
            # Slow cases need no more runs to show that they are slow.
            if sum(times) > 5000:
                break
    except Exception as reason:
        answers.put({"verdict": "error", "detail": f"diff raised {type(reason).__name__}: {reason}"[:200]})
        return
    answers.put({"millis": statistics.median(times), "runs": len(times), "result": str(result)})
    try:
        verdict, detail = judge(case, translator, result)
    except Exception as reason:
        verdict, detail = "error", f"judging raised {type(reason).__name__}: {reason}"[:200]
    answers.put({"verdict": verdict, "detail": detail})


def measure_sympy(case, repetitions, timeout):
    """Runs `run_case` in a forked process with a time limit; returns its findings."""
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    process = context.Process(target=run_case, args=(case, repetitions, answers), daemon=True)
    process.start()
    deadline = time.monotonic() + timeout
    findings = {}
    try:
        while "verdict" not in findings:
            if time.monotonic() > deadline:
                stage = "judging" if "millis" in findings else "diff"
                findings.update(verdict="error", detail=f"{stage} ran past the time limit of {timeout:g} s")
            elif not process.is_alive() and answers.empty():
                findings.update(verdict="error", detail=f"the process ended with status {process.exitcode}")
            else:
                try:
                    findings.update(answers.get(timeout=0.2))
                except queue.Empty:
                    pass
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    return findings


# ----------------------------------------------------------------------------------------------
# Ricci's figures
# ----------------------------------------------------------------------------------------------

def ricci_figures(corpus, binary, saved):
    """Ricci's per-case median µs and the run's summary, from ricci-bench's JSON."""
    if saved:
        with open(saved) as file:
            report = json.load(file)
    else:
        if binary is None:
            subprocess.run(["swift", "build", "-c", "release", "--product", "ricci-bench"],
                           cwd=PACKAGE_ROOT, check=True, stdout=subprocess.DEVNULL)
            bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=PACKAGE_ROOT,
                                      check=True, capture_output=True, text=True).stdout.strip()
            binary = os.path.join(bin_path, "ricci-bench")
        run = subprocess.run([binary, "--json", "--corpus", corpus, "--families", "none"],
                             capture_output=True, text=True)
        if run.returncode not in (0, 3) or not run.stdout.strip():
            sys.exit(f"ricci-bench failed (status {run.returncode}):\n{run.stderr}")
        if run.returncode == 3:
            print(f"warning: ricci-bench reports failed checks:\n{run.stderr}", file=sys.stderr)
        report = json.loads(run.stdout)
    return {c["id"]: c for c in report["cases"]}, report


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------

def summarise(rows):
    """Medians, the ratio of medians over the cases SymPy finished, and the verdict counts."""
    finished = [r for r in rows if r.get("sympy_ms") is not None and r.get("ricci_us") is not None]
    ricci_all = [r["ricci_us"] for r in rows if r.get("ricci_us") is not None]
    summary = {
        "gradient_cases": len(rows),
        "ricci_median_us": statistics.median(ricci_all) if ricci_all else None,
        "sympy_timed_cases": len(finished),
        "sympy_median_ms": statistics.median(r["sympy_ms"] for r in finished) if finished else None,
        "ricci_median_us_same_cases": statistics.median(r["ricci_us"] for r in finished) if finished else None,
        "verdicts": {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICTS},
    }
    if finished:
        summary["ratio_of_medians"] = summary["sympy_median_ms"] * 1000 / summary["ricci_median_us_same_cases"]
        summary["median_ratio"] = statistics.median(r["sympy_ms"] * 1000 / r["ricci_us"] for r in finished)
    correct = [r for r in finished if r["verdict"] == "correct"]
    if correct:
        summary["ratio_of_medians_correct"] = (statistics.median(r["sympy_ms"] for r in correct) * 1000
                                               / statistics.median(r["ricci_us"] for r in correct))
    return summary


def print_table(rows, summary, show):
    width = max([len(r["id"]) for r in rows] + [4]) + 2
    print(f"{'case':<{width}}{'Ricci µs':>10}{'SymPy ms':>11}{'ratio':>9}  verdict")
    for r in rows:
        ricci = f"{r['ricci_us']:.1f}" if r.get("ricci_us") is not None else "-"
        sympy_ms = f"{r['sympy_ms']:.2f}" if r.get("sympy_ms") is not None else "-"
        ratio = (f"{r['sympy_ms'] * 1000 / r['ricci_us']:.0f}×"
                 if r.get("sympy_ms") is not None and r.get("ricci_us") else "-")
        print(f"{r['id']:<{width}}{ricci:>10}{sympy_ms:>11}{ratio:>9}  {r['verdict']:<12}{r.get('detail', '')}")
        if show and r.get("result"):
            print(f"{'':<{width}}SymPy: {r['result']}")
    print()
    s = summary
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    print(f"{s['gradient_cases']} gradient cases; Ricci median {fmt(s['ricci_median_us'], '.1f')} µs")
    print(f"SymPy finished {s['sympy_timed_cases']}: median {fmt(s['sympy_median_ms'], '.2f')} ms, "
          f"Ricci median on the same cases {fmt(s['ricci_median_us_same_cases'], '.1f')} µs, "
          f"ratio of medians {fmt(s.get('ratio_of_medians'), '.0f')}×, "
          f"median of per-case ratios {fmt(s.get('median_ratio'), '.0f')}×")
    if s.get("ratio_of_medians_correct") is not None:
        print(f"ratio of medians over the cases SymPy gets right: {s['ratio_of_medians_correct']:.0f}×")
    print("SymPy verdicts: " + ", ".join(f"{n} {v}" for v, n in s["verdicts"].items()))


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    arguments.add_argument("--reps", type=int, default=5, help="timed SymPy runs per case (median)")
    arguments.add_argument("--timeout", type=float, default=60, help="seconds per SymPy case")
    arguments.add_argument("--only", help="comma-separated case ids")
    arguments.add_argument("--ricci-json", help="a saved `ricci-bench --json` output to read instead of running it")
    arguments.add_argument("--ricci-binary", help="the ricci-bench executable (default: build it)")
    arguments.add_argument("--show", action="store_true", help="print SymPy's results")
    arguments.add_argument("--json", action="store_true", help="print one JSON object")
    options = arguments.parse_args()

    with open(options.corpus) as file:
        corpus = json.load(file)
    cases = [c for c in (corpus["cases"] if isinstance(corpus, dict) else corpus) if c["kind"] == "gradient"]
    if options.only:
        wanted = set(options.only.split(","))
        cases = [c for c in cases if c["id"] in wanted]

    ricci, report = ricci_figures(os.path.abspath(options.corpus), options.ricci_binary, options.ricci_json)
    rows = []
    for case in cases:
        if sys.stderr.isatty():
            print(f"\r\033[K{case['id']}", end="", file=sys.stderr, flush=True)
        findings = measure_sympy(case, options.reps, options.timeout)
        if ricci.get(case["id"], {}).get("passed") is False:
            findings["detail"] = findings.get("detail", "") + " (Ricci's own check of this case FAILED)"
        rows.append({
            "id": case["id"],
            "ricci_us": ricci.get(case["id"], {}).get("micros"),
            "sympy_ms": findings.get("millis"),
            "sympy_runs": findings.get("runs"),
            "verdict": findings["verdict"],
            "detail": findings.get("detail", ""),
            "result": findings.get("result"),
        })
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    summary = summarise(rows)
    if options.json:
        print(json.dumps({"date": report.get("date"), "corpus": options.corpus, "sympy": sp.__version__,
                          "summary": summary, "cases": rows}, indent=1))
    else:
        print(f"Ricci {report.get('version')} (ricci-bench, {report.get('date')}) against SymPy {sp.__version__}, "
              f"{options.reps} runs per case, limit {options.timeout:g} s")
        print_table(rows, summary, options.show)


if __name__ == "__main__":
    main()
