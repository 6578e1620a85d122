// Verification of derivatives: right ones pass, wrong ones fail, undefined ones are skipped.

import Foundation
import Testing
@testable import Ricci

@Suite struct VerificationTests {
    static let X = v("X"), W = v("W"), Y = v("Y"), A = v("A"), B = v("B"), S = v("S"), T = v("T"), D = v("D")
    static let x = v("x"), a = v("a"), b = v("b"), y = v("y"), alpha = v("alpha")
    static let m = Dimension.named("m"), k = Dimension.named("k"), nn = Dimension.named("n")

    /// X m×k, W k×n, Y m×n, A and B k×k, S k×k spd, T k×k symmetric, D k×k diagonal,
    /// x and a k-vectors, b and y m-vectors, alpha a scalar, Z m×3; `sigma` element-wise and
    /// `lambda` a scalar function of a matrix.
    static let environment: Environment = {
        let variables = [
            Variable(name: "X", shape: Shape(m, k), isDeclared: true),
            Variable(name: "W", shape: Shape(k, nn), isDeclared: true),
            Variable(name: "Y", shape: Shape(m, nn), isDeclared: true),
            Variable(name: "A", shape: Shape(k, k), isDeclared: true),
            Variable(name: "B", shape: Shape(k, k), isDeclared: true),
            Variable(name: "S", shape: Shape(k, k), property: .spd, isDeclared: true),
            Variable(name: "T", shape: Shape(k, k), property: .symmetric, isDeclared: true),
            Variable(name: "D", shape: Shape(k, k), property: .diagonal, isDeclared: true),
            Variable(name: "x", shape: .vector(k), isDeclared: true),
            Variable(name: "a", shape: .vector(k), isDeclared: true),
            Variable(name: "b", shape: .vector(m), isDeclared: true),
            Variable(name: "y", shape: .vector(m), isDeclared: true),
            Variable(name: "alpha", shape: .scalar, isDeclared: true),
            Variable(name: "Z", shape: Shape(m, .fixed(3)), isDeclared: true),
        ]
        return Environment(variables: Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) }),
                           functions: ["sigma": .elementwise, "lambda": .scalar])
    }()

    /// A derivative to take and verify: `d expr / d wrt` (or the Hessian), with hints.
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let expr: MatrixExpr
        let wrt: String
        var hessian = false
        var positive: Set<String> = []
        var increasing: [String] = []
        var testDescription: String { (hessian ? "hessian " : "d/d\(wrt) ") + label }

        func derivative() throws -> Derivative {
            let differentiator = Differentiator(expression: expr, environment: VerificationTests.environment)
            return try hessian ? differentiator.hessian(withRespectTo: wrt) : differentiator.derivative(withRespectTo: wrt)
        }

        var options: VerificationOptions { VerificationOptions(positive: positive, increasing: increasing) }
    }

    static let residual = sub(mul(X, W), Y)

    /// Gradients, Jacobians and Hessians that Ricci takes and that must verify.
    static let cases: [Case] = [
        // Gradients.
        Case(label: "tr((X*W - Y)*(X*W - Y)')", expr: f(.trace, mul(residual, tr(residual))), wrt: "W"),
        Case(label: "tr((X*W - Y)*(X*W - Y)')", expr: f(.trace, mul(residual, tr(residual))), wrt: "X"),
        Case(label: "b'*X*a", expr: mul(tr(b), X, a), wrt: "X"),
        Case(label: "x'*A*x", expr: mul(tr(x), A, x), wrt: "x"),
        Case(label: "x'*A*x", expr: mul(tr(x), A, x), wrt: "A"),
        Case(label: "x'*S*x", expr: mul(tr(x), S, x), wrt: "S"),
        Case(label: "tr(A*B)", expr: f(.trace, mul(A, B)), wrt: "A"),
        Case(label: "det(A)", expr: f(.determinant, A), wrt: "A"),
        Case(label: "logdet(S)", expr: f(.logDeterminant, S), wrt: "S"),
        Case(label: "logdet(X'*X)", expr: f(.logDeterminant, mul(tr(X), X)), wrt: "X", increasing: ["k", "m"]),
        Case(label: "tr(inv(A))", expr: f(.trace, f(.inverse, A)), wrt: "A"),
        Case(label: "a'*inv(S)*a", expr: mul(tr(a), f(.inverse, S), a), wrt: "S"),
        Case(label: "a'*inv(A)*a", expr: mul(tr(a), f(.inverse, A), a), wrt: "a"),
        Case(label: "tr(T*A)", expr: f(.trace, mul(T, A)), wrt: "T"),
        Case(label: "tr(D*A)", expr: f(.trace, mul(D, A)), wrt: "D"),
        Case(label: "norm2(X*W - Y)", expr: f(.norm2, residual), wrt: "W"),
        Case(label: "norm2(x)^2", expr: .power(f(.norm2, x), 2), wrt: "x"),
        Case(label: "sum(exp(X*W))", expr: f(.sum, ew(.exp, mul(X, W))), wrt: "W"),
        Case(label: "sum(log(X))", expr: f(.sum, ew(.log, X)), wrt: "X", positive: ["X"]),
        Case(label: "sum(sqrt(X))", expr: f(.sum, ew(.sqrt, X)), wrt: "X", positive: ["X"]),
        Case(label: "sum(sigmoid(X*a))", expr: f(.sum, ew(.sigmoid, mul(X, a))), wrt: "a"),
        Case(label: "sum(tanh(X*a))", expr: f(.sum, ew(.tanh, mul(X, a))), wrt: "X"),
        Case(label: "sum(sin(x) .* cos(a))", expr: f(.sum, .hadamard(ew(.sin, x), ew(.cos, a))), wrt: "x"),
        Case(label: "sum(softplus(X*a))", expr: f(.sum, ew(.softplus, mul(X, a))), wrt: "a"),
        Case(label: "sum(relu(X*a))", expr: f(.sum, ew(.relu, mul(X, a))), wrt: "X"),
        Case(label: "sum(abs(X*a))", expr: f(.sum, ew(.abs, mul(X, a))), wrt: "a"),
        Case(label: "sum(X .^ 3)", expr: f(.sum, .elementwisePower(X, 3)), wrt: "X"),
        Case(label: "sum(X ./ (Y*W'))", expr: f(.sum, .elementwiseDivide(X, mul(Y, tr(W)))), wrt: "X"),
        Case(label: "sum(sigma(X*W))", expr: f(.sum, f(.declaredElementwise("sigma"), mul(X, W))), wrt: "W"),
        Case(label: "lambda(X*W)", expr: f(.declaredScalar("lambda"), mul(X, W)), wrt: "W"),
        Case(label: "lambda(A)*alpha^2", expr: mul(f(.declaredScalar("lambda"), A), .power(alpha, 2)), wrt: "alpha"),
        Case(label: "alpha^3*tr(A)", expr: mul(.power(alpha, 3), f(.trace, A)), wrt: "alpha"),
        Case(label: "(a'*x)^2/alpha", expr: .divide(.power(mul(tr(a), x), 2), alpha), wrt: "x"),
        Case(label: "sum(diagv(A) .* a)", expr: f(.sum, .hadamard(f(.diagonalVector, A), a)), wrt: "A"),
        Case(label: "tr(diagm(a)*A)", expr: f(.trace, mul(f(.diagonalMatrix, a), A)), wrt: "a"),
        Case(label: "sum(ones(m,n) .* Y)", expr: f(.sum, .hadamard(.ones(m, nn), Y)), wrt: "Y"),
        Case(label: "tr(I(k)*A + A*A)", expr: f(.trace, add(mul(.identity(k), A), mul(A, A))), wrt: "A"),
        // Jacobians.
        Case(label: "X*A", expr: mul(X, A), wrt: "X"),
        Case(label: "X*A", expr: mul(X, A), wrt: "A"),
        Case(label: "A*x", expr: mul(A, x), wrt: "x"),
        Case(label: "exp(x)", expr: ew(.exp, x), wrt: "x"),
        Case(label: "sigma(A*x)", expr: f(.declaredElementwise("sigma"), mul(A, x)), wrt: "x"),
        Case(label: "alpha*X", expr: mul(alpha, X), wrt: "alpha"),
        Case(label: "inv(A)", expr: f(.inverse, A), wrt: "A"),
        Case(label: "x*x'", expr: mul(x, tr(x)), wrt: "x"),
        Case(label: "x'*A", expr: mul(tr(x), A), wrt: "x"),
        Case(label: "X'*y", expr: mul(tr(X), y), wrt: "y"),
        Case(label: "det(A)*x", expr: mul(f(.determinant, A), x), wrt: "A"),
        // Hessians.
        Case(label: "x'*A*x", expr: mul(tr(x), A, x), wrt: "x", hessian: true),
        Case(label: "sum(exp(A*x))", expr: f(.sum, ew(.exp, mul(A, x))), wrt: "x", hessian: true),
        Case(label: "norm2(X*a - y)", expr: f(.norm2, sub(mul(X, a), y)), wrt: "a", hessian: true),
        Case(label: "a'*inv(S)*a", expr: mul(tr(a), f(.inverse, S), a), wrt: "a", hessian: true),
        Case(label: "alpha^3*tr(A)", expr: mul(.power(alpha, 3), f(.trace, A)), wrt: "alpha", hessian: true),
        Case(label: "sum(sigmoid(X*a))", expr: f(.sum, ew(.sigmoid, mul(X, a))), wrt: "a", hessian: true),
        Case(label: "logdet(S)", expr: f(.logDeterminant, S), wrt: "S", hessian: true),
        Case(label: "tr(X'*X*A)", expr: f(.trace, mul(tr(X), X, A)), wrt: "X", hessian: true),
    ]

    @Test(arguments: cases)
    func correctDerivativesPass(_ testCase: Case) throws {
        let derivative = try testCase.derivative()
        for seed in UInt64(1)...2 {
            var options = testCase.options
            options.seed = seed
            let verification = derivative.verify(options)
            #expect(verification.verdict == .passed, "seed \(seed): \(verification.detail)")
            #expect(verification.maximumRelativeError <= 1e-5)
        }
    }
}

