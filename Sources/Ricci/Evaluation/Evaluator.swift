// Numeric evaluation of a matrix expression at concrete sizes and values.

import Foundation

/// Evaluates a ``MatrixExpr`` at concrete sizes and values, with the semantics of the
/// language (`LANGUAGE.md`) and of the corpus checker's NumPy evaluator:
///
/// - Every value is an order-2 ``Tensor``: a matrix `m×n`, a vector `n×1`, a scalar `1×1`.
/// - `A*B` is the matrix product, or scaling when either side is `1×1`; `A.*B` and `A./B`
///   need equal shapes or a `1×1` side (which is broadcast); `A/s` and `s^c` need a `1×1`
///   `s`; `A + B` and `A − B` need equal shapes; `A.^c` raises every entry to `c`.
/// - Floating-point rules decide values outside a function's domain instead of errors:
///   `log` or `sqrt` of a negative entry, a fractional power of a negative entry, `logdet`
///   of a matrix with `det ≤ 0` are NaN, and `inv` of a singular matrix is all NaN.
///   Only what the input gets wrong (an unknown name, shapes that do not fit) throws.
/// - Declared functions evaluate through the fixed stand-ins of ``StandInFunctions``.
public struct Evaluator: Sendable {
    /// The largest size a dimension may have. Verification uses sizes 2–6; the bound only
    /// keeps a mistyped literal (`I(100000000)`) from exhausting memory.
    public static let maximumDimension = 10_000
    /// The largest number of entries of one value (2²², 32 MiB of `Double`s), for the same
    /// reason: an outer product of two long vectors is checked before it is allocated.
    public static let maximumEntryCount = 1 << 22

    /// The size of every dimension symbol (`m`, `k`) the expression uses.
    public var sizes: [String: Int]
    /// The value of every variable: an order-2 tensor (a vector `n×1`, a scalar `1×1`).
    /// Order 0 and order 1 values are also accepted, as `1×1` and `n×1`.
    public var values: [String: Tensor]

    /// An evaluator with these sizes and values.
    public init(sizes: [String: Int] = [:], values: [String: Tensor] = [:]) {
        self.sizes = sizes
        self.values = values
    }

    /// The value of `expr`: always an order-2 tensor (`1×1` for a scalar).
    ///
    /// - Throws: ``EvaluationError`` for an unknown variable or dimension, shapes that do not
    ///   fit an operation, or a value too large to allocate.
    public func evaluate(_ expr: MatrixExpr) throws -> Tensor {
        try evaluateNode(expr, expr.children.map(evaluate))
    }

