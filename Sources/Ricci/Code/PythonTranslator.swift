// Matrix expressions as Python over NumPy, JAX or PyTorch arrays: vectors 1-D, matrices 2-D.

/// The array library a module is written for.
public enum CodeLanguage: String, Sendable, CaseIterable {
    case numpy, jax, torch
}

/// Translates ``MatrixExpr``s into Python expressions in the conventions of `ricci code`
/// (`LANGUAGE.md`, "Code"): a scalar is a 0-d value, a vector (column or row) a 1-D array, a
/// matrix a 2-D array. The shape of every sub-expression decides its translation:
///
/// | expression | shapes | Python (NumPy) |
/// | --- | --- | --- |
/// | `A*B` | a side scalar / matrix or row times matrix or column / row times column / column times row | `a * b` / `a @ b` / `a @ b` (a dot product) / `np.outer(a, b)` |
/// | `A + b`, `A .* b`, `max(A, b)` | a column against a matrix | `a + b[:, None]` (a row broadcasts as a 1-D array does) |
/// | `A'` | matrix / vector | `a.T` / `a` |
/// | `kron(A, B)` | | `np.kron` of 2-D operands, raveled when the result is a vector |
/// | `vec(M)` | matrix / vector | `M.T.reshape(-1)` / `m` |
/// | `softmax`, `logsumexp`, `sigmoid` | | shifted by the maximum, without overflow |
///
/// A sub-expression with a name (a temporary of the module) is written as its name.
struct PythonTranslator {
    let language: CodeLanguage
    let environment: Environment
    /// Python names of the dimension symbols.
    let dimensionNames: [String: String]
    /// Names of sub-expressions computed into temporaries, by their structural number.
    var temporaries: [Int: String] = [:]
    /// The helper functions the translated code calls (`_sigmoid`, `_commutation`, …).
    private(set) var helpers: Set<PythonHelper> = []
    private var numbering = StructuralNumbering()
    private var shapes: [Int: Shape] = [:]

    init(language: CodeLanguage, environment: Environment, dimensionNames: [String: String]) {
        self.language = language
        self.environment = environment
        self.dimensionNames = dimensionNames
    }

    /// The module name of the array library (`np`, `jnp`, `torch`).
    var library: String {
        switch language {
        case .numpy: return "np"
        case .jax: return "jnp"
        case .torch: return "torch"
        }
    }

    /// The structural number of `expr` (``StructuralNumbering``), numbering its children.
    mutating func number(_ expr: MatrixExpr) -> Int {
        numbering.number(expr)
    }

    /// The shape of `expr` (every expression given is well shaped).
    mutating func shape(_ expr: MatrixExpr) -> Shape {
        let key = numbering.number(expr)
        if let known = shapes[key] { return known }
        let shape = (try? environment.shape(of: expr)) ?? .scalar
        shapes[key] = shape
        return shape
    }

    /// `expr` as a Python expression; its temporaries by name.
    mutating func translate(_ expr: MatrixExpr) -> String {
        translate(expr, naming: true).text
    }

    /// `expr` written out (not as its own temporary), its parts by name.
    mutating func definition(_ expr: MatrixExpr) -> String {
        translate(expr, naming: false).text
    }

    /// A piece of Python and how tightly it binds: Python's levels, `+ -` (1) looser than
    /// `* @ /` (2), than unary `-` (3), than `**` (4), than an atom (5).
    struct Piece {
        var text: String
        var level: Int
        var isAtom: Bool { level == 5 }
    }