// MARK: - Wrong results fail

extension VerificationTests {
    /// `derivative` with some of its forms replaced.
    static func altered(_ derivative: Derivative, matrix: MatrixExpr?? = .none, index: IndexNotation? = nil,
                        gradient: MatrixExpr? = nil, function: MatrixExpr? = nil) -> Derivative {
        Derivative(
            kind: derivative.kind, function: function ?? derivative.function, variable: derivative.variable,
            environment: derivative.environment, shape: derivative.shape, matrix: matrix ?? derivative.matrix,
            matrixShape: derivative.matrixShape, index: index ?? derivative.index,
            gradient: gradient ?? derivative.gradient, steps: [])
    }

    /// `notation` with every coefficient multiplied by `factor`.
    static func scaled(_ notation: IndexNotation, by factor: Rational) -> IndexNotation {
        var result = notation
        result.terms = notation.terms.map { IndexNotation.Term(coefficient: $0.coefficient * factor, factors: $0.factors) }
        return result
    }

    static func derivative(_ expr: MatrixExpr, _ wrt: String, hessian: Bool = false) throws -> Derivative {
        try Case(label: "", expr: expr, wrt: wrt, hessian: hessian).derivative()
    }

    /// A wrong derivative and a phrase its verification's detail must contain.
    struct Wrong: Sendable, CustomTestStringConvertible {
        let label: String
        let make: @Sendable () throws -> Derivative
        let detail: String
        var testDescription: String { label }
    }