    /// The value of the node `expr` whose children (in the order of ``MatrixExpr/children``)
    /// have the values `operands`: one step of ``evaluate(_:)``, for walks that evaluate each
    /// distinct sub-expression once.
    func evaluateNode(_ expr: MatrixExpr, _ operands: [Tensor]) throws -> Tensor {
        switch expr {
        case .number(let value):
            return .scalar(value.doubleValue)
        case .variable(let name):
            return try value(of: name)
        case .add:
            return try broadcast("+", operands[0], operands[1], +)
        case .subtract:
            return try broadcast("-", operands[0], operands[1], -)
        case .negate:
            return -operands[0]
        case .multiply:
            return try product(operands[0], operands[1])
        case .hadamard:
            return try broadcast(".*", operands[0], operands[1], *)
        case .elementwiseDivide:
            return try broadcast("./", operands[0], operands[1], /)
        case .divide:
            let (dividend, divisor) = (operands[0], operands[1])
            guard divisor.isScalarValue else { throw EvaluationError(.notScalar(operation: "/", shape: divisor.shape)) }
            let d = divisor.scalarValue
            return dividend.map { $0 / d }
        case .power(_, let exponent):
            let value = operands[0]
            if value.isScalarValue { return value.map { Foundation.pow($0, exponent.doubleValue) } }
            guard value.rows == value.columns, exponent.isInteger else {
                throw EvaluationError(.notScalar(operation: "^", shape: value.shape))
            }
            return value.matrixPower(exponent.numerator)
        case .elementwisePower(_, let exponent):
            let c = exponent.doubleValue
            return operands[0].map { Foundation.pow($0, c) }
        case .powerBy:
            let (value, t) = (operands[0], operands[1])
            guard value.isScalarValue else { throw EvaluationError(.notScalar(operation: "^", shape: value.shape)) }
            guard t.isScalarValue else { throw EvaluationError(.notScalar(operation: "^", shape: t.shape)) }
            return .scalar(Foundation.pow(value.scalarValue, t.scalarValue))
        case .elementwisePowerBy:
            let (value, t) = (operands[0], operands[1])
            guard t.isScalarValue else { throw EvaluationError(.notScalar(operation: ".^", shape: t.shape)) }
            let c = t.scalarValue
            return value.map { Foundation.pow($0, c) }
        case .transpose:
            return operands[0].transposed
        case .apply(let function, _):
            return try apply(function, to: operands[0])
        case .apply2(let function, _, _):
            let (a, b) = (operands[0], operands[1])
            switch function {
            case .maximum:
                // NaN stays NaN, as NumPy's `maximum`.
                return try broadcast("max", a, b) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            case .minimum:
                return try broadcast("min", a, b) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            case .kron:
                try Evaluator.checkEntryCount(rows: a.rows * b.rows, columns: a.columns * b.columns)
                return a.kroneckerProduct(b)
            }
        case .identity(let dimension):
            let n = try size(of: dimension)
            try Evaluator.checkEntryCount(rows: n, columns: n)
            return .identity(n)
        case .ones(let rows, let columns), .zeros(let rows, let columns):
            let (m, n) = try (size(of: rows), size(of: columns))
            try Evaluator.checkEntryCount(rows: m, columns: n)
            if case .zeros = expr { return Tensor(shape: [m, n], repeating: 0) }
            return Tensor(shape: [m, n], repeating: 1)
        case .commutation(let rows, let columns):
            let (m, n) = try (size(of: rows), size(of: columns))
            try Evaluator.checkEntryCount(rows: m * n, columns: m * n)
            // K vec(A) = vec(A') for an m×n A: row i·n + j has its 1 in column j·m + i.
            var result = Tensor(shape: [m * n, m * n], repeating: 0)
            for i in 0..<m { for j in 0..<n { result[i * n + j, j * m + i] = 1 } }
            return result
        case .sizeless(let constant):
            throw EvaluationError(.unknownDimension(constant.rawValue + "()"))
        }
    }

    // MARK: - Sizes and values

    /// The size of `dimension`: a literal's value, or the size given to a symbol.
    ///
    /// - Throws: ``EvaluationError`` for a symbol without a size, or a size outside
    ///   `1...maximumDimension`.
    public func size(of dimension: Dimension) throws -> Int {
        let size: Int
        switch dimension {
        case .fixed(let value):
            size = value
        case .named(let name):
            guard let value = sizes[name] else { throw EvaluationError(.unknownDimension(name)) }
            size = value
        case .product(let outer, let inner):
            let (product, overflow) = try self.size(of: outer).multipliedReportingOverflow(by: self.size(of: inner))
            size = overflow ? Int.max : product
        }
        guard (1...Evaluator.maximumDimension).contains(size) else {
            throw EvaluationError(.invalidSize(dimension: dimension.description, size: size))
        }
        return size
    }

    /// `(rows, columns)` of `shape` at these sizes.
    public func size(of shape: Shape) throws -> (rows: Int, columns: Int) {
        try (size(of: shape.rows), size(of: shape.columns))
    }

    /// The value of the variable `name` as an order-2 tensor.
    private func value(of name: String) throws -> Tensor {
        guard let value = values[name] else { throw EvaluationError(.unknownVariable(name)) }
        switch value.order {
        case 0: return value.reshaped([1, 1])
        case 1: return value.reshaped([value.shape[0], 1])
        case 2: return value
        default: throw EvaluationError(.invalidValue(name: name, shape: value.shape))
        }
    }

