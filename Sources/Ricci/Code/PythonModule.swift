// `ricci code`: a complete Python module that computes a derivative and checks it.

import Foundation

extension Derivative {
    /// The Python module of `ricci code` (`LANGUAGE.md`, "Code") for `language`:
    ///
    /// - `value_and_derivative(**variables)`: every variable of the expression by name (a
    ///   scalar a number, a vector a 1-D array, a matrix a 2-D array), sizes read from the
    ///   arrays and checked against each other (a `ValueError` naming the argument), declared
    ///   functions as keyword parameters; returns the value and the derivative as `ricci diff`
    ///   lays it out (a gradient shaped like the variable, a matrix form 2-D, the vec
    ///   convention included, an index form an array with an axis per index). Sub-expressions
    ///   that occur more than once are computed once, into temporaries `T1`, `T2`, ….
    /// - `random_variables(seed)`: test values with random sizes that respect the declared
    ///   properties and the domains of logarithms, roots and inverses.
    /// - `check(seed=0)`: the largest relative difference between the derivative and central
    ///   differences (of the value, or of the derivative of one order less); for JAX and
    ///   PyTorch also against the library's own automatic differentiation. Run as a script,
    ///   the module prints it and exits 1 above 1e-6.
    public func pythonModule(language: CodeLanguage = .numpy) -> String {
        PythonModuleWriter(derivative: self, language: language).module()
    }
}

/// Writes the module of one derivative.
private struct PythonModuleWriter {
    let derivative: Derivative
    let language: CodeLanguage
    let environment: Environment
    /// The variables, in order of first appearance in the function.
    let variables: [String]
    /// The declared functions the code calls, as parameter names, with their stand-ins.
    let functionParameters: [(name: String, standIn: String)]
    let dimensionNames: [String: String]
    /// The sizes that no argument gives (of constants alone, `ones(n, k)`): parameters too.
    let freeSizes: [String]

    init(derivative: Derivative, language: CodeLanguage) {
        self.derivative = derivative
        self.language = language
        environment = derivative.environment
        var names = derivative.function.variableNames
        for name in derivative.variables where !names.contains(name) { names.append(name) }
        variables = names
        var dimensionNames: [String: String] = [:]
        let taken = Set(names.map(PythonTranslator.pythonName))
        for name in names {
            guard let shape = environment.variables[name]?.shape else { continue }
            for dimension in [shape.rows, shape.columns] {
                for case .named(let symbol) in dimension.components where dimensionNames[symbol] == nil {
                    let python = PythonTranslator.pythonName(symbol)
                    dimensionNames[symbol] = taken.contains(python) ? python + "_size" : python
                }
            }
        }
        for expression in [derivative.function] {
            for case .named(let symbol) in expression.writtenDimensions.flatMap(\.components) where dimensionNames[symbol] == nil {
                dimensionNames[symbol] = PythonTranslator.pythonName(symbol)
            }
        }
        self.dimensionNames = dimensionNames
        // Sizes no argument has (`ones(n, k)` alone): keyword parameters.
        var fromVariables = Set<String>()
        for name in names {
            guard let shape = environment.variables[name]?.shape else { continue }
            for case .named(let symbol) in [shape.rows, shape.columns].flatMap(\.components) { fromVariables.insert(symbol) }
        }
        freeSizes = dimensionNames.keys.filter { !fromVariables.contains($0) }.sorted().map { dimensionNames[$0]! }
        // Declared functions that any of the expressions call.
        var used: [(String, String)] = []
        let expressions = [derivative.function] + (derivative.matrix.map { [$0] } ?? [])
            + (derivative.gradient.map { [$0] } ?? []) + Self.entries(of: derivative.index)
            + (derivative.lower.map(Self.entries) ?? [])
        var seen = Set<String>()
        func visit(_ expr: MatrixExpr) {
            if case .apply(let function, _) = expr {
                let c = String(StandInFunctions.coefficient(for: function.declaredName ?? ""))
                switch function {
                case .declaredElementwise(let name):
                    used.append((PythonTranslator.pythonName(name), "lambda x: _tanh(\(c) * x) + x / 3"))
                case .declaredElementwiseDerivative(let name):
                    used.append((PythonTranslator.pythonName(name) + "_prime", "lambda x: \(c) * (1 - _tanh(\(c) * x) ** 2) + 1 / 3"))
                case .declaredScalar(let name):
                    used.append((PythonTranslator.pythonName(name), "lambda m: _sum(_log1p(\(c) * m ** 2))"))
                case .declaredScalarGradient(let name):
                    used.append(("grad_" + name, "lambda m: 2 * \(c) * m / (1 + \(c) * m ** 2)"))
                default: break
                }
            }
            expr.children.forEach(visit)
        }
        expressions.forEach(visit)
        functionParameters = used.filter { seen.insert($0.0).inserted }.sorted { $0.0 < $1.0 }.map { (name: $0.0, standIn: $0.1) }
    }