    static let wrongResults: [Wrong] = [
        Wrong(label: "loss gradient without its factor 2", make: {
            let right = try derivative(f(.trace, mul(residual, tr(residual))), "W")
            return altered(right, matrix: mul(tr(X), residual))
        }, detail: "the matrix form differs from the element-wise expansion"),
        Wrong(label: "loss gradient with a wrong index coefficient", make: {
            let right = try derivative(f(.trace, mul(residual, tr(residual))), "W")
            return altered(right, index: scaled(right.index, by: Rational(3, 2)))
        }, detail: "the index form differs from the element-wise expansion"),
        Wrong(label: "gradient of b'*X*a transposed", make: {
            altered(try derivative(mul(tr(b), X, a), "X"), matrix: mul(a, tr(b)))
        }, detail: "the matrix form is"),
        Wrong(label: "gradient by a symmetric T symmetrised", make: {
            // The corpus counts T[i,j] and T[j,i] as independent: the gradient of tr(T*A) is A'.
            altered(try derivative(f(.trace, mul(T, A)), "T"), matrix: .divide(add(A, tr(A)), num(2)))
        }, detail: "the matrix form differs"),
        Wrong(label: "gradient of det(A) without the transpose", make: {
            altered(try derivative(f(.determinant, A), "A"), matrix: mul(f(.determinant, A), f(.inverse, A)))
        }, detail: "the matrix form differs"),
        Wrong(label: "gradient of tr(3*A') as the scalar 3 instead of 3*I", make: {
            altered(try derivative(f(.trace, mul(num(3), tr(A))), "A"), matrix: num(3))
        }, detail: "the matrix form is 1×1, expected"),
        Wrong(label: "gradient of logdet(X'*X) through the singular X*X'", make: {
            // Points are drawn for the function (X'*X well-conditioned), not for the result.
            altered(try derivative(f(.logDeterminant, mul(tr(X), X)), "X"), matrix: mul(num(2), f(.inverse, mul(X, tr(X))), X))
        }, detail: "the matrix form"),
        Wrong(label: "Jacobian of X*A with its indices swapped", make: {
            let right = try derivative(mul(X, A), "X")
            var index = right.index
            index.terms = [IndexNotation.Term(coefficient: 1, factors: [
                .delta("i", "p"), .entry(A, indices: ["j", "q"], exponent: .one)])]
            return altered(right, index: index)
        }, detail: "the index form differs"),
        Wrong(label: "Jacobian of X*A with a matrix form of the wrong shape", make: {
            altered(try derivative(mul(X, A), "X"), matrix: A)
        }, detail: "the matrix form is"),
        Wrong(label: "Jacobian of X*A with the Kronecker factors swapped", make: {
            altered(try derivative(mul(X, A), "X"), matrix: .apply2(.kron, .identity(.named("m")), .transpose(A)))
        }, detail: "the matrix form differs"),
        Wrong(label: "Jacobian of exp(x) not diagonal", make: {
            altered(try derivative(ew(.exp, x), "x"), matrix: mul(ew(.exp, x), tr(.ones(k, .one))))
        }, detail: "the matrix form differs"),
        Wrong(label: "Hessian of x'*A*x as 2*A", make: {
            altered(try derivative(mul(tr(x), A, x), "x", hessian: true), matrix: mul(num(2), A))
        }, detail: "the matrix form differs"),
        Wrong(label: "Hessian of x'*A*x with a wrong gradient", make: {
            altered(try derivative(mul(tr(x), A, x), "x", hessian: true), gradient: mul(num(2), A, x))
        }, detail: "the gradient differs"),
        Wrong(label: "Hessian of logdet(S) with the wrong sign", make: {
            let right = try derivative(f(.logDeterminant, S), "S", hessian: true)
            return altered(right, index: scaled(right.index, by: -1))
        }, detail: "the index form differs"),
        Wrong(label: "matrix form not finite", make: {
            altered(try derivative(f(.sum, ew(.exp, mul(X, W))), "W"), matrix: ew(.log, .negate(ew(.exp, W))))
        }, detail: "the matrix form is not finite"),
        Wrong(label: "matrix form with an unknown variable", make: {
            altered(try derivative(f(.sum, ew(.exp, mul(X, W))), "W"), matrix: mul(v("Q"), W))
        }, detail: "the matrix form cannot be evaluated"),
        Wrong(label: "index form with a free index missing", make: {
            let right = try derivative(f(.trace, mul(residual, tr(residual))), "W")
            var index = right.index
            index.freeIndices = Array(index.freeIndices.prefix(1))
            return altered(right, index: index)
        }, detail: "the index form has axes"),
        Wrong(label: "index form with an index without a size", make: {
            let right = try derivative(mul(tr(x), A, x), "x")
            var index = right.index
            index.terms.append(IndexNotation.Term(coefficient: 1, factors: [.delta("z", "w")]))
            return altered(right, index: index)
        }, detail: "the index form cannot be evaluated"),
    ]

