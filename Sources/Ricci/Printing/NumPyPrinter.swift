// The NumPy printer: Python code that evaluates an expression.

/// Prints a ``MatrixExpr`` as a Python expression over NumPy arrays, with `numpy` imported
/// as `np`: `2 * X.T @ (X @ W - Y)`.
///
/// Convention: every value is a 2-D array. Matrices are `m×n`, vectors `n×1` columns,
/// scalars `1×1` arrays, which broadcast against any shape. The scalars that `np.trace`,
/// `np.linalg.det`, `np.linalg.slogdet`, `np.sum` and `np.linalg.norm` return are NumPy
/// scalars rather than `1×1` arrays; they are left that way, since they broadcast alike in
/// every operation printed here and a scalar never meets `@`. Number literals are Python
/// numbers. The functions that require a 2-D array (`np.trace`, `np.linalg.det`,
/// `np.linalg.slogdet`, `np.linalg.inv`, `np.diag`) get a scalar argument through
/// `np.atleast_2d`, which makes either kind of scalar a `1×1` array.
///
/// Notation:
///
/// | expression | printed |
/// | --- | --- |
/// | `A*B` | `A @ B` when both sides are non-scalar (decided by `isScalar`; a constant made of numbers is always scalar), else `A * B` |
/// | `A .* B`, `A ./ B`, `A / s` | `A * B`, `A / B`, `A / s` |
/// | `A + B`, `A - B`, `-A` | `A + B`, `A - B`, `-A` |
/// | `s^2`, `s^(-1)`, `A.^(1/3)` | `s ** 2`, `s ** -1.0` (NumPy refuses integer arrays to negative integer powers), `A ** (1 / 3)` |
/// | `A'` | `A.T`; a constant made of numbers is its own transpose and has no `.T` |
/// | `tr det logdet inv sum norm2` | `np.trace`, `np.linalg.det`, `np.linalg.slogdet(M)[1]`, `np.linalg.inv`, `np.sum`, `np.linalg.norm` (Frobenius, the Euclidean norm of a column) |
/// | `diagm(v)`, `diagv(M)` | `np.diagflat(v)`, `np.diag(M).reshape(-1, 1)` |
/// | `exp log sin cos tanh sqrt abs` | `np.exp(M)` … `np.abs(M)` |
/// | `sigmoid relu softplus` | `1 / (1 + np.exp(-M))`, `np.maximum(M, 0)`, `np.logaddexp(0, M)` |
/// | `sigma(M)`, `sigma'(M)`, `lambda(M)`, `grad_lambda(M)` | `sigma(M)`, `sigma_prime(M)`, `lambda_(M)`, `grad_lambda(M)`: functions the caller defines |
/// | `I(n)`, `ones(m,n)` | `np.eye(n)`, `np.ones((m, n))`: dimension names are Python names the caller defines |
/// | `1/2`, `1/3` | `0.5`, `1 / 3` |
///
/// Names are kept, except that a Python keyword or `np` gets a trailing underscore
/// (`lambda` → `lambda_`). Parentheses follow Python's precedence (`**` over unary `-` over
/// `* @ /` over `+ -`, all binary operators left-associative but `**`), so the code computes
/// exactly the tree, in its order. Two more parentheses are for legibility only: a right
/// operand that starts with `-` (`A * (-b)`), and an entry-wise `*` or `/` next to `@` on its
/// left (`(A * B) @ C`, `(A @ B) * C`), where Python's equal precedence of `*` and `@` is
/// easily misread.
public enum NumPyPrinter {
    /// The expression as one Python expression. `isScalar` tells whether a sub-expression is
    /// a scalar (`1×1`), which makes `*` a scaling (`*`) rather than a matrix product (`@`).
    /// `isRowVector` tells whether a sub-expression is a `1×n` row, which `softmax` normalises
    /// along the row instead of down the columns.
    public static func print(
        _ expr: MatrixExpr, isScalar: @escaping (MatrixExpr) -> Bool,
        isRowVector: @escaping (MatrixExpr) -> Bool = { _ in false }
    ) -> String {
        piece(expr, ShapeTests(isScalar: isScalar, isRowVector: isRowVector)).text
    }

    /// What the printer needs to know of a sub-expression's shape.
    struct ShapeTests {
        let isScalar: (MatrixExpr) -> Bool
        let isRowVector: (MatrixExpr) -> Bool