    /// The expressions of an index form's entries.
    static func entries(of notation: IndexNotation) -> [MatrixExpr] {
        notation.terms.flatMap { term in
            term.factors.compactMap { factor -> MatrixExpr? in
                if case .entry(let expr, _, _) = factor { return expr }
                return nil
            }
        }
    }

    var library: String { language == .numpy ? "np" : language == .jax ? "jnp" : "torch" }

    func module() -> String {
        var translator = PythonTranslator(language: language, environment: environment, dimensionNames: dimensionNames)
        let valueAndDerivative = function(
            named: "value_and_derivative", values: [("value", .matrix(derivative.function)), ("derivative", derivativeForm)],
            translator: &translator, documentation: "The value of the expression and its derivative.")
        let lowerForm: Form = {
            switch derivative.kind {
            case .gradient, .jacobian: return .matrix(derivative.function)
            case .hessian: return derivative.gradient.map { .matrix($0) } ?? .matrix(derivative.function)
            case .higherOrder: return derivative.lower.map { .index($0) } ?? .matrix(derivative.function)
            }
        }()
        let lowerDocumentation = derivative.variables.count == 1
            ? "The value alone (what the check differentiates numerically)."
            : "The derivative of one order less (what the check differentiates numerically)."
        var lowerTranslator = PythonTranslator(language: language, environment: environment, dimensionNames: dimensionNames)
        let lower = function(named: "_lower", values: [("lower", lowerForm)], translator: &lowerTranslator,
                             documentation: lowerDocumentation, checks: false)
        var invertedTranslator = PythonTranslator(language: language, environment: environment, dimensionNames: dimensionNames)
        let inverted = invertedMatrices(&invertedTranslator)
        let helpers = translator.helpers.union(lowerTranslator.helpers).union(invertedTranslator.helpers).sorted()
            .map { $0.definition(language) }
        var sections = [header(), imports()]
        sections += helpers
        sections += [valueAndDerivative, lower, inverted, randomVariables(), checkFunction(), main()]
        return sections.joined(separator: "\n\n\n") + "\n"
    }

    /// What a function returns: a matrix expression, or an index form (written with einsum).
    enum Form {
        case matrix(MatrixExpr)
        case index(IndexNotation)
    }

    var derivativeForm: Form {
        derivative.matrix.map { .matrix($0) } ?? .index(derivative.index)
    }

    // MARK: Text of the module

    func header() -> String {
        let by = derivative.variables.map { "`\($0)`" }.joined(separator: ", then by ")
        let form = derivative.plain ?? IndexPrinter.print(derivative.index)
        let arrangement: String = {
            if derivative.matrix == nil { return "an array with one axis per index of the index form, in its order" }
            if derivative.matrixShape?.hasProductAxis == true {
                return "the vec convention's ∂vec(R)/∂vec(X)ᵀ, a 2-D array (vec stacks columns)"
            }
            return "scalars as numbers, vectors 1-D, matrices 2-D"
        }()
        return """
            \"\"\"The derivative of `\(PlainPrinter.print(derivative.function))` by \(by), written by `ricci code`.

                derivative = \(form)
                layout: \(arrangement)

            value_and_derivative(...) computes both; check() compares the derivative with central
            differences; run as a script, the module prints the check and exits 1 above 1e-6.
            \"\"\"
            """
    }

    func imports() -> String {
        switch language {
        case .numpy:
            return "import numpy as np"
        case .jax:
            return """
                import numpy as np
                import jax
                jax.config.update("jax_enable_x64", True)
                import jax.numpy as jnp
                import jax.scipy.special
                """
        case .torch:
            return """
                import numpy as np
                import torch
                """
        }
    }