    @Test(arguments: wrongResults)
    func wrongDerivativesFail(_ wrong: Wrong) throws {
        let derivative = try wrong.make()
        for seed in UInt64(1)...3 {
            let verification = derivative.verify(VerificationOptions(seed: seed))
            #expect(verification.verdict == .failed, "seed \(seed): \(verification.detail)")
            #expect(verification.detail.contains(wrong.detail), "seed \(seed): \(verification.detail)")
            #expect(verification.detail.contains("seed \(seed)"), "the detail says how to reproduce it")
            #expect(verification.maximumRelativeError > 1e-5)
        }
    }

    @Test func wrongResultsFailOnFiniteDifferencesAloneWhenTheExpansionIsLeftOut() throws {
        let right = try Self.derivative(f(.trace, mul(Self.residual, tr(Self.residual))), "W")
        let wrong = Self.altered(right, matrix: mul(tr(Self.X), Self.residual))
        let verification = Verifier(derivative: wrong, options: VerificationOptions(), nodeBudget: 10).run()
        #expect(verification.verdict == .failed)
        #expect(verification.detail.contains("the matrix form differs from central differences"), "\(verification.detail)")
    }
}

// MARK: - Undefined functions are skipped; options

extension VerificationTests {
    @Test(arguments: [
        // Z'*Z is 3×3, so det(-(Z'*Z)) < 0. (With an even number of columns, as X may have,
        // det(-(X'*X)) = det(X'*X) > 0 and the logdet is defined.)
        ("logdet(-(Z'*Z))", f(.logDeterminant, .negate(mul(tr(v("Z")), v("Z")))), "Z"),
        ("sum(log(-exp(x)))", f(.sum, ew(.log, .negate(ew(.exp, x)))), "x"),
        ("sum(sqrt(-(x .* x) - ones(k)))", f(.sum, ew(.sqrt, sub(.negate(.hadamard(x, x)), .ones(k, .one)))), "x"),
    ])
    func functionsUndefinedEverywhereAreSkipped(_ label: String, _ expr: MatrixExpr, _ wrt: String) throws {
        let verification = try Self.derivative(expr, wrt).verify()
        #expect(verification.verdict == .skipped, "\(label): \(verification.detail)")
        #expect(verification.maximumRelativeError == 0)
        #expect(verification.detail.contains("no usable test point"), "\(verification.detail)")
    }