        func callAsFunction(_ expr: MatrixExpr) -> Bool { isScalar(expr) }
    }

    /// Python's binding levels, loosest first.
    enum Level: Int, Comparable {
        case sum = 1, term, unary, power, primary
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    struct Piece {
        var text: String
        var level: Level
    }

    typealias ScalarTest = ShapeTests

    static func piece(_ expr: MatrixExpr, _ isScalar: ScalarTest) -> Piece {
        switch expr {
        case .number(let value):
            return number(value)
        case .variable(let name):
            return Piece(text: pythonName(name), level: .primary)
        case .add(let a, let b):
            return binary(a, " + ", b, level: .sum, isScalar)
        case .subtract(let a, let b):
            return binary(a, " - ", b, level: .sum, isScalar)
        case .negate(let a):
            return Piece(text: "-" + unaryOperand(a, isScalar).text, level: .unary)
        case .multiply(let a, let b):
            if isMatrixProduct(expr, isScalar) {
                return binary(a, " @ ", b, level: .term, isScalar, groupingLeft: isElementwise(a))
            }
            return binary(a, " * ", b, level: .term, isScalar)
        case .hadamard(let a, let b):
            return binary(a, " * ", b, level: .term, isScalar, groupingLeft: isMatrixProduct(a, isScalar))
        case .elementwiseDivide(let a, let b):
            return binary(a, " / ", b, level: .term, isScalar, groupingLeft: isMatrixProduct(a, isScalar))
        case .divide(let a, let b):
            return binary(a, " / ", b, level: .term, isScalar)
        case .power(let a, let exponent) where !isNumericConstant(a) && !isScalar(a):
            return Piece(
                text: "np.linalg.matrix_power(" + piece(a, isScalar).text + ", \(exponent.numerator))", level: .primary)
        case .power(let a, let exponent), .elementwisePower(let a, let exponent):
            let base = operand(a, atLeast: .primary, isScalar)
            return Piece(text: base.text + " ** " + exponentText(exponent), level: .power)
        case .powerBy(let a, let t), .elementwisePowerBy(let a, let t):
            let base = operand(a, atLeast: .primary, isScalar)
            return Piece(text: base.text + " ** " + operand(t, atLeast: .primary, isScalar).text, level: .power)
        case .transpose(let a):
            if isNumericConstant(a) { return piece(a, isScalar) }
            return Piece(text: operand(a, atLeast: .primary, isScalar).text + ".T", level: .primary)
        case .apply(let function, let a):
            return apply(function, a, isScalar)
        case .apply2(let function, let a, let b):
            let name: String
            switch function {
            case .maximum: name = "np.maximum"
            case .minimum: name = "np.minimum"
            case .kron: name = "np.kron"
            }
            return Piece(
                text: name + "(" + piece(a, isScalar).text + ", " + piece(b, isScalar).text + ")", level: .primary)
        case .identity(let n):
            return Piece(text: "np.eye(" + dimension(n) + ")", level: .primary)
        case .ones(let m, let n):
            return Piece(text: "np.ones((" + dimension(m) + ", " + dimension(n) + "))", level: .primary)
        case .zeros(let m, let n):
            return Piece(text: "np.zeros((" + dimension(m) + ", " + dimension(n) + "))", level: .primary)
        case .commutation(let m, let n):
            // Row i·n + j of K has its 1 in column j·m + i: the identity's rows permuted.
            let (m, n) = (dimension(m), dimension(n))
            return Piece(
                text: "np.eye(\(m) * \(n))[np.arange(\(m) * \(n)).reshape(\(n), \(m)).T.ravel()]", level: .primary)
        case .sizeless(let constant):
            return Piece(text: "np." + (constant == .identity ? "eye" : constant.rawValue) + "()", level: .primary)
        }
    }

    /// `expr` printed at `minimum` or tighter, parenthesised when it binds more loosely.
    static func operand(_ expr: MatrixExpr, atLeast minimum: Level, _ isScalar: ScalarTest) -> Piece {
        let result = piece(expr, isScalar)
        return result.level >= minimum ? result : group(result)
    }

    static func group(_ inner: Piece) -> Piece {
        Piece(text: "(" + inner.text + ")", level: .primary)
    }

