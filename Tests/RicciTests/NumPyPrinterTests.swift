// The NumPy printer: golden output for every node and function, and the choice of `@` or `*`.

import Testing
@testable import Ricci

private let A = v("A"), B = v("B"), C = v("C"), D = v("D"), J = v("J"), R = v("R"), M = v("M")
private let W = v("W"), X = v("X"), Y = v("Y")
private let a = v("a"), b = v("b"), s = v("s"), t = v("t"), x = v("x")
private let lambda = v("lambda")
private let XW = mul(X, W)

/// What a test expression is, by the naming convention of the language: `s`, `t` and `lambda`
/// are scalars, other lower-case names column vectors, upper-case names matrices.
private enum Kind { case scalar, column, row, matrix }

private func kind(_ expr: MatrixExpr) -> Kind {
    switch expr {
    case .number:
        return .scalar
    case .variable(let name):
        if ["s", "t", "lambda"].contains(name) { return .scalar }
        return name.first!.isUppercase ? .matrix : .column
    case .add(let a, _), .subtract(let a, _), .negate(let a), .hadamard(let a, _),
        .elementwiseDivide(let a, _), .divide(let a, _), .power(let a, _), .elementwisePower(let a, _):
        return kind(a)
    case .multiply(let a, let b):
        switch (kind(a), kind(b)) {
        case (.scalar, let other), (let other, .scalar): return other
        case (.row, .column): return .scalar
        case (.column, .row): return .matrix
        case (.row, _): return .row
        case (_, .column): return .column
        default: return .matrix
        }
    case .transpose(let a):
        switch kind(a) {
        case .column: return .row
        case .row: return .column
        case let other: return other
        }
    case .powerBy:
        return .scalar
    case .elementwisePowerBy(let a, _):
        return kind(a)
    case .apply(let function, let a):
        switch function {
        case .trace, .determinant, .logDeterminant, .sum, .mean, .norm2, .norm1, .logSumExp, .numel, .size,
            .declaredScalar:
            return .scalar
        case .inverse, .pseudoInverse, .diagonalMatrix: return .matrix
        case .diagonalVector, .rowSums, .rowMeans, .vec: return .column
        case .columnSums, .columnMeans: return .row
        case .diagonal: return kind(a) == .matrix ? .column : .matrix
        case .elementwise, .softmax, .declaredElementwise, .declaredElementwiseDerivative, .declaredScalarGradient:
            return kind(a)
        }
    case .apply2(let function, let a, _):
        return function == .kron ? .matrix : kind(a)
    case .identity, .commutation, .sizeless:
        return .matrix
    case .ones(_, let n), .zeros(_, let n):
        return n.isOne ? .column : .matrix
    }
}

private func numpy(_ expr: MatrixExpr) -> String {
    NumPyPrinter.print(expr, isScalar: { kind($0) == .scalar })
}

@Suite struct NumPyPrinterTests {
    /// The seed targets.
    static let targets: [(MatrixExpr, String)] = [
        (mul(num(2), tr(X), sub(XW, Y)), "2 * X.T @ (X @ W - Y)"),
        (mul(num(2), tr(A), sub(mul(A, x), b)), "2 * A.T @ (A @ x - b)"),
        (add(
            mul(num(2), add(J, R),
                sub(mul(A, tr(A), tr(add(J, R)), add(J, R), A, tr(A)), mul(A, D, tr(A)))),
            mul(lambda, R)),
         "2 * (J + R) @ (A @ A.T @ (J + R).T @ (J + R) @ A @ A.T - A @ D @ A.T) + lambda_ * R"),
        (mul(had(f(.declaredScalarGradient("lambda"), f(.declaredElementwise("sigma"), XW)),
                 f(.declaredElementwiseDerivative("sigma"), XW)), tr(W)),
         "(grad_lambda(sigma(X @ W)) * sigma_prime(X @ W)) @ W.T"),
        (mul(num(1, 2), pow(f(.norm2, sub(mul(A, x), b)), 2)), "0.5 * np.linalg.norm(A @ x - b) ** 2"),
    ]

    @Test(arguments: targets)
    func seedTargets(expr: MatrixExpr, expected: String) {
        #expect(numpy(expr) == expected)
    }