    private mutating func translate(_ expr: MatrixExpr, naming: Bool) -> Piece {
        if naming, let name = temporaries[numbering.number(expr)] { return Piece(text: name, level: 5) }
        let result = shape(expr)
        /// `sub` parenthesised unless it binds at least as tightly as `minimum`.
        func operand(_ sub: MatrixExpr, _ minimum: Int = 5) -> String {
            let piece = translate(sub, naming: true)
            return piece.level >= minimum ? piece.text : "(" + piece.text + ")"
        }
        func plain(_ sub: MatrixExpr) -> String { translate(sub, naming: true).text }
        func atom(_ text: String) -> Piece { Piece(text: text, level: 5) }
        func compound(_ text: String) -> Piece { Piece(text: text, level: 1) }
        func sum(_ text: String) -> Piece { Piece(text: text, level: 1) }
        func term(_ text: String) -> Piece { Piece(text: text, level: 2) }
        /// A left-associative binary operator at `level`: the left operand may sit at it, the
        /// right one must bind tighter.
        func binary(_ a: MatrixExpr, _ symbol: String, _ b: MatrixExpr, level: Int) -> Piece {
            Piece(text: operand(a, level) + " \(symbol) " + operand(b, level + 1), level: level)
        }
        let L = library
        switch expr {
        case .number(let value):
            let text = Self.number(value)
            return atom(text)
        case .variable(let name):
            return atom(Self.pythonName(name))
        case .add(let a, let b):
            return sum(broadcast(a, b, in: result, left: 1, right: 2) { "\($0) + \($1)" })
        case .subtract(let a, let b):
            return sum(broadcast(a, b, in: result, left: 1, right: 2) { "\($0) - \($1)" })
        case .negate(let a):
            return Piece(text: "-" + operand(a, 4), level: 3)
        case .hadamard(let a, let b):
            return term(broadcast(a, b, in: result, left: 2, right: 3) { "\($0) * \($1)" })
        case .elementwiseDivide(let a, let b):
            return term(broadcast(a, b, in: result, left: 2, right: 3) { "\($0) / \($1)" })
        case .divide(let a, let b):
            return binary(a, "/", b, level: 2)
        case .multiply(let a, let b):
            let (sa, sb) = (shape(a), shape(b))
            if sa.isScalar || sb.isScalar { return binary(a, "*", b, level: 2) }
            // A product with diagm(v) scales rows (v[:, None] * B, v * b for a vector) or
            // columns (A * v): a broadcast, where np.diag(v) @ B would form the diagonal matrix
            // and multiply densely. Not where diagm(v) is a temporary of its own.
            if case .apply(.diagonalMatrix, let v) = a, !shape(v).isScalar, temporaries[numbering.number(a)] == nil,
               sb.kind == .matrix || sb.kind == .vector {
                let scale = sb.kind == .vector ? operand(v) : operand(v) + "[:, None]"
                return Piece(text: scale + " * " + operand(b, 3), level: 2)
            }
            if case .apply(.diagonalMatrix, let v) = b, !shape(v).isScalar, temporaries[numbering.number(b)] == nil,
               sa.kind == .matrix || sa.kind == .rowVector {
                return Piece(text: operand(a, 2) + " * " + operand(v, 3), level: 2)
            }
            // A column times a row is an outer product; everything else is `@` on 1-D and 2-D
            // arrays (a row times a column a dot product).
            if sa.columns.isOne && !sa.rows.isOne && sb.rows.isOne && !sb.columns.isOne {
                return atom("\(L).outer(\(plain(a)), \(plain(b)))")
            }
            return binary(a, "@", b, level: 2)
        case .power(let a, let c):
            if shape(a).isScalar { return Piece(text: operand(a) + " ** " + Self.exponent(c), level: 4) }
            return atom("\(L).linalg.matrix_power(\(plain(a)), \(c.numerator))")
        case .elementwisePower(let a, let c):
            return Piece(text: operand(a) + " ** " + Self.exponent(c), level: 4)
        case .powerBy(let a, let t), .elementwisePowerBy(let a, let t):
            return Piece(text: operand(a) + " ** " + operand(t), level: 4)
        case .transpose(let a):
            let sa = shape(a)
            if sa.kind == .matrix { return atom(operand(a) + ".T") }
            return translate(a, naming: true)
        case .apply(.elementwise(.log), .add(.number(let one), let t)) where one.isOne && (temporaries.isEmpty || !isNamed(.add(.number(one), t))):
            // log(1 + t) is log1p(t): exact where t is small.
            return atom("\(L).log1p(\(plain(t)))")
        case .apply(let function, let a):
            return atom(apply(function, a))
        case .apply2(let function, let a, let b):
            switch function {
            case .maximum:
                return atom(broadcastCall(language == .torch ? "torch.maximum" : "\(L).maximum", a, b, in: result))
            case .minimum:
                return atom(broadcastCall(language == .torch ? "torch.minimum" : "\(L).minimum", a, b, in: result))
            case .kron:
                // PyTorch's kron needs contiguous operands (a transpose is a strided view).
                let (left, right) = (twoDimensional(a), twoDimensional(b))
                let product = language == .torch
                    ? "torch.kron(\(left).contiguous(), \(right).contiguous())" : "\(L).kron(\(left), \(right))"
                return atom(result.kind == .matrix ? product : product + ".reshape(-1)")
            }
        case .identity(let n):
            return atom(language == .torch ? "torch.eye(\(dimension(n)), dtype=torch.float64)" : "\(L).eye(\(dimension(n)))")
        case .ones(let m, let n), .zeros(let m, let n):
            let kind: String = { if case .ones = expr { return "ones" } else { return "zeros" } }()
            let axes = [m, n].filter { !$0.isOne }.map(dimension)
            if axes.isEmpty { return atom(kind == "ones" ? "1.0" : "0.0") }
            if language == .torch { return atom("torch.\(kind)(\(axes.joined(separator: ", ")), dtype=torch.float64)") }
            return atom("\(L).\(kind)((\(axes.joined(separator: ", "))\(axes.count == 1 ? "," : "")))")
        case .commutation(let m, let n):
            helpers.insert(.commutation)
            return atom("_commutation(\(dimension(m)), \(dimension(n)))")
        case .sizeless:
            return atom("1.0")
        }
    }