    /// The operand of unary `-` (or of a binary operator's right side): parenthesised when it
    /// starts with a sign itself, so that the code never shows `--x` or `a * -b`.
    static func unaryOperand(_ expr: MatrixExpr, _ isScalar: ScalarTest) -> Piece {
        let result = operand(expr, atLeast: .unary, isScalar)
        return result.text.hasPrefix("-") ? group(result) : result
    }

    /// A left-associative binary operator: the left operand may sit at the operator's level
    /// (unless `groupingLeft`), the right one must bind tighter.
    static func binary(
        _ a: MatrixExpr, _ symbol: String, _ b: MatrixExpr, level: Level, _ isScalar: ScalarTest,
        groupingLeft: Bool = false
    ) -> Piece {
        var left = operand(a, atLeast: level, isScalar)
        if groupingLeft && left.level == level { left = group(left) }
        var right = operand(b, atLeast: Level(rawValue: level.rawValue + 1)!, isScalar)
        if right.text.hasPrefix("-") { right = group(right) }
        return Piece(text: left.text + symbol + right.text, level: level)
    }

    static func call(_ name: String, _ argument: MatrixExpr, _ isScalar: ScalarTest) -> Piece {
        Piece(text: name + "(" + piece(argument, isScalar).text + ")", level: .primary)
    }

    /// A function that needs a 2-D argument: a scalar argument, which may be a NumPy scalar
    /// or a Python number, is made a `1×1` array first (`np.trace(np.atleast_2d(s))`).
    static func matrixCall(_ name: String, _ argument: MatrixExpr, _ isScalar: ScalarTest) -> Piece {
        guard isNumericConstant(argument) || isScalar(argument) else { return call(name, argument, isScalar) }
        return Piece(
            text: name + "(np.atleast_2d(" + piece(argument, isScalar).text + "))", level: .primary)
    }

    static func apply(_ function: MatrixFunction, _ a: MatrixExpr, _ isScalar: ScalarTest) -> Piece {
        switch function {
        case .trace: return matrixCall("np.trace", a, isScalar)
        case .determinant: return matrixCall("np.linalg.det", a, isScalar)
        case .logDeterminant:
            // slogdet returns (sign, log|det|); log det is defined where det > 0, sign 1.
            var result = matrixCall("np.linalg.slogdet", a, isScalar)
            result.text += "[1]"
            return result
        case .inverse: return matrixCall("np.linalg.inv", a, isScalar)
        case .pseudoInverse: return matrixCall("np.linalg.pinv", a, isScalar)
        case .sum: return call("np.sum", a, isScalar)
        case .mean: return call("np.mean", a, isScalar)
        case .columnSums, .rowSums, .columnMeans, .rowMeans:
            let name = function.name == "sum" ? "np.sum" : "np.mean"
            let axis = function.axisArgument == 1 ? 0 : 1
            return Piece(text: name + "(" + piece(a, isScalar).text + ", axis=\(axis), keepdims=True)", level: .primary)
        case .numel:
            return Piece(text: "np.size(" + piece(a, isScalar).text + ")", level: .primary)
        case .size:
            let axis = function.axisArgument == 1 ? 0 : 1
            return Piece(text: "np.shape(np.atleast_2d(" + piece(a, isScalar).text + "))[\(axis)]", level: .primary)
        case .norm2: return call("np.linalg.norm", a, isScalar)
        case .norm1:
            return Piece(text: "np.sum(np.abs(" + piece(a, isScalar).text + "))", level: .primary)
        case .logSumExp:
            // log Σ exp without overflow: NumPy's reduction of logaddexp.
            return Piece(text: "np.logaddexp.reduce(" + piece(a, isScalar).text + ", axis=None)", level: .primary)
        case .softmax:
            // exp(X − max) / Σ exp(X − max), down the columns (along a row vector).
            let axis = isScalar.isRowVector(a) ? 1 : 0
            let argument = piece(a, isScalar).text
            let shifted = "np.exp(\(argument) - np.max(\(argument), axis=\(axis), keepdims=True))"
            return Piece(text: shifted + " / np.sum(" + shifted + ", axis=\(axis), keepdims=True)", level: .term)
        case .vec:
            return Piece(text: "np.reshape(" + piece(a, isScalar).text + ", (-1, 1), order=\"F\")", level: .primary)
        case .diagonalMatrix, .diagonal: return call("np.diagflat", a, isScalar)
        case .diagonalVector:
            // np.diag of a 2-D array is 1-D; reshape keeps the column convention.
            var result = matrixCall("np.diag", a, isScalar)
            result.text += ".reshape(-1, 1)"
            return result
        case .elementwise(let builtin):
            switch builtin {
            case .exp, .log, .sin, .cos, .tan, .tanh, .sinh, .cosh, .sqrt, .abs, .sign, .log1p:
                return call("np." + builtin.rawValue, a, isScalar)
            case .asin, .acos, .atan:
                return call("np.arc" + builtin.rawValue.dropFirst(), a, isScalar)
            case .step:
                return Piece(text: "np.heaviside(" + piece(a, isScalar).text + ", 0)", level: .primary)
            case .sigmoid:
                let exponent = "-" + unaryOperand(a, isScalar).text
                return Piece(text: "1 / (1 + np.exp(" + exponent + "))", level: .term)
            case .relu:
                return Piece(text: "np.maximum(" + piece(a, isScalar).text + ", 0)", level: .primary)
            case .softplus:
                // log(1 + e^x) without overflow for large x.
                return Piece(text: "np.logaddexp(0, " + piece(a, isScalar).text + ")", level: .primary)
            }
        case .declaredElementwise(let name), .declaredScalar(let name):
            return call(pythonName(name), a, isScalar)
        case .declaredElementwiseDerivative(let name):
            return call(name + "_prime", a, isScalar)
        case .declaredScalarGradient(let name):
            return call("grad_" + name, a, isScalar)
        }
    }