    @Test func functionsThatCannotBeEvaluatedAreSkipped() throws {
        let right = try Self.derivative(mul(tr(Self.x), Self.A, Self.x), "x")
        let broken = Self.altered(right, function: mul(Self.X, Self.X))
        let verification = broken.verify()
        #expect(verification.verdict == .skipped)
        #expect(verification.detail.contains("the function cannot be evaluated"), "\(verification.detail)")
    }

    @Test func requestsWithoutAnythingToCheckAreSkipped() throws {
        let right = try Self.derivative(mul(tr(Self.x), Self.A, Self.x), "x")
        #expect(right.verify(VerificationOptions(trials: 0)).verdict == .skipped)
        let unknown = Derivative(
            kind: right.kind, function: right.function, variable: "q", environment: right.environment,
            shape: right.shape, matrix: right.matrix, matrixShape: right.matrixShape, index: right.index,
            gradient: right.gradient, steps: [])
        #expect(unknown.verify().verdict == .skipped)
    }

    @Test func theExpansionIsLeftOutBeyondItsBudget() throws {
        let right = try Self.derivative(f(.trace, mul(Self.residual, tr(Self.residual))), "W")
        let verification = Verifier(derivative: right, options: VerificationOptions(), nodeBudget: 10).run()
        #expect(verification.verdict == .passed, "\(verification.detail)")
        #expect(verification.detail.contains("element-wise expansion left out"), "\(verification.detail)")
        #expect(verification.detail.contains("match central differences at 2 test points"), "\(verification.detail)")
    }

    @Test func pointsAreRedrawnUntilTheFunctionIsDefined() throws {
        // Without the `positive` hint most points make some entry of x negative; after six
        // draws every variable without a property is drawn positive.
        let logSum = try Self.derivative(f(.sum, ew(.log, Self.x)), "x")
        #expect(logSum.verify().verdict == .passed)
        // Without the size hint, X'*X is singular whenever X has fewer rows than columns.
        let logdet = try Self.derivative(f(.logDeterminant, mul(tr(Self.X), Self.X)), "X")
        for seed in UInt64(1)...4 {
            #expect(logdet.verify(VerificationOptions(seed: seed)).verdict == .passed)
            #expect(logdet.verify(VerificationOptions(increasing: ["k", "m"], seed: seed)).verdict == .passed)
        }
    }

    @Test func inaccurateDifferencesAreMeasuredAgainstTheExpansion() throws {
        // x'x + 10⁶ − 10⁶ loses six digits to cancellation, so central differences are off by
        // about 1e-10·10⁶/1e-6 relative: more than their tolerance. The exact reference shows
        // it, and the right result passes; a wrong one still fails.
        let expr = sub(.add(f(.sum, .hadamard(Self.x, Self.x)), num(1_000_000)), num(1_000_000))
        let right = try Self.derivative(expr, "x")
        let verification = right.verify()
        #expect(verification.verdict == .passed, "\(verification.detail)")
        #expect(verification.detail.contains("central differences inaccurate"), "\(verification.detail)")
        let wrong = Self.altered(right, matrix: mul(num(2), add(Self.x, mul(num(1, 1000), Self.x))))
        #expect(wrong.verify().verdict == .failed)
    }