    /// Throws unless a `rows × columns` value has at most ``maximumEntryCount`` entries.
    static func checkEntryCount(rows: Int, columns: Int) throws {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, count <= maximumEntryCount else {
            throw EvaluationError(.tooLarge(rows: rows, columns: columns))
        }
    }

    // MARK: - Operators

    /// `A ∘ B` entry by entry for equal shapes (`+`, `-`).
    private func sameShape(_ operation: String, _ a: Tensor, _ b: Tensor,
                           _ combine: (Double, Double) -> Double) throws -> Tensor {
        guard a.shape == b.shape else {
            throw EvaluationError(.shapeMismatch(operation: operation, left: a.shape, right: b.shape))
        }
        return a.zipWith(b, combine)
    }

    /// `A ∘ B` entry by entry, broadcasting as NumPy does on two axes: an axis of size 1 on
    /// one side stretches to the other side's size (`+`, `-`, `.*`, `./`, `max`, `min`).
    private func broadcast(_ operation: String, _ a: Tensor, _ b: Tensor,
                           _ combine: (Double, Double) -> Double) throws -> Tensor {
        if a.shape == b.shape { return a.zipWith(b, combine) }
        if a.isScalarValue {
            let s = a.scalarValue
            return b.map { combine(s, $0) }
        }
        if b.isScalarValue {
            let s = b.scalarValue
            return a.map { combine($0, s) }
        }
        func stretched(_ x: Int, _ y: Int) -> Int? { x == y ? x : x == 1 ? y : y == 1 ? x : nil }
        guard let rows = stretched(a.rows, b.rows), let columns = stretched(a.columns, b.columns) else {
            throw EvaluationError(.shapeMismatch(operation: operation, left: a.shape, right: b.shape))
        }
        try Evaluator.checkEntryCount(rows: rows, columns: columns)
        var result = Tensor(shape: [rows, columns], repeating: 0)
        for i in 0..<rows {
            for j in 0..<columns {
                result[i, j] = combine(a[a.rows == 1 ? 0 : i, a.columns == 1 ? 0 : j],
                                       b[b.rows == 1 ? 0 : i, b.columns == 1 ? 0 : j])
            }
        }
        return result
    }

    /// `A*B`: scaling when either side is `1×1`, else the matrix product.
    private func product(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.isScalarValue {
            let s = a.scalarValue
            return b.map { s * $0 }
        }
        if b.isScalarValue {
            let s = b.scalarValue
            return a.map { $0 * s }
        }
        guard a.columns == b.rows else {
            throw EvaluationError(.shapeMismatch(operation: "*", left: a.shape, right: b.shape))
        }
        try Evaluator.checkEntryCount(rows: a.rows, columns: b.columns)
        return a.matrixProduct(b)
    }

    // MARK: - Functions