    /// True when `expr` is computed into a temporary.
    private mutating func isNamed(_ expr: MatrixExpr) -> Bool {
        temporaries[numbering.number(expr)] != nil
    }

    /// A function application.
    private mutating func apply(_ function: MatrixFunction, _ a: MatrixExpr) -> String {
        let L = library
        let argument = translate(a, naming: true).text
        // What passes its argument through unchanged must keep it one operand.
        let passed = translateOperand(a)
        let sa = shape(a)
        let axisWord = language == .torch ? "dim" : "axis"
        switch function {
        case .trace: return "\(L).trace(\(argument))"
        case .determinant: return "\(L).linalg.det(\(argument))"
        case .logDeterminant: return "\(L).linalg.slogdet(\(argument))[1]"
        case .inverse: return "\(L).linalg.inv(\(argument))"
        case .pseudoInverse: return "\(L).linalg.pinv(\(argument))"
        case .sum: return "\(L).sum(\(argument))"
        case .columnSums: return sa.kind == .matrix ? "\(L).sum(\(argument), \(axisWord)=0)" : passed
        case .rowSums: return sa.kind == .matrix ? "\(L).sum(\(argument), \(axisWord)=1)" : passed
        case .mean: return "\(L).mean(\(argument))"
        case .columnMeans: return sa.kind == .matrix ? "\(L).mean(\(argument), \(axisWord)=0)" : passed
        case .rowMeans: return sa.kind == .matrix ? "\(L).mean(\(argument), \(axisWord)=1)" : passed
        case .norm2: return "\(L).linalg.norm(\(argument))"
        case .norm1: return "\(L).sum(\(L).abs(\(argument)))"
        case .diagonalMatrix: return sa.isScalar ? passed : "\(L).diag(\(argument))"
        case .diagonalVector: return sa.isScalar ? passed : "\(L).diag(\(argument))"
        case .diagonal: return "\(L).diag(\(argument))"
        case .softmax:
            switch language {
            case .numpy:
                helpers.insert(.softmax)
                return "_softmax(\(argument))"
            case .jax: return "jax.nn.softmax(\(argument), axis=0)"
            case .torch: return "torch.softmax(\(argument), dim=0)"
            }
        case .logSumExp:
            switch language {
            case .numpy:
                helpers.insert(.logSumExp)
                return "_logsumexp(\(argument))"
            case .jax: return "jax.scipy.special.logsumexp(\(argument))"
            case .torch: return "torch.logsumexp(\(passed).reshape(-1), dim=0)"
            }
        case .vec: return sa.kind == .matrix ? "\(passed).T.reshape(-1)" : passed
        case .numel:
            // An atom: it is an operand of whatever uses it.
            let sizes = [sa.rows, sa.columns].filter { !$0.isOne }.map(dimension)
            return sizes.isEmpty ? "1" : sizes.count == 1 ? sizes[0] : "(" + sizes.joined(separator: " * ") + ")"
        case .size(let axis): return dimension(axis == 1 ? sa.rows : sa.columns)
        case .elementwise(let f): return elementwise(f, argument)
        case .declaredElementwise(let name): return Self.pythonName(name) + "(\(argument))"
        case .declaredElementwiseDerivative(let name): return Self.pythonName(name) + "_prime(\(argument))"
        case .declaredScalar(let name): return Self.pythonName(name) + "(\(argument))"
        case .declaredScalarGradient(let name): return "grad_" + name + "(\(argument))"
        }
    }

