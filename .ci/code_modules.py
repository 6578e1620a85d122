#!/usr/bin/env python3
"""Runs `ricci code` for every case of the corpus files and runs each module as a script: it
must pass its own check (exit 0); for a first derivative, a harness of its own then calls
value_and_derivative at other values and compares with central differences of the value.
Usage: code_modules.py RICCI LANG CORPUS.json... [--sample N]"""
import json
import os
import subprocess
import sys
import tempfile


def declarations(case):
    """The --var arguments of a corpus case."""
    arguments = []
    for name, value in sorted(case["vars"].items()):
        shape = value if isinstance(value, list) else value["shape"]
        text = name + ":" + ",".join(str(d) for d in shape)
        if isinstance(value, dict) and value.get("property"):
            text += ":" + value["property"]
        arguments += ["--var", text]
    return arguments


HARNESS = """
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
name = sys.argv[2]
variables = module.random_variables(11)
functions = getattr(module, "_STAND_INS", {})
value, derivative = module.value_and_derivative(**variables, **functions)
derivative = np.asarray(derivative, dtype=float)
point = np.array(variables[name], dtype=float)
columns = []
for index in np.ndindex(point.shape):
    h = 1e-6 * max(1.0, abs(point[index]))
    up, down = point.copy(), point.copy()
    up[index] += h
    down[index] -= h
    above = np.asarray(module.value_and_derivative(**{**variables, name: up}, **functions)[0], dtype=float)
    below = np.asarray(module.value_and_derivative(**{**variables, name: down}, **functions)[0], dtype=float)
    columns.append((above - below) / (2 * h))
value = np.asarray(value, dtype=float)
# An axis per entry of the value, then per entry of the variable (row-major), as LANGUAGE.md
# arranges a derivative: the variable's shape for a scalar value, the value's for a scalar
# variable, J[i, p] for vectors, the vec convention (columns stacked) otherwise.
tensor = np.stack(columns, axis=-1).reshape(value.shape + point.shape)
if value.ndim == 0:
    expected = tensor.reshape(point.shape)
elif point.ndim == 0:
    expected = tensor.reshape(value.shape)
elif value.ndim == 1 and point.ndim == 1:
    expected = tensor
else:
    expected = tensor.reshape((value.size, point.size), order="F")
error = np.max(np.abs(derivative - expected), initial=0.0) / max(1.0, np.max(np.abs(expected), initial=0.0))
print(f"{error:.3g}")
sys.exit(0 if error <= 1e-5 else 1)
"""


def main():
    ricci, language = sys.argv[1], sys.argv[2]
    files = [a for a in sys.argv[3:] if a.endswith(".json")]
    sample = int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else None
    cases = []
    for path in files:
        data = json.load(open(path, encoding="utf-8"))
        cases += data["cases"] if isinstance(data, dict) else data
    if sample is not None:
        cases = cases[::max(1, len(cases) // sample)][:sample]
    failures = 0
    with tempfile.TemporaryDirectory() as directory:
        for case in cases:
            wrt = case["wrt"] if isinstance(case["wrt"], list) else [case["wrt"]]
            if case["kind"] == "hessian" and len(wrt) == 1:
                wrt = wrt * 2
            command = [ricci, "code", case["expr"]] + sum((["--wrt", v] for v in wrt), []) \
                + declarations(case) + ["--lang", language]
            made = subprocess.run(command, capture_output=True, text=True)
            if made.returncode != 0:
                failures += 1
                print(f"{case['id']}: ricci code failed: {made.stderr.strip()}")
                continue
            path = os.path.join(directory, case["id"] + ".py")
            open(path, "w", encoding="utf-8").write(made.stdout)
            ran = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=600)
            if ran.returncode != 0:
                failures += 1
                print(f"{case['id']}: the module's check failed: {(ran.stdout + ran.stderr).strip()[-400:]}")
                continue
            # An independent harness: value_and_derivative at other values, against its own
            # central differences of the value (first derivatives).
            if len(wrt) == 1:
                harness = subprocess.run([sys.executable, "-c", HARNESS, path, wrt[0]],
                                         capture_output=True, text=True, timeout=600)
                if harness.returncode != 0:
                    failures += 1
                    print(f"{case['id']}: the harness disagrees: {(harness.stdout + harness.stderr).strip()[-400:]}")
    print(f"{len(cases) - failures} of {len(cases)} modules ({language}) run and pass their own check and the harness's")
    sys.exit(1 if failures else 0)


main()
