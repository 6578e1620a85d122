// The matrix layer: what users write and read.

/// A matrix expression, as written in the language of `LANGUAGE.md`.
///
/// The tree mirrors the syntax: binary operators are binary and left-associative as parsed,
/// so that printing with ``PlainPrinter`` and parsing again gives back an equal value
/// (`parse(print(e)) == e`). Shapes are not stored in the tree; they come from an
/// ``Environment`` (declarations and inference). Conventions that keep the tree canonical:
/// a number literal is one ``number(_:)`` (`-2` and `1/2` are single literals, never
/// `negate(2)` or `divide(1, 2)`), `ones(m)` is `ones(m, 1)`, `eye(n)` is `I(n)`, `trace` is
/// `tr`, and a power whose exponent is a constant is ``power(_:_:)`` or
/// ``elementwisePower(_:_:)`` (`s^(1/2)`), never ``powerBy(_:_:)``.
///
/// `+ - .* ./` and `max`/`min` broadcast as NumPy does on two-dimensional shapes: an axis of
/// size 1 on one side stretches to the other side's size (`W*X + b`, `1 - y`, `X - mu'`).
///
/// Two kinds of node exist only between parsing and shape checking, because what they mean
/// depends on shapes: ``sizeless(_:)`` (`ones()`, `zeros()`, `I()`) and `diag(…)`
/// (``MatrixFunction/diagonal``). A ``CheckedExpression`` has neither: checking replaces
/// them by what the shapes make of them.
public indirect enum MatrixExpr: Hashable, Sendable {
    /// An exact number (a scalar).
    case number(Rational)
    /// A variable: matrix, vector or scalar, by its declaration or by inference.
    case variable(String)
    /// `A + B`, broadcasting.
    case add(MatrixExpr, MatrixExpr)
    /// `A - B`, broadcasting.
    case subtract(MatrixExpr, MatrixExpr)
    /// `-A`.
    case negate(MatrixExpr)
    /// `A * B`: the matrix product, or scaling when either side is a scalar.
    case multiply(MatrixExpr, MatrixExpr)
    /// `A .* B`: the Hadamard (entry-wise) product `(A ⊙ B)[i,j] = A[i,j] B[i,j]`, broadcasting.
    case hadamard(MatrixExpr, MatrixExpr)
    /// `A ./ B`: entry-wise division `A[i,j] / B[i,j]`, broadcasting.
    case elementwiseDivide(MatrixExpr, MatrixExpr)
    /// `A / s`: division by a scalar.
    case divide(MatrixExpr, MatrixExpr)
    /// `s ^ c`: the power of a scalar by a constant; for a square matrix `X` and an integer
    /// `k`, the matrix power `X^k` (`X^0 = I`, `X^-1 = inv(X)`, `X^-k = inv(X)^k`).
    case power(MatrixExpr, Rational)
    /// `A .^ c`: entry-wise power by a constant.
    case elementwisePower(MatrixExpr, Rational)
    /// `s ^ t`: a scalar raised to a scalar expression `t` that is not a constant.
    case powerBy(MatrixExpr, MatrixExpr)
    /// `A .^ t`: every entry raised to a scalar expression `t` that is not a constant.
    case elementwisePowerBy(MatrixExpr, MatrixExpr)
    /// `A'`: the transpose.
    case transpose(MatrixExpr)
    /// `f(A)`: a built-in or declared function of one argument.
    case apply(MatrixFunction, MatrixExpr)
    /// `f(A, B)`: a built-in function of two arguments (`max`, `min`, `kron`).
    case apply2(BinaryFunction, MatrixExpr, MatrixExpr)
    /// `I(n)`: the `n×n` identity.
    case identity(Dimension)
    /// `ones(m, n)`: the all-ones matrix; `ones(m)` is `ones(m, 1)`.
    case ones(Dimension, Dimension)
    /// `zeros(m, n)`: the zero matrix; `zeros(m)` is `zeros(m, 1)`.
    case zeros(Dimension, Dimension)
    /// `commutation(m, n)`: the `(m·n)×(n·m)` matrix `K` with `K vec(A) = vec(Aᵀ)` for an
    /// `m×n` matrix `A`.
    case commutation(Dimension, Dimension)
    /// `ones()`, `zeros()`, `I()` as written, before shape checking gives them a size.
    case sizeless(SizelessConstant)

    /// The direct sub-expressions, left to right.
    public var children: [MatrixExpr] {
        switch self {
        case .number, .variable, .identity, .ones, .zeros, .commutation, .sizeless:
            return []
        case .negate(let a), .power(let a, _), .elementwisePower(let a, _), .transpose(let a),
            .apply(_, let a):
            return [a]
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b),
            .hadamard(let a, let b), .elementwiseDivide(let a, let b), .divide(let a, let b),
            .powerBy(let a, let b), .elementwisePowerBy(let a, let b), .apply2(_, let a, let b):
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

    /// The dimensions written in the expression's constants (`I(n)`, `ones(m,k)`,
    /// `zeros(m,n)`, `commutation(m,n)`), each once, in order of first occurrence: sizes the
    /// variables' shapes may not mention (`sum(alpha*I(k))`).
    public var writtenDimensions: [Dimension] {
        var seen = Set<Dimension>()
        var dimensions: [Dimension] = []
        func add(_ dimension: Dimension) {
            for component in dimension.components where seen.insert(component).inserted { dimensions.append(component) }
        }
        func visit(_ expr: MatrixExpr) {
            switch expr {
            case .identity(let n):
                add(n)
            case .ones(let m, let n), .zeros(let m, let n), .commutation(let m, let n):
                add(m)
                add(n)
            case .number, .variable, .add, .subtract, .negate, .multiply, .hadamard, .elementwiseDivide, .divide,
                .power, .elementwisePower, .powerBy, .elementwisePowerBy, .transpose, .apply, .apply2, .sizeless:
                break
            }
            for child in expr.children { visit(child) }
        }
        visit(self)
        return dimensions
    }

    /// The number of operator nodes: every node but variables and numbers (`2*X'*(X*W - Y)`
    /// has 5). This is the size measure of a result.
    public var operatorCount: Int {
        switch self {
        case .number, .variable: return 0
        default: return 1 + children.reduce(0) { $0 + $1.operatorCount }
        }
    }

    /// True for a node without operands that stands for a matrix of its own (`I(n)`,
    /// `ones(m,n)`, `zeros(m,n)`, `commutation(m,n)`, `ones()`, …).
    public var isConstructor: Bool {
        switch self {
        case .identity, .ones, .zeros, .commutation, .sizeless: return true
        default: return false
        }
    }
}

/// `ones()`, `zeros()` and `I()`: a constant whose size the surrounding expression gives.
public enum SizelessConstant: String, Hashable, Sendable {
    case ones, zeros, identity = "I"
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
    /// `pinv(M)`, `m×n` → `n×m`: the Moore–Penrose pseudo-inverse `M⁺`.
    case pseudoInverse
    /// `sum(M)` → scalar: `Σ_{i,j} M[i,j]`.
    case sum
    /// `sum(M, 1)`, `m×n` → the `1×n` row of column sums `Σ_i M[i,j]`.
    case columnSums
    /// `sum(M, 2)`, `m×n` → the `m`-vector of row sums `Σ_j M[i,j]`.
    case rowSums
    /// `mean(M)` → scalar: `sum(M) / numel(M)`.
    case mean
    /// `mean(M, 1)`: the row of column means, `sum(M, 1) / size(M, 1)`.
    case columnMeans
    /// `mean(M, 2)`: the column of row means, `sum(M, 2) / size(M, 2)`.
    case rowMeans
    /// `norm2(M)` → scalar: the Euclidean norm of a vector, the Frobenius norm of a matrix.
    case norm2
    /// `norm1(M)` → scalar: `Σ_{i,j} |M[i,j]|`.
    case norm1
    /// `diagm(v)`, vector or row vector `v` → the diagonal matrix with `v` on its diagonal.
    case diagonalMatrix
    /// `diagv(M)`, square `M` → the vector of its diagonal.
    case diagonalVector
    /// `diag(·)` as written: `diagm` of a vector or row vector, `diagv` of a square matrix,
    /// a scalar itself (MATLAB's `diag`). Shape checking resolves it.
    case diagonal
    /// `softmax(M)`: `exp(M) ./ sum(exp(M), 1)`, each column scaled to sum to 1 (a vector is
    /// one column, a row vector one row).
    case softmax
    /// `logsumexp(M)` → scalar: `log Σ_{i,j} exp(M[i,j])`.
    case logSumExp
    /// `vec(M)`, `m×n` → the `(n·m)`-vector of its columns stacked.
    case vec
    /// `numel(M)` → scalar: the number of entries.
    case numel
    /// `size(M, 1)` and `size(M, 2)` → scalar: the number of rows or of columns.
    case size(axis: Int)
    /// A built-in element-wise function (``ElementwiseFunction``).
    case elementwise(ElementwiseFunction)
    /// A declared element-wise function `sigma`, applied entry by entry.
    case declaredElementwise(String)
    /// `sigma'(M)`: the derivative of a declared element-wise function, entry by entry.
    case declaredElementwiseDerivative(String)
    /// A declared scalar function `lambda` of a matrix: `λ(M)` is a scalar.
    case declaredScalar(String)
    /// `grad_lambda(M)`: the gradient of a declared scalar function, shaped like `M`.
    case declaredScalarGradient(String)

    /// The name as written in the language (`tr`, `exp`, `sigma'`, `grad_lambda`; `sum` for
    /// all three sums, whose axis is a second argument).
    public var name: String {
        switch self {
        case .trace: return "tr"
        case .determinant: return "det"
        case .logDeterminant: return "logdet"
        case .inverse: return "inv"
        case .pseudoInverse: return "pinv"
        case .sum, .columnSums, .rowSums: return "sum"
        case .mean, .columnMeans, .rowMeans: return "mean"
        case .norm2: return "norm2"
        case .norm1: return "norm1"
        case .diagonalMatrix: return "diagm"
        case .diagonalVector: return "diagv"
        case .diagonal: return "diag"
        case .softmax: return "softmax"
        case .logSumExp: return "logsumexp"
        case .vec: return "vec"
        case .numel: return "numel"
        case .size: return "size"
        case .elementwise(let function): return function.rawValue
        case .declaredElementwise(let name): return name
        case .declaredElementwiseDerivative(let name): return name + "'"
        case .declaredScalar(let name): return name
        case .declaredScalarGradient(let name): return "grad_" + name
        }
    }

    /// The second argument as written after the matrix: the axis of `sum(M, 1)`,
    /// `mean(M, 2)`, `size(M, 1)`; `nil` for a function of one argument.
    public var axisArgument: Int? {
        switch self {
        case .columnSums, .columnMeans: return 1
        case .rowSums, .rowMeans: return 2
        case .size(let axis): return axis
        default: return nil
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

    /// True for the functions whose value depends on the argument's shape only (`numel`,
    /// `size`): constant with respect to every variable.
    public var dependsOnShapeOnly: Bool {
        switch self {
        case .numel, .size: return true
        default: return false
        }
    }

    /// The built-in functions of one argument by name (element-wise ones included); the
    /// aliases `trace` and `diag` too. `sum` and `mean` are the whole-matrix forms; their
    /// axis forms take a second argument.
    public static let builtins: [String: MatrixFunction] = {
        var table: [String: MatrixFunction] = [
            "tr": .trace, "trace": .trace, "det": .determinant, "logdet": .logDeterminant,
            "inv": .inverse, "pinv": .pseudoInverse, "sum": .sum, "mean": .mean, "norm2": .norm2,
            "norm1": .norm1, "diagm": .diagonalMatrix, "diagv": .diagonalVector, "diag": .diagonal,
            "softmax": .softmax, "logsumexp": .logSumExp, "vec": .vec, "numel": .numel,
        ]
        for function in ElementwiseFunction.allCases { table[function.rawValue] = .elementwise(function) }
        return table
    }()
}

/// A built-in function of two matrix arguments.
public enum BinaryFunction: String, Hashable, Sendable, CaseIterable {
    /// `max(A, B)`: the entry-wise maximum, broadcasting (`max(X, 0)` is `relu(X)`).
    case maximum = "max"
    /// `min(A, B)`: the entry-wise minimum, broadcasting.
    case minimum = "min"
    /// `kron(A, B)`: the Kronecker product, `(m·p)×(n·q)` for `m×n` `A` and `p×q` `B`, with
    /// `kron(A, B)[(a,b),(c,d)] = A[a,c] B[b,d]`.
    case kron

    /// The name as written.
    public var name: String { rawValue }
}

/// The built-in element-wise functions.
public enum ElementwiseFunction: String, Hashable, Sendable, CaseIterable {
    case exp, log, sin, cos, tanh, sqrt, abs, sigmoid, relu, softplus
    case sign, step, tan, asin, acos, atan, sinh, cosh, log1p
}