    /// `f(M)` for a built-in or declared function.
    private func apply(_ function: MatrixFunction, to m: Tensor) throws -> Tensor {
        switch function {
        case .trace:
            try requireSquare(function, m)
            return .scalar(m.trace)
        case .determinant:
            try requireSquare(function, m)
            return .scalar(m.determinant)
        case .logDeterminant:
            try requireSquare(function, m)
            return .scalar(m.logDeterminant)
        case .inverse:
            try requireSquare(function, m)
            return m.inverse()
        case .pseudoInverse:
            return m.pseudoInverse()
        case .sum:
            return .scalar(m.scalars.reduce(0, +))
        case .mean:
            return .scalar(m.scalars.reduce(0, +) / Double(m.count))
        case .columnSums, .columnMeans:
            var result = Tensor(shape: [1, m.columns], repeating: 0)
            for i in 0..<m.rows { for j in 0..<m.columns { result.scalars[j] += m[i, j] } }
            return function == .columnMeans ? result.map { $0 / Double(m.rows) } : result
        case .rowSums, .rowMeans:
            var result = Tensor(shape: [m.rows, 1], repeating: 0)
            for i in 0..<m.rows { for j in 0..<m.columns { result.scalars[i] += m[i, j] } }
            return function == .rowMeans ? result.map { $0 / Double(m.columns) } : result
        case .norm2:
            return .scalar(m.frobeniusNorm)
        case .norm1:
            return .scalar(m.scalars.reduce(0) { $0 + Swift.abs($1) })
        case .logSumExp:
            // log Σ exp(x) = max + log Σ exp(x − max): no overflow.
            guard let largest = m.scalars.max(), largest.isFinite else {
                return .scalar(Foundation.log(m.scalars.reduce(0) { $0 + Foundation.exp($1) }))
            }
            return .scalar(largest + Foundation.log(m.scalars.reduce(0) { $0 + Foundation.exp($1 - largest) }))
        case .softmax:
            return m.softmax()
        case .vec:
            return .vector((0..<m.columns).flatMap { j in (0..<m.rows).map { i in m[i, j] } })
        case .numel:
            return .scalar(Double(m.count))
        case .size(let axis):
            return .scalar(Double(axis == 1 ? m.rows : m.columns))
        case .diagonalMatrix:
            guard m.columns == 1 || m.rows == 1 else {
                throw EvaluationError(.notVector(operation: function.name, shape: m.shape))
            }
            try Evaluator.checkEntryCount(rows: m.count, columns: m.count)
            var result = Tensor(shape: [m.count, m.count], repeating: 0)
            for i in 0..<m.count { result[i, i] = m.scalars[i] }
            return result
        case .diagonalVector:
            try requireSquare(function, m)
            return .vector((0..<m.rows).map { m[$0, $0] })
        case .diagonal:
            // MATLAB's diag: the diagonal of a matrix, the diagonal matrix of a vector.
            if m.rows > 1 && m.columns > 1 { return try apply(.diagonalVector, to: m) }
            return try apply(.diagonalMatrix, to: m)
        case .elementwise(let elementwise):
            return m.map(Evaluator.function(elementwise))
        case .declaredElementwise(let name):
            return StandInFunctions.elementwise(name, m)
        case .declaredElementwiseDerivative(let name):
            return StandInFunctions.elementwiseDerivative(name, m)
        case .declaredScalar(let name):
            return .scalar(StandInFunctions.scalar(name, m))
        case .declaredScalarGradient(let name):
            return StandInFunctions.scalarGradient(name, m)
        }
    }

    /// Throws unless `m` is square.
    private func requireSquare(_ function: MatrixFunction, _ m: Tensor) throws {
        guard m.rows == m.columns else {
            throw EvaluationError(.notSquare(operation: function.name, shape: m.shape))
        }
    }

    /// The scalar function behind a built-in element-wise function.
    static func function(_ function: ElementwiseFunction) -> @Sendable (Double) -> Double {
        switch function {
        case .exp: return { Foundation.exp($0) }
        case .log: return { Foundation.log($0) }
        case .sin: return { Foundation.sin($0) }
        case .cos: return { Foundation.cos($0) }
        case .tanh: return { Foundation.tanh($0) }
        case .sqrt: return { Foundation.sqrt($0) }
        case .abs: return { Swift.abs($0) }
        // 1/(1 + e^(−x)) for x ≥ 0 and e^x/(1 + e^x) below: neither overflows, and a very
        // negative x keeps its relative precision (½(1 + tanh(x/2)) rounds σ(−36) to 0).
        case .sigmoid:
            return { x in
                if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
                let e = Foundation.exp(x)
                return e / (1 + e)
            }
        // NaN stays NaN, as NumPy's `maximum`.
        case .relu: return { $0.isNaN ? $0 : Swift.max($0, 0) }
        // log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): no overflow for large x, no loss for
        // very negative x (NumPy's `logaddexp(0, x)`).
        case .softplus: return { $0.isNaN ? $0 : Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }
        case .sign: return { $0.isNaN ? $0 : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
        case .step: return { $0.isNaN ? $0 : ($0 > 0 ? 1 : 0) }
        case .tan: return { Foundation.tan($0) }
        case .asin: return { Foundation.asin($0) }
        case .acos: return { Foundation.acos($0) }
        case .atan: return { Foundation.atan($0) }
        case .sinh: return { Foundation.sinh($0) }
        case .cosh: return { Foundation.cosh($0) }
        case .log1p: return { Foundation.log1p($0) }
        }
    }
}