    /// The parameter list: the variables, then, keyword-only, the sizes no argument gives and
    /// the declared functions.
    var parameters: String {
        let names = variables.map(PythonTranslator.pythonName)
        let keywords = freeSizes + functionParameters.map(\.name)
        return (names + (keywords.isEmpty ? [] : ["*"] + keywords)).joined(separator: ", ")
    }

    /// A function of the variables that returns the values of `forms` (one, or a tuple).
    func function(named name: String, values: [(String, Form)], translator: inout PythonTranslator,
                  documentation: String, checks: Bool = true) -> String {
        var lines = ["def \(name)(\(parameters)):", "    \"\"\"\(documentation)\"\"\""]
        lines += conversions(checks: checks)
        // Temporaries: every sub-expression met more than once, computed once, children first.
        var roots: [MatrixExpr] = []
        for (_, form) in values {
            switch form {
            case .matrix(let expr): roots.append(expr)
            case .index(let notation): roots += Self.entries(of: notation)
            }
        }
        var counts: [Int: Int] = [:]
        var expressions: [Int: MatrixExpr] = [:]
        func count(_ expr: MatrixExpr) {
            let number = translator.number(expr)
            counts[number, default: 0] += 1
            guard counts[number] == 1 else { return }
            expressions[number] = expr
            expr.children.forEach(count)
        }
        roots.forEach(count)
        let repeated = counts.filter { $0.value >= 2 && !Self.isTrivial(expressions[$0.key]!) }.keys.sorted()
        for (position, number) in repeated.enumerated() {
            let temporary = "T\(position + 1)"
            lines.append("    \(temporary) = \(translator.definition(expressions[number]!))")
            translator.temporaries[number] = temporary
        }
        for (label, form) in values {
            switch form {
            case .matrix(let expr): lines.append("    \(label) = \(translator.translate(expr))")
            case .index(let notation): lines.append("    \(label) = \(einsum(notation, &translator))")
            }
        }
        lines.append("    return " + values.map(\.0).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// `_inverted(...)`: the matrices the function inverts or takes the determinant of (their
    /// Gram matrix for a pseudo-inverse), which test values must keep well-conditioned.
    func invertedMatrices(_ translator: inout PythonTranslator) -> String {
        var matrices: [(MatrixExpr, isPseudoInverted: Bool)] = []
        func visit(_ expr: MatrixExpr) {
            switch expr {
            case .apply(.inverse, let a), .apply(.determinant, let a), .apply(.logDeterminant, let a):
                matrices.append((a, false))
            case .apply(.pseudoInverse, let a):
                matrices.append((a, true))
            case .power(let a, let c) where c.isNegative:
                matrices.append((a, false))
            default: break
            }
            expr.children.forEach(visit)
        }
        visit(derivative.function)
        var lines = ["def _inverted(\(parameters)):",
                     "    \"\"\"The matrices the expression inverts, which test values keep well-conditioned.\"\"\""]
        lines += conversions(checks: false)
        // A pseudo-inverse's matrix must have full rank: its smaller Gram matrix is invertible.
        let written = matrices.map { $0.isPseudoInverted ? "_gram(\(translator.translate($0.0)))" : translator.translate($0.0) }
        lines.append("    return [" + written.joined(separator: ", ") + "]")
        return lines.joined(separator: "\n")
    }

    /// A leaf, or a transpose of one: cheaper written again than named.
    static func isTrivial(_ expr: MatrixExpr) -> Bool {
        switch expr {
        case .number, .variable, .identity, .ones, .zeros, .sizeless: return true
        case .transpose(let inner), .negate(let inner): return isTrivial(inner)
        case .apply(.numel, _), .apply(.size, _): return true
        default: return false
        }
    }

    /// Each argument as an array of the library, its dimensions read (the first time a
    /// dimension is met) or checked against the earlier reading, with a `ValueError` naming
    /// the argument.
    func conversions(checks: Bool) -> [String] {
        var lines: [String] = []
        var known: [String: String] = [:]
        for name in variables {
            guard let variable = environment.variables[name] else { continue }
            let python = PythonTranslator.pythonName(name)
            switch language {
            case .numpy: lines.append("    \(python) = np.asarray(\(python), dtype=np.float64)")
            case .jax: lines.append("    \(python) = jnp.asarray(\(python), dtype=jnp.float64)")
            case .torch: lines.append("    \(python) = torch.as_tensor(\(python), dtype=torch.float64)")
            }
            let axes = variable.shape.axes
            let description = Self.describe(variable.shape)
            if checks {
                lines.append("    if \(python).ndim != \(axes.count):")
                lines.append("        raise ValueError(f\"\(python) must be \(description), got an array of shape {tuple(\(python).shape)}\")")
            }
            for (position, axis) in axes.enumerated() {
                let actual = "\(python).shape[\(position)]"
                switch axis {
                case .fixed(let size):
                    if checks {
                        lines.append("    if \(actual) != \(size):")
                        lines.append("        raise ValueError(f\"\(python) must be \(description), got an array of shape {tuple(\(python).shape)}\")")
                    }
                case .named(let symbol):
                    let dimension = dimensionNames[symbol] ?? symbol
                    if let source = known[symbol] {
                        if checks {
                            lines.append("    if \(actual) != \(dimension):")
                            lines.append("        raise ValueError(f\"\(python) must be \(description), got an array of shape "
                                         + "{tuple(\(python).shape)}: \(symbol) = {\(dimension)} from \(source)\")")
                        }
                    } else {
                        lines.append("    \(dimension) = \(actual)")
                        known[symbol] = python
                    }
                case .product:
                    break
                }
            }
        }
        return lines
    }

    /// `a matrix (2-D, m×n)`, `a vector (1-D, length n)`, `a number`.
    static func describe(_ shape: Shape) -> String {
        switch shape.kind {
        case .scalar: return "a number"
        case .vector: return "a vector (1-D, length \(shape.rows))"
        case .rowVector: return "a row vector (1-D, length \(shape.columns))"
        case .matrix: return "a matrix (2-D, \(shape.rows)×\(shape.columns))"
        }
    }

    /// An index form as a sum of `einsum` calls, an axis per free index.
    func einsum(_ notation: IndexNotation, _ translator: inout PythonTranslator) -> String {
        let L = library
        let dtype = language == .torch ? ", dtype=torch.float64" : ""
        return EinsumSum.write(
            notation, library: L, size: { index in notation.ranges[index].map(translator.dimension) ?? "1" },
            number: PythonTranslator.number,
            constant: { kind, sizes in
                switch kind {
                case .identity: return "\(L).eye(\(sizes[0])\(dtype))"
                case .ones: return "\(L).ones(\(sizes[0])\(dtype))"
                case .zeros:
                    if language == .torch { return "torch.zeros(\(sizes.joined(separator: ", "))\(dtype))" }
                    return "\(L).zeros((\(sizes.joined(separator: ", "))\(sizes.count == 1 ? "," : "")))"
                }
            },
            translate: { translator.translate($0) },
            // The translator's values have their own axes: a scalar entry is a factor as it is.
            operand: { code, indexCount in indexCount == 0 ? "(\(code))" : code })
    }

    // MARK: Test values and the check

    /// The variables that a logarithm, root, fractional power or division needs positive, and
    /// those `asin` or `acos` need in (−1, 1); square ones inside an inverse or determinant.
    func domains() -> (positive: Set<String>, unit: Set<String>, inverted: Set<String>) {
        var positive = Set<String>()
        var unit = Set<String>()
        var inverted = Set<String>()
        func names(_ expr: MatrixExpr) -> [String] { expr.variableNames }
        func visit(_ expr: MatrixExpr) {
            switch expr {
            case .apply(.elementwise(.log), let a), .apply(.elementwise(.sqrt), let a), .apply(.elementwise(.log1p), let a):
                positive.formUnion(names(a))
            case .power(let a, let c) where !c.isInteger, .elementwisePower(let a, let c) where !c.isInteger:
                positive.formUnion(names(a))
            case .powerBy(let a, _), .elementwisePowerBy(let a, _):
                positive.formUnion(names(a))
            case .divide(_, let b), .elementwiseDivide(_, let b):
                positive.formUnion(names(b))
            case .apply(.elementwise(.asin), let a), .apply(.elementwise(.acos), let a):
                unit.formUnion(names(a))
            case .apply(.inverse, let a), .apply(.determinant, let a), .apply(.logDeterminant, let a):
                inverted.formUnion(names(a))
            case .power(let a, let c) where c.isNegative:
                inverted.formUnion(names(a))
            default: break
            }
            expr.children.forEach(visit)
        }
        visit(derivative.function)
        return (positive.subtracting(unit), unit, inverted)
    }

    func randomVariables() -> String {
        let (positive, unit, inverted) = domains()
        var lines = [
            "def random_variables(seed=0):",
            "    \"\"\"Test values: random sizes from 2 to 5, entries drawn to keep the expression defined.\"\"\"",
            "    rng = np.random.default_rng(seed)",
            "    for _ in range(100):",
        ]
        let symbols = dimensionNames.keys.sorted()
        for symbol in symbols { lines.append("        \(dimensionNames[symbol]!) = int(rng.integers(2, 6))") }
        lines.append("        variables = {")
        for name in variables {
            guard let variable = environment.variables[name] else { continue }
            let shape = variable.shape.axes.map { dimensionText($0) }
            let tuple = "(" + shape.joined(separator: ", ") + (shape.count == 1 ? "," : "") + ")"
            let value: String
            if let property = variable.property, let side = shape.first {
                switch property {
                case .symmetric: value = "_symmetric(rng, \(side))"
                case .spd: value = "_spd(rng, \(side))"
                case .diagonal: value = "np.diag(rng.uniform(0.5, 1.5, \(side)))"
                }
            } else if unit.contains(name) {
                value = shape.isEmpty ? "float(rng.uniform(-0.7, 0.7))" : "rng.uniform(-0.7, 0.7, \(tuple))"
            } else if positive.contains(name) {
                value = shape.isEmpty ? "float(rng.uniform(0.5, 1.5))" : "rng.uniform(0.5, 1.5, \(tuple))"
            } else if inverted.contains(name), variable.shape.isSquare, shape.count == 2 {
                value = "np.eye(\(shape[0])) + 0.3 * rng.standard_normal(\(tuple))"
            } else {
                value = shape.isEmpty ? "float(rng.standard_normal())" : "rng.standard_normal(\(tuple))"
            }
            lines.append("            \"\(PythonTranslator.pythonName(name))\": \(value),")
        }
        lines.append("        }")
        for size in freeSizes { lines.append("        variables[\"\(size)\"] = \(size)") }
        lines.append("        if _usable(variables):")
        lines.append("            return variables")
        lines.append("    return variables")
        let helpers = """
            def _symmetric(rng, n):
                a = rng.standard_normal((n, n))
                return (a + a.T) / 2


            def _spd(rng, n):
                a = rng.standard_normal((n, n))
                return a @ a.T / n + np.eye(n)


            def _gram(a):
                \"\"\"AᵀA or AAᵀ, whichever is the smaller: invertible when A has full rank.\"\"\"
                a = _numpy(a)
                if a.ndim < 2:
                    return a
                return a.T @ a if a.shape[0] >= a.shape[1] else a @ a.T


            def _usable(variables):
                \"\"\"True where the value and the derivative are finite, the inverted matrices
                well-conditioned (a pseudo-inverse's of full rank).\"\"\"
                try:
                    value, derivative = value_and_derivative(**variables, **_STAND_INS)
                    inverted = [_numpy(m) for m in _inverted(**variables, **_STAND_INS)]
                except (ValueError, ArithmeticError, RuntimeError):
                    return False
                values = np.asarray(_numpy(derivative), dtype=float)
                if any(np.linalg.cond(m) > 1e6 for m in inverted if m.ndim == 2 and min(m.shape) > 0):
                    return False
                # Central differences lose what a value much larger than its change needs: their
                # rounding is about 1e-16 |value| / 1e-5, kept below 1e-6 of the derivative.
                value = np.asarray(_numpy(value), dtype=float)
                scale = max(1.0, float(np.max(np.abs(values), initial=0.0)))
                largest = float(np.max(np.abs(value), initial=0.0))
                return bool(np.all(np.isfinite(value)) and np.all(np.isfinite(values))
                            and scale < 1e8 and largest < 1e8 and largest <= 1e4 * scale)
            """
        return lines.joined(separator: "\n") + "\n\n\n" + helpers
    }

    /// A dimension as Python text for array sizes.
    func dimensionText(_ dimension: Dimension) -> String {
        switch dimension {
        case .fixed(let size): return String(size)
        case .named(let name): return dimensionNames[name] ?? name
        case .product(let outer, let inner): return "\(dimensionText(outer)) * \(dimensionText(inner))"
        }
    }

    func checkFunction() -> String {
        let last = PythonTranslator.pythonName(derivative.variables.last ?? derivative.variable)
        let standIns = functionParameters.map { "    \"\($0.name)\": \($0.standIn)," }
        var lines = [
            "_tanh = \(language == .torch ? "torch.tanh" : "\(library).tanh")",
            "_sum = \(language == .torch ? "torch.sum" : "\(library).sum")",
            "_log1p = \(language == .torch ? "torch.log1p" : "\(library).log1p")",
            "",
            "# Stand-ins for the declared functions, for the check (value_and_derivative takes yours).",
            "_STAND_INS = {",
        ] + standIns + [
            "}",
            "",
            "",
            "def _numpy(value):",
            "    \"\"\"A result as a NumPy array.\"\"\"",
            language == .torch ? "    return value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)"
                : "    return np.asarray(value)",
            "",
            "",
            "def _differences(variables, name, step=1e-5):",
            "    \"\"\"Central differences of _lower by the entries of variables[name]: its axes, then the variable's.\"\"\"",
            "    point = np.array(variables[name], dtype=float)",
            "    base = _numpy(_lower(**variables, **_STAND_INS))",
            "    result = np.zeros(base.shape + point.shape)",
            "    for index in np.ndindex(point.shape):",
            "        h = step * max(1.0, abs(point[index]))",
            "        above, below = point.copy(), point.copy()",
            "        above[index] += h",
            "        below[index] -= h",
            "        upper = _numpy(_lower(**{**variables, name: above}, **_STAND_INS))",
            "        lower = _numpy(_lower(**{**variables, name: below}, **_STAND_INS))",
            "        result[(Ellipsis,) + index] = (upper - lower) / (2 * h)",
            "    return result",
            "",
            "",
            "def _arranged(tensor, shape):",
            "    \"\"\"A tensor with the lower result's axes then the variable's, laid out as the derivative is:",
            "    as it is, or a 2-D vec-convention matrix (vec stacks columns: Fortran order).\"\"\"",
            "    if tensor.shape == tuple(shape):",
            "        return tensor",
            "    if len(shape) == 2:",
            "        return tensor.reshape(shape, order=\"F\")",
            "    return tensor.reshape(shape)",
            "",
            "",
            "def _relative(derivative, expected):",
            "    return float(np.max(np.abs(derivative - expected), initial=0.0) / max(1.0, np.max(np.abs(expected), initial=0.0)))",
            "",
            "",
            "def check(seed=0):",
            "    \"\"\"The largest relative difference between the derivative and central differences"
                + (language == .numpy ? "" : ", and the library's automatic differentiation") + ".\"\"\"",
            "    variables = random_variables(seed)",
            "    _, derivative = value_and_derivative(**variables, **_STAND_INS)",
            "    derivative = _numpy(derivative)",
            "    error = _relative(derivative, _arranged(_differences(variables, \"\(last)\"), derivative.shape))",
        ]
        switch language {
        case .numpy: break
        case .jax:
            lines += [
                "    automatic = jax.jacfwd(lambda x: _lower(**{**variables, \"\(last)\": x}, **_STAND_INS))(",
                "        jnp.asarray(variables[\"\(last)\"], dtype=jnp.float64))",
                "    error = max(error, _relative(derivative, _arranged(np.asarray(automatic), derivative.shape)))",
            ]
        case .torch:
            lines += [
                "    automatic = torch.autograd.functional.jacobian(",
                "        lambda x: _lower(**{**variables, \"\(last)\": x}, **_STAND_INS),",
                "        torch.as_tensor(variables[\"\(last)\"], dtype=torch.float64))",
                "    error = max(error, _relative(derivative, _arranged(_numpy(automatic), derivative.shape)))",
            ]
        }
        lines.append("    return error")
        return lines.joined(separator: "\n")
    }

    func main() -> String {
        """
        if __name__ == "__main__":
            error = check()
            print(f"largest relative difference from the check: {error:.3g} (at most 1e-6)")
            raise SystemExit(0 if error <= 1e-6 else 1)
        """
    }
}

extension MatrixFunction {
    /// The name of a declared function (`sigma` of `sigma'`), `nil` for a built-in one.
    var declaredName: String? {
        switch self {
        case .declaredElementwise(let name), .declaredElementwiseDerivative(let name), .declaredScalar(let name),
            .declaredScalarGradient(let name):
            return name
        default: return nil
        }
    }
}