    @Test func theSameSeedGivesTheSameVerification() throws {
        let right = try Self.derivative(f(.trace, mul(Self.residual, tr(Self.residual))), "X")
        let options = VerificationOptions(trials: 3, seed: 42)
        let first = right.verify(options)
        #expect(first.verdict == .passed)
        #expect(first.detail.contains("at 3 test points"))
        #expect(right.verify(options) == first)
    }

    @Test func sizesAreDistinctSmallAndOrderedAsHinted() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let sizes = Verifier.drawSizes(for: ["k", "m", "n"], increasing: ["n", "k"], using: &generator)
            #expect(Set(sizes.values).count == 3)
            #expect(sizes.values.allSatisfy { (2...4).contains($0) })
            #expect((sizes["n"] ?? 0) < (sizes["k"] ?? 0))
        }
        // More dimensions than sizes in 2…4: still distinct, from 2…count + 1.
        let many = Verifier.drawSizes(for: ["a", "b", "c", "d", "e"], increasing: [], using: &generator)
        #expect(Set(many.values).count == 5)
        #expect(many.values.allSatisfy { (2...6).contains($0) })
    }

    @Test func restrictionToSymmetricAndDiagonalDirections() {
        // One 2×2 block H[p,q] = [1 2; 3 4].
        let h = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        #expect(Verifier.restricted(h, to: nil) == h)
        #expect(Verifier.restricted(h, to: .symmetric).scalars == [1, 2.5, 2.5, 4])
        #expect(Verifier.restricted(h, to: .spd).scalars == [1, 2.5, 2.5, 4])
        #expect(Verifier.restricted(h, to: .diagonal).scalars == [1, 0, 0, 4])
    }
}

// MARK: - Work is bounded

extension VerificationTests {
    static func literalProblem(_ name: String, rows: Int, columns: Int) -> (Environment, MatrixExpr) {
        let variable = Variable(name: name, shape: Shape(.fixed(rows), .fixed(columns)), isDeclared: true)
        return (Environment(variables: [name: variable]), .apply(.sum, .hadamard(v(name), v(name))))
    }

    @Test func largeVariablesAreCheckedByDifferencesOnly() throws {
        // 9×9 = 81 entries: more symbols than the expansion takes, few enough for differences.
        let (environment, expr) = Self.literalProblem("F", rows: 9, columns: 9)
        let derivative = try Differentiator(expression: expr, environment: environment).derivative(withRespectTo: "F")
        let verification = derivative.verify()
        #expect(verification.verdict == .passed, "\(verification.detail)")
        #expect(verification.detail.contains("element-wise expansion left out: F has 81 entries"), "\(verification.detail)")
    }

    @Test func problemsBeyondTheSizeLimitsAreSkipped() throws {
        for (rows, columns, phrase) in [(21, 21, "G has 441 entries"), (65, 1, "the size 65")] {
            let (environment, expr) = Self.literalProblem("G", rows: rows, columns: columns)
            let derivative = try Differentiator(expression: expr, environment: environment)
                .derivative(withRespectTo: "G")
            let verification = derivative.verify()
            #expect(verification.verdict == .skipped)
            #expect(verification.detail.contains(phrase), "\(verification.detail)")
        }
    }

    /// A derivative that is zero because a softmax of equal entries is constant: the
    /// element-wise expansion sums it from terms of about 10¹⁷ and keeps 271 of rounding at the
    /// first point, where Ricci's form and central differences give zero. That point is
    /// drawn again, not failed (campaign seed 20339113, a Hessian refused "for a bug"); a
    /// wrong result still fails (the wrong-results tests above).
    @Test func aPointWhereTheExpansionCancelsBadlyIsDrawnAgain() throws {
        let declarations = try Declarations(
            parsingVariables: ["t:", "y:m", "z:n", "u:k", "W:n,n", "Q:n,n:symmetric"], functions: [])
        let text = "u'*log(softmax((ones(k,n) + yᵀ*log(softmax((-yᵀ)'))*(-(2*ones(n,k))^T))*(Q./(1 + W.^2)*(z./exp(t)))))"
        for derivative in [try Ricci.derivative(of: text, withRespectTo: "z", declarations: declarations),
                           try Ricci.hessian(of: text, withRespectTo: "z", declarations: declarations)] {
            let verification = derivative.verify()
            #expect(verification.verdict == .passed, "\(verification.detail)")
        }
    }
}
