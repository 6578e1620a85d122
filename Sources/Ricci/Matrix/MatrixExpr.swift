// The matrix layer: what users write and read.

/// A matrix expression, as written in the language of `LANGUAGE.md`.
///
/// The tree mirrors the syntax: binary operators are binary and left-associative as parsed,
/// so that printing with ``PlainPrinter`` and parsing again gives back an equal value
/// (`parse(print(e)) == e`). Shapes are not stored in the tree; they come from an
/// ``Environment`` (declarations and inference). Two conventions keep the tree canonical:
/// a number literal is one ``number(_:)`` (`-2` and `1/2` are single literals, never
/// `negate(2)` or `divide(1, 2)`), and `ones(m)` is `ones(m, 1)`.
public indirect enum MatrixExpr: Hashable, Sendable {
    /// An exact number (a scalar).
    case number(Rational)
    /// A variable: matrix, vector or scalar, by its declaration or by inference.
    case variable(String)
    /// `A + B`: same shapes.
    case add(MatrixExpr, MatrixExpr)
    /// `A - B`: same shapes.
    case subtract(MatrixExpr, MatrixExpr)
    /// `-A`.
    case negate(MatrixExpr)
    /// `A * B`: the matrix product, or scaling when either side is a scalar.
    case multiply(MatrixExpr, MatrixExpr)
    /// `A .* B`: the Hadamard (entry-wise) product `(A ⊙ B)[i,j] = A[i,j] B[i,j]`.
    case hadamard(MatrixExpr, MatrixExpr)
    /// `A ./ B`: entry-wise division `A[i,j] / B[i,j]`.
    case elementwiseDivide(MatrixExpr, MatrixExpr)
    /// `A / s`: division by a scalar.
    case divide(MatrixExpr, MatrixExpr)
    /// `s ^ c`: power of a scalar by a constant.
    case power(MatrixExpr, Rational)
    /// `A .^ c`: entry-wise power by a constant.
    case elementwisePower(MatrixExpr, Rational)
    /// `A'`: the transpose.
    case transpose(MatrixExpr)
    /// `f(A)`: a built-in or declared function of one argument.
    case apply(MatrixFunction, MatrixExpr)
    /// `I(n)`: the `n×n` identity.
    case identity(Dimension)
    /// `ones(m, n)`: the all-ones matrix; `ones(m)` is `ones(m, 1)`.
    case ones(Dimension, Dimension)

    /// The direct sub-expressions, left to right.
    public var children: [MatrixExpr] {
        switch self {
        case .number, .variable, .identity, .ones:
            return []
        case .negate(let a), .power(let a, _), .elementwisePower(let a, _), .transpose(let a),
            .apply(_, let a):
            return [a]
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b),
            .hadamard(let a, let b), .elementwiseDivide(let a, let b), .divide(let a, let b):
            return [a, b]
        }
    }

    /// The names of the variables that occur in the expression, in order of first occurrence.
    public var variableNames: [String] {
        var seen = Set<String>()
        var names: [String] = []
        func visit(_ expr: MatrixExpr) {
            if case .variable(let name) = expr, seen.insert(name).inserted { names.append(name) }
            for child in expr.children { visit(child) }
        }
        visit(self)
        return names
    }

    /// The number of operator nodes: every node but variables and numbers (`2*X'*(X*W - Y)`
    /// has 5). This is the size measure of a result.
    public var operatorCount: Int {
        switch self {
        case .number, .variable: return 0
        default: return 1 + children.reduce(0) { $0 + $1.operatorCount }
        }
    }
}

/// A function of one matrix argument: built in, or declared by the user.
public enum MatrixFunction: Hashable, Sendable {
    /// `tr(M)`, square `M` → scalar: `Σ_i M[i,i]`.
    case trace
    /// `det(M)`, square `M` → scalar.
    case determinant
    /// `logdet(M)`, square `M` → scalar: `log det M`.
    case logDeterminant
    /// `inv(M)`, square `M` → `M⁻¹`.
    case inverse
    /// `sum(M)` → scalar: `Σ_{i,j} M[i,j]`.
    case sum
    /// `norm2(M)` → scalar: the Euclidean norm of a vector, the Frobenius norm of a matrix.
    case norm2
    /// `diagm(v)`, vector `v` → the diagonal matrix with `v` on its diagonal.
    case diagonalMatrix
    /// `diagv(M)`, square `M` → the vector of its diagonal.
    case diagonalVector
    /// A built-in element-wise function: `exp log sin cos tanh sqrt abs sigmoid relu softplus`.
    case elementwise(ElementwiseFunction)
    /// A declared element-wise function `sigma`, applied entry by entry.
    case declaredElementwise(String)
    /// `sigma'(M)`: the derivative of a declared element-wise function, entry by entry.
    case declaredElementwiseDerivative(String)
    /// A declared scalar function `lambda` of a matrix: `λ(M)` is a scalar.
    case declaredScalar(String)
    /// `grad_lambda(M)`: the gradient of a declared scalar function, shaped like `M`.
    case declaredScalarGradient(String)

    /// The name as written in the language (`tr`, `exp`, `sigma'`, `grad_lambda`).
    public var name: String {
        switch self {
        case .trace: return "tr"
        case .determinant: return "det"
        case .logDeterminant: return "logdet"
        case .inverse: return "inv"
        case .sum: return "sum"
        case .norm2: return "norm2"
        case .diagonalMatrix: return "diagm"
        case .diagonalVector: return "diagv"
        case .elementwise(let function): return function.rawValue
        case .declaredElementwise(let name): return name
        case .declaredElementwiseDerivative(let name): return name + "'"
        case .declaredScalar(let name): return name
        case .declaredScalarGradient(let name): return "grad_" + name
        }
    }

    /// True for functions applied entry by entry (the result has the argument's shape and
    /// entry `[i,j]` depends on the argument's entry `[i,j]` only).
    public var isElementwise: Bool {
        switch self {
        case .elementwise, .declaredElementwise, .declaredElementwiseDerivative: return true
        default: return false
        }
    }

    /// The built-in functions by name (element-wise ones included).
    public static let builtins: [String: MatrixFunction] = {
        var table: [String: MatrixFunction] = [
            "tr": .trace, "det": .determinant, "logdet": .logDeterminant, "inv": .inverse,
            "sum": .sum, "norm2": .norm2, "diagm": .diagonalMatrix, "diagv": .diagonalVector,
        ]
        for function in ElementwiseFunction.allCases { table[function.rawValue] = .elementwise(function) }
        return table
    }()
}

/// The built-in element-wise functions.
public enum ElementwiseFunction: String, Hashable, Sendable, CaseIterable {
    case exp, log, sin, cos, tanh, sqrt, abs, sigmoid, relu, softplus
}