    private mutating func translateOperand(_ a: MatrixExpr) -> String {
        let piece = translate(a, naming: true)
        return piece.isAtom ? piece.text : "(" + piece.text + ")"
    }

    /// An entry-wise function, in forms that do not overflow.
    private mutating func elementwise(_ function: ElementwiseFunction, _ x: String) -> String {
        let L = library
        let torch = language == .torch
        switch function {
        case .exp, .log, .sin, .cos, .tan, .tanh, .sqrt, .abs, .sign, .sinh, .cosh, .log1p:
            return "\(L).\(function.rawValue)(\(x))"
        case .asin: return torch ? "torch.asin(\(x))" : "\(L).arcsin(\(x))"
        case .acos: return torch ? "torch.acos(\(x))" : "\(L).arccos(\(x))"
        case .atan: return torch ? "torch.atan(\(x))" : "\(L).arctan(\(x))"
        case .sigmoid:
            switch language {
            case .numpy:
                helpers.insert(.sigmoid)
                return "_sigmoid(\(x))"
            case .jax: return "jax.nn.sigmoid(\(x))"
            case .torch: return "torch.sigmoid(\(x))"
            }
        case .relu: return torch ? "torch.relu(\(x))" : "\(L).maximum(\(x), 0.0)"
        case .softplus: return torch ? "torch.nn.functional.softplus(\(x))" : "\(L).logaddexp(0.0, \(x))"
        case .step: return torch ? "(\(x) > 0).to(torch.float64)" : "\(L).heaviside(\(x), 0.0)"
        }
    }

    /// A binary entry-wise operation whose operands broadcast to `result`: a column against
    /// more than one column is written `[:, None]` (1-D arrays broadcast as rows).
    private mutating func broadcast(_ a: MatrixExpr, _ b: MatrixExpr, in result: Shape, left: Int, right: Int,
                                    _ combine: (String, String) -> String) -> String {
        combine(stretched(a, to: result, atLeast: left), stretched(b, to: result, atLeast: right))
    }

    private mutating func broadcastCall(_ function: String, _ a: MatrixExpr, _ b: MatrixExpr, in result: Shape) -> String {
        let left = stretched(a, to: result, wrapScalars: language == .torch)
        let right = stretched(b, to: result, wrapScalars: language == .torch)
        return "\(function)(\(left), \(right))"
    }

    /// An operand of a broadcasting operation with `result`'s shape, parenthesised unless it
    /// binds at `minimum` (an operand indexed `[:, None]` must be an atom).
    private mutating func stretched(_ a: MatrixExpr, to result: Shape, wrapScalars: Bool = false, atLeast minimum: Int = 5)
        -> String
    {
        let sa = shape(a)
        let needsAtom = sa.kind == .vector && !result.columns.isOne
        let piece = translate(a, naming: true)
        let text = piece.level >= (needsAtom ? 5 : minimum) ? piece.text : "(" + piece.text + ")"
        if sa.isScalar && wrapScalars { return "torch.as_tensor(\(text), dtype=torch.float64)" }
        if sa.kind == .vector && !result.columns.isOne { return text + "[:, None]" }
        return text
    }