    /// Numbers, names and constants.
    static let atoms: [(MatrixExpr, String)] = [
        (num(3), "3"),
        (num(1, 2), "0.5"),
        (num(-5, 4), "-1.25"),
        (num(1, 3), "1 / 3"),
        (num(-1, 3), "-1 / 3"),
        (num(-2), "-2"),
        (.number(.invalid), #"float("nan")"#),
        (X, "X"),
        (lambda, "lambda_"),
        (v("np"), "np_"),
        (v("class"), "class_"),
        (v("W1"), "W1"),
        (.identity(.named("n")), "np.eye(n)"),
        (.identity(.fixed(3)), "np.eye(3)"),
        (.identity(.named("lambda")), "np.eye(lambda_)"),
        (.ones(.named("m"), .one), "np.ones((m, 1))"),
        (.ones(.named("m"), .named("n")), "np.ones((m, n))"),
    ]

    @Test(arguments: atoms)
    func numbersAndNames(expr: MatrixExpr, expected: String) {
        #expect(numpy(expr) == expected)
    }

    /// Operators, parenthesised by Python's precedence and associativity.
    static let operators: [(MatrixExpr, String)] = [
        (add(A, add(B, C)), "A + (B + C)"),
        (add(add(A, B), C), "A + B + C"),
        (sub(A, sub(B, C)), "A - (B - C)"),
        (sub(sub(A, B), C), "A - B - C"),
        (add(a, neg(b)), "a + (-b)"),
        (neg(X), "-X"),
        (neg(neg(X)), "-(-X)"),
        (neg(add(A, B)), "-(A + B)"),
        (neg(mul(A, B)), "-(A @ B)"),
        (mul(neg(A), B), "-A @ B"),
        (mul(A, mul(B, C)), "A @ (B @ C)"),
        (mul(num(-2), X), "-2 * X"),
        (mul(X, num(-2)), "X * (-2)"),
        (mul(num(1, 3), X), "1 / 3 * X"),
        (mul(X, num(1, 3)), "X * (1 / 3)"),
        (had(A, B), "A * B"),
        (had(A, mul(B, C)), "A * (B @ C)"),
        (mul(had(A, B), C), "(A * B) @ C"),
        (ediv(A, B), "A / B"),
        (ediv(A, ediv(B, C)), "A / (B / C)"),
        (div(A, s), "A / s"),
        (div(A, mul(s, t)), "A / (s * t)"),
        (div(mul(lambda, R), num(2)), "lambda_ * R / 2"),
        (pow(t, 2), "t ** 2"),
        (pow(t, -1), "t ** -1.0"),
        (epow(X, -2), "X ** -2.0"),
        (pow(t, Rational(1, 2)), "t ** 0.5"),
        (pow(t, Rational(1, 3)), "t ** (1 / 3)"),
        (pow(add(s, t), 2), "(s + t) ** 2"),
        (pow(pow(t, 2), 3), "(t ** 2) ** 3"),
        (pow(num(-2), 2), "(-2) ** 2"),
        (neg(pow(t, 2)), "-t ** 2"),
        (pow(neg(t), 2), "(-t) ** 2"),
        (mul(s, pow(t, 2)), "s * t ** 2"),
        (epow(X, 2), "X ** 2"),
        (epow(sub(XW, Y), Rational(-1, 2)), "(X @ W - Y) ** -0.5"),
        (tr(X), "X.T"),
        (tr(sub(XW, Y)), "(X @ W - Y).T"),
        (tr(tr(X)), "X.T.T"),
        (tr(neg(X)), "(-X).T"),
        (tr(pow(t, 2)), "(t ** 2).T"),
        (tr(num(2)), "2"),
        (tr(mul(num(2), num(3))), "2 * 3"),
        (tr(f(.trace, X)), "np.trace(X).T"),
    ]

    @Test(arguments: operators)
    func operatorsAndPrecedence(expr: MatrixExpr, expected: String) {
        #expect(numpy(expr) == expected)
    }

    /// Every function, built in and declared.
    static let functions: [(MatrixExpr, String)] = [
        (f(.trace, XW), "np.trace(X @ W)"),
        (f(.determinant, X), "np.linalg.det(X)"),
        (f(.logDeterminant, X), "np.linalg.slogdet(X)[1]"),
        (pow(f(.logDeterminant, X), 2), "np.linalg.slogdet(X)[1] ** 2"),
        (f(.inverse, add(A, B)), "np.linalg.inv(A + B)"),
        (f(.sum, X), "np.sum(X)"),
        (f(.norm2, x), "np.linalg.norm(x)"),
        (f(.diagonalMatrix, v("v")), "np.diagflat(v)"),
        (f(.diagonalVector, M), "np.diag(M).reshape(-1, 1)"),
        (ew(.exp, X), "np.exp(X)"),
        (ew(.log, X), "np.log(X)"),
        (ew(.sin, X), "np.sin(X)"),
        (ew(.cos, X), "np.cos(X)"),
        (ew(.tanh, X), "np.tanh(X)"),
        (ew(.sqrt, X), "np.sqrt(X)"),
        (ew(.abs, X), "np.abs(X)"),
        (ew(.sigmoid, X), "1 / (1 + np.exp(-X))"),
        (ew(.sigmoid, XW), "1 / (1 + np.exp(-(X @ W)))"),
        (ew(.sigmoid, neg(X)), "1 / (1 + np.exp(-(-X)))"),
        (mul(A, ew(.sigmoid, X)), "A @ (1 / (1 + np.exp(-X)))"),
        (ew(.relu, XW), "np.maximum(X @ W, 0)"),
        (ew(.softplus, X), "np.logaddexp(0, X)"),
        (f(.declaredElementwise("sigma"), XW), "sigma(X @ W)"),
        (f(.declaredElementwiseDerivative("sigma"), XW), "sigma_prime(X @ W)"),
        (f(.declaredScalar("lambda"), X), "lambda_(X)"),
        (f(.declaredScalarGradient("lambda"), X), "grad_lambda(X)"),
        (mul(f(.declaredScalar("lambda"), X), A), "lambda_(X) * A"),
        (f(.trace, s), "np.trace(np.atleast_2d(s))"),
        (f(.inverse, mul(tr(x), x)), "np.linalg.inv(np.atleast_2d(x.T @ x))"),
        (f(.logDeterminant, f(.trace, X)), "np.linalg.slogdet(np.atleast_2d(np.trace(X)))[1]"),
        (f(.determinant, num(2)), "np.linalg.det(np.atleast_2d(2))"),
        (f(.diagonalVector, t), "np.diag(np.atleast_2d(t)).reshape(-1, 1)"),
        (f(.diagonalMatrix, t), "np.diagflat(t)"),
        (f(.norm2, t), "np.linalg.norm(t)"),
    ]

    @Test(arguments: functions)
    func everyFunction(expr: MatrixExpr, expected: String) {
        #expect(numpy(expr) == expected)
    }

    /// `*` is `@` exactly when neither side is a scalar.
    static let products: [(MatrixExpr, String)] = [
        (mul(A, B), "A @ B"),
        (mul(A, x), "A @ x"),
        (mul(s, A), "s * A"),
        (mul(A, s), "A * s"),
        (mul(tr(x), x), "x.T @ x"),
        (mul(x, tr(x)), "x @ x.T"),
        (mul(tr(x), A, x), "x.T @ A @ x"),
        (mul(mul(tr(x), x), A), "x.T @ x * A"),
        (mul(A, mul(tr(x), x)), "A * (x.T @ x)"),
        (mul(f(.trace, A), B), "np.trace(A) * B"),
        (mul(num(2), num(3)), "2 * 3"),
        (mul(X, num(2)), "X * 2"),
    ]

    @Test(arguments: products)
    func matrixProductOrScaling(expr: MatrixExpr, expected: String) {
        #expect(numpy(expr) == expected)
    }

    @Test func theClosureDecidesAndNumbersAreAlwaysScalars() {
        let product = mul(a, b)
        #expect(NumPyPrinter.print(product, isScalar: { _ in false }) == "a @ b")
        #expect(NumPyPrinter.print(product, isScalar: { $0 == a }) == "a * b")
        #expect(NumPyPrinter.print(product, isScalar: { $0 == b }) == "a * b")
        #expect(NumPyPrinter.print(mul(num(2), X), isScalar: { _ in false }) == "2 * X")
        #expect(NumPyPrinter.print(mul(X, neg(num(1, 2))), isScalar: { _ in false }) == "X * (-0.5)")
    }
}