    /// True for a product printed as `@`: neither side a scalar.
    static func isMatrixProduct(_ expr: MatrixExpr, _ isScalar: ScalarTest) -> Bool {
        guard case .multiply(let a, let b) = expr else { return false }
        return !(isNumericConstant(a) || isNumericConstant(b) || isScalar(a) || isScalar(b))
    }

    /// True for an entry-wise product or quotient, printed as `*` or `/` between matrices.
    static func isElementwise(_ expr: MatrixExpr) -> Bool {
        if case .hadamard = expr { return true }
        if case .elementwiseDivide = expr { return true }
        return false
    }

    /// True when `expr` is built from number literals only: a Python number, always a scalar.
    static func isNumericConstant(_ expr: MatrixExpr) -> Bool {
        switch expr {
        case .number: return true
        case .variable, .apply, .apply2, .identity, .ones, .zeros, .commutation, .sizeless: return false
        case .add, .subtract, .negate, .multiply, .hadamard, .elementwiseDivide, .divide, .power,
            .elementwisePower, .powerBy, .elementwisePowerBy, .transpose:
            return expr.children.allSatisfy(isNumericConstant)
        }
    }

    /// Python's keywords, and `np`, which the code uses for NumPy.
    static let reservedNames: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield", "np",
    ]

    /// A name as a Python identifier: reserved names get a trailing underscore.
    static func pythonName(_ name: String) -> String {
        reservedNames.contains(name) ? name + "_" : name
    }

    static func dimension(_ dimension: Dimension) -> String {
        switch dimension {
        case .fixed(let size): return String(size)
        case .named(let name): return pythonName(name)
        case .product(let outer, let inner): return self.dimension(outer) + " * " + self.dimension(inner)
        }
    }

    /// `2`, `-2`, `0.5`, or a division `1 / 3` when the decimal does not terminate.
    static func number(_ value: Rational) -> Piece {
        guard value.isValid else { return Piece(text: "float(\"nan\")", level: .primary) }
        if let decimal = value.terminatingDecimal {
            return Piece(text: decimal, level: value.isNegative ? .unary : .primary)
        }
        return Piece(text: "\(value.numerator) / \(value.denominator)", level: .term)
    }

    /// An exponent after `**`: `2`, `-1.0`, `0.5`, `(1 / 3)`. A negative integer exponent is
    /// written as a float because NumPy refuses integer arrays to negative integer powers.
    static func exponentText(_ value: Rational) -> String {
        if value.isInteger && value.isNegative { return "\(value.numerator).0" }
        let result = number(value)
        return result.level == .term ? group(result).text : result.text
    }
}