    /// An operand as a 2-D array (`kron` needs them): a column `[:, None]`, a row `[None, :]`.
    private mutating func twoDimensional(_ a: MatrixExpr) -> String {
        let text = translateOperand(a)
        switch shape(a).kind {
        case .vector: return text + "[:, None]"
        case .rowVector: return text + "[None, :]"
        case .scalar: return language == .torch ? "torch.as_tensor(\(text), dtype=torch.float64).reshape(1, 1)"
            : "\(library).reshape(\(text), (1, 1))"
        case .matrix: return text
        }
    }

    /// A dimension as a Python expression: its name, a number, or a product.
    func dimension(_ dimension: Dimension) -> String {
        switch dimension {
        case .fixed(let size): return String(size)
        case .named(let name): return dimensionNames[name] ?? Self.pythonName(name)
        case .product(let outer, let inner): return "(\(self.dimension(outer)) * \(self.dimension(inner)))"
        }
    }

    /// A number literal: `2.0`, `0.5`, `(1 / 3)`.
    static func number(_ value: Rational) -> String {
        if let decimal = value.terminatingDecimal {
            let text = decimal.contains(".") ? decimal : decimal + ".0"
            return value.isNegative ? "(\(text))" : text
        }
        return "(\(value.numerator) / \(value.denominator))"
    }

    /// An exponent: a float literal in parentheses when negative or fractional.
    static func exponent(_ value: Rational) -> String {
        number(value)
    }

    /// Python keywords and names the module uses itself, which a variable cannot take.
    static let reservedNames: Set<String> = [
        "lambda", "def", "class", "return", "if", "else", "elif", "for", "while", "in", "is", "not", "and", "or",
        "import", "from", "as", "with", "try", "except", "finally", "raise", "pass", "break", "continue", "global",
        "nonlocal", "yield", "del", "assert", "True", "False", "None", "async", "await", "np", "jnp", "jax", "torch",
        "value", "derivative", "variables", "seed", "rng", "check",
    ]

    /// A name as a Python identifier: a reserved one gets a trailing underscore.
    static func pythonName(_ name: String) -> String {
        reservedNames.contains(name) ? name + "_" : name
    }
}

/// The helper functions a module defines only when its code calls them.
enum PythonHelper: String, CaseIterable, Comparable {
    case sigmoid, softmax, logSumExp, commutation

    static func < (a: PythonHelper, b: PythonHelper) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The definition, for `language`.
    func definition(_ language: CodeLanguage) -> String {
        switch self {
        case .sigmoid:
            return """
                def _sigmoid(x):
                    \"\"\"1 / (1 + exp(-x)), without overflow for large |x|.\"\"\"
                    e = np.exp(-np.abs(x))
                    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
                """
        case .softmax:
            return """
                def _softmax(x):
                    \"\"\"exp(x) / sum(exp(x)) down each column (along a 1-D array), shifted by the maximum.\"\"\"
                    e = np.exp(x - np.max(x, axis=0))
                    return e / np.sum(e, axis=0)
                """
        case .logSumExp:
            return """
                def _logsumexp(x):
                    \"\"\"log(sum(exp(x))) over every entry, shifted by the maximum.\"\"\"
                    top = np.max(x)
                    return top + np.log(np.sum(np.exp(x - top)))
                """
        case .commutation:
            switch language {
            case .torch:
                return """
                    def _commutation(m, n):
                        \"\"\"The mn×mn matrix K with K @ vec(A) = vec(A.T) for an m×n A (vec stacks columns).\"\"\"
                        k = torch.zeros(m * n, m * n, dtype=torch.float64)
                        for i in range(m):
                            for j in range(n):
                                k[i * n + j, j * m + i] = 1.0
                        return k
                    """
            case .numpy, .jax:
                let L = language == .jax ? "jnp" : "np"
                return """
                    def _commutation(m, n):
                        \"\"\"The mn×mn matrix K with K @ vec(A) = vec(A.T) for an m×n A (vec stacks columns).\"\"\"
                        k = np.zeros((m * n, m * n))
                        for i in range(m):
                            for j in range(n):
                                k[i * n + j, j * m + i] = 1.0
                        return \(L == "np" ? "k" : "jnp.asarray(k)")
                    """
            }
        }
    }
}
