// The evaluator against small hand-computed values, and the errors it throws instead of crashing.

import Foundation
import Testing
@testable import Ricci

@Suite struct EvaluatorTests {
    /// A = [1 2; 3 4], B = [0 1; -1 2], C (3×3, det 6), S = [2 1; 1 2], M = [0 1; -1 2],
    /// R (2×3), x = [1; 2], b = [1; -1], t = 4, s = -2.
    static let evaluator = Evaluator(
        sizes: ["m": 2, "n": 3],
        values: [
            "A": .matrix([[1, 2], [3, 4]]),
            "B": .matrix([[0, 1], [-1, 2]]),
            "C": .matrix([[2, 0, 1], [1, 3, 2], [1, 1, 2]]),
            "S": .matrix([[2, 1], [1, 2]]),
            "M": .matrix([[0, 1], [-1, 2]]),
            "R": .matrix([[1, 2, 3], [4, 5, 6]]),
            "x": .vector([1, 2]),
            "b": .vector([1, -1]),
            "t": .scalar(4),
            "s": .scalar(-2),
        ])

    static func value(_ expr: MatrixExpr) throws -> Tensor { try evaluator.evaluate(expr) }

    /// True when the shapes are equal and the entries equal or within `tolerance` (NaN only
    /// matches NaN, an infinity only itself).
    static func close(_ x: Tensor, _ y: Tensor, _ tolerance: Double = 1e-12) -> Bool {
        x.shape == y.shape && zip(x.scalars, y.scalars).allSatisfy {
            $0 == $1 || ($0.isNaN ? $1.isNaN : Swift.abs($0 - $1) <= tolerance)
        }
    }

    static let A = v("A"), B = v("B"), C = v("C"), S = v("S"), M = v("M"), R = v("R")
    static let x = v("x"), b = v("b"), t = v("t"), s = v("s")

    /// Expressions and their hand-computed values.
    static let cases: [(String, MatrixExpr, Tensor)] = [
        ("A*B", .multiply(A, B), .matrix([[-2, 5], [-4, 11]])),
        ("A'", .transpose(A), .matrix([[1, 3], [2, 4]])),
        ("R'", .transpose(R), .matrix([[1, 4], [2, 5], [3, 6]])),
        ("A*R", .multiply(A, R), .matrix([[9, 12, 15], [19, 26, 33]])),
        ("x'", .transpose(x), .matrix([[1, 2]])),
        ("x'*A*b", .multiply(.multiply(.transpose(x), A), b), .scalar(-3)),
        ("x*b'", .multiply(x, .transpose(b)), .matrix([[1, -1], [2, -2]])),
        ("A + B", .add(A, B), .matrix([[1, 3], [2, 6]])),
        ("A - B", .subtract(A, B), .matrix([[1, 1], [4, 2]])),
        ("-A", .negate(A), .matrix([[-1, -2], [-3, -4]])),
        ("inv(A)", f(.inverse, A), .matrix([[-2, 1], [1.5, -0.5]])),
        ("inv(C)", f(.inverse, C), (1.0 / 6) * .matrix([[4, 1, -3], [0, 3, -3], [-2, -2, 6]])),
        ("det(A)", f(.determinant, A), .scalar(-2)),
        ("det(C)", f(.determinant, C), .scalar(6)),
        ("logdet(S)", f(.logDeterminant, S), .scalar(Foundation.log(3))),
        ("logdet(C)", f(.logDeterminant, C), .scalar(Foundation.log(6))),
        ("logdet(A)", f(.logDeterminant, A), .scalar(.nan)),
        ("tr(A)", f(.trace, A), .scalar(5)),
        ("tr(C)", f(.trace, C), .scalar(7)),
        ("sum(R)", f(.sum, R), .scalar(21)),
        ("norm2(A)", f(.norm2, A), .scalar(Double(30).squareRoot())),
        ("norm2(x)", f(.norm2, x), .scalar(Double(5).squareRoot())),
        ("diagm(x)", f(.diagonalMatrix, x), .matrix([[1, 0], [0, 2]])),
        ("diagv(C)", f(.diagonalVector, C), .vector([2, 3, 2])),
        ("A.*B", .hadamard(A, B), .matrix([[0, 2], [-3, 8]])),
        ("A./S", .elementwiseDivide(A, S), .matrix([[0.5, 2], [3, 2]])),
        ("t.*A", .hadamard(t, A), .matrix([[4, 8], [12, 16]])),
        ("A./t", .elementwiseDivide(A, t), .matrix([[0.25, 0.5], [0.75, 1]])),
        ("t./A", .elementwiseDivide(t, A), .matrix([[4, 2], [4.0 / 3, 1]])),
        ("t*A", .multiply(t, A), .matrix([[4, 8], [12, 16]])),
        ("A*s", .multiply(A, s), .matrix([[-2, -4], [-6, -8]])),
        ("x*t", .multiply(x, t), .vector([4, 8])),
        ("A/t", .divide(A, t), .matrix([[0.25, 0.5], [0.75, 1]])),
        ("1/2*A", .multiply(num(1, 2), A), .matrix([[0.5, 1], [1.5, 2]])),
        ("t^0.5", .power(t, Rational(1, 2)), .scalar(2)),
        ("s^3", .power(s, 3), .scalar(-8)),
        ("t^(-1)", .power(t, -1), .scalar(0.25)),
        ("(x'*b)^2", .power(.multiply(.transpose(x), b), 2), .scalar(1)),
        ("A.^2", .elementwisePower(A, 2), .matrix([[1, 4], [9, 16]])),
        ("M.^3", .elementwisePower(M, 3), .matrix([[0, 1], [-1, 8]])),
        ("M.^0.5", .elementwisePower(M, Rational(1, 2)), .matrix([[0, 1], [.nan, Double(2).squareRoot()]])),
        ("I(m)", .identity(.named("m")), .identity(2)),
        ("I(3)", .identity(.fixed(3)), .identity(3)),
        ("ones(m,n)", .ones(.named("m"), .named("n")), Tensor(shape: [2, 3], repeating: 1)),
        ("ones(n)", .ones(.named("n"), .one), .vector([1, 1, 1])),
        ("x'*ones(m)", .multiply(.transpose(x), .ones(.named("m"), .one)), .scalar(3)),
        ("R - ones(m,n)", .subtract(R, .ones(.named("m"), .named("n"))), .matrix([[0, 1, 2], [3, 4, 5]])),
        ("exp(M)", ew(.exp, M), .matrix([[1, M_E], [1 / M_E, M_E * M_E]])),
        ("log(A)", ew(.log, A), .matrix([[0, Foundation.log(2)], [Foundation.log(3), Foundation.log(4)]])),
        ("log(M)", ew(.log, M), .matrix([[-.infinity, 0], [.nan, Foundation.log(2)]])),
        ("sin(M)", ew(.sin, M), .matrix([[0, Foundation.sin(1)], [-Foundation.sin(1), Foundation.sin(2)]])),
        ("cos(M)", ew(.cos, M), .matrix([[1, Foundation.cos(1)], [Foundation.cos(1), Foundation.cos(2)]])),
        ("tanh(M)", ew(.tanh, M), .matrix([[0, Foundation.tanh(1)], [-Foundation.tanh(1), Foundation.tanh(2)]])),
        ("sqrt(A)", ew(.sqrt, A), .matrix([[1, Double(2).squareRoot()], [Double(3).squareRoot(), 2]])),
        ("abs(M)", ew(.abs, M), .matrix([[0, 1], [1, 2]])),
        ("relu(M)", ew(.relu, M), .matrix([[0, 1], [0, 2]])),
        ("sigmoid(M)", ew(.sigmoid, M),
         .matrix([[0.5, 1 / (1 + Foundation.exp(-1))], [1 / (1 + M_E), 1 / (1 + Foundation.exp(-2))]])),
        ("softplus(M)", ew(.softplus, M),
         .matrix([[Foundation.log(2), Foundation.log(1 + M_E)], [Foundation.log(1 + 1 / M_E), Foundation.log(1 + M_E * M_E)]])),
        ("sum(exp(x))", f(.sum, ew(.exp, x)), .scalar(M_E + M_E * M_E)),
        ("tr(A*B')", f(.trace, .multiply(A, .transpose(B))), .scalar(0 + 2 - 3 + 8)),
    ]

    @Test(arguments: cases)
    func handComputedValue(label: String, expr: MatrixExpr, expected: Tensor) throws {
        let value = try Self.value(expr)
        #expect(Self.close(value, expected, 1e-12), "\(label): \(value) ≠ \(expected)")
    }

    @Test func extremeArgumentsStayFinite() throws {
        let big = Evaluator(values: ["z": .vector([1000, -1000, 0])])
        let sigmoid = try big.evaluate(ew(.sigmoid, v("z")))
        #expect(sigmoid.scalars == [1, 0, 0.5])
        let softplus = try big.evaluate(ew(.softplus, v("z")))
        #expect(softplus.scalars[0] == 1000 && softplus.scalars[1] >= 0 && softplus.scalars[1] < 1e-300)
        #expect(Swift.abs(softplus.scalars[2] - Foundation.log(2)) < 1e-15)
        let nan = Evaluator(values: ["z": .scalar(.nan)])
        #expect(try nan.evaluate(ew(.relu, v("z"))).scalarValue.isNaN)
        #expect(try nan.evaluate(ew(.softplus, v("z"))).scalarValue.isNaN)
    }

    @Test func singularInverseGivesNonFiniteEntries() throws {
        let singular = Evaluator(values: ["Z": .matrix([[1, 2], [2, 4]])])
        #expect(try !singular.evaluate(f(.inverse, v("Z"))).isFinite)
        #expect(try singular.evaluate(f(.determinant, v("Z"))).scalarValue == 0)
        #expect(try singular.evaluate(f(.logDeterminant, v("Z"))).scalarValue.isNaN)
    }

    @Test func valuesOfOrderZeroAndOneAreScalarsAndColumns() throws {
        let evaluator = Evaluator(values: ["c": Tensor(shape: [], scalars: [3]), "y": Tensor(shape: [2], scalars: [1, 2])])
        #expect(try evaluator.evaluate(v("c")) == .scalar(3))
        #expect(try evaluator.evaluate(.multiply(v("c"), v("y"))) == .vector([3, 6]))
    }

    @Test func declaredFunctionsUseTheirStandIns() throws {
        let sigma = MatrixExpr.apply(.declaredElementwise("sigma"), Self.M)
        let c = StandInFunctions.coefficient(for: "sigma")
        let expected = Tensor.matrix([[0, 1], [-1, 2]]).map { Foundation.tanh(c * $0) + $0 / 3 }
        #expect(Self.close(try Self.value(sigma), expected))
        let derivative = MatrixExpr.apply(.declaredElementwiseDerivative("sigma"), Self.M)
        let expectedDerivative = Tensor.matrix([[0, 1], [-1, 2]]).map {
            c * (1 - Foundation.tanh(c * $0) * Foundation.tanh(c * $0)) + 1.0 / 3
        }
        #expect(Self.close(try Self.value(derivative), expectedDerivative))
        let lambda = MatrixExpr.apply(.declaredScalar("lambda"), Self.M)
        let cl = StandInFunctions.coefficient(for: "lambda")
        let expectedLambda = Foundation.log(1 + cl) * 2 + Foundation.log(1 + 4 * cl)
        #expect(Swift.abs(try Self.value(lambda).scalarValue - expectedLambda) < 1e-12)
        let gradient = MatrixExpr.apply(.declaredScalarGradient("lambda"), Self.R)
        #expect(try Self.value(gradient).shape == [2, 3])
        #expect(Swift.abs(try Self.value(gradient)[0, 0] - 2 * cl / (1 + cl)) < 1e-12)
    }

    @Test func declaredNamesGetDifferentStandIns() throws {
        let names = ["sigma", "tau", "f", "g", "fg", "gf", "phi", "psi", "lambda", "mu", "rho", "h1", "h2"]
        let coefficients = names.map(StandInFunctions.coefficient(for:))
        #expect(Set(coefficients).count == names.count)
        #expect(coefficients.allSatisfy { $0 >= 1 && $0 < 2 })
        // Fixed by the name alone: the same in every process (this value is the documented formula).
        #expect(StandInFunctions.coefficient(for: "") == 1 + Double(UInt64(0xcbf2_9ce4_8422_2325) % (1 << 20)) / Double(1 << 20))
        let f = try Self.value(.apply(.declaredElementwise("f"), Self.A))
        let g = try Self.value(.apply(.declaredElementwise("g"), Self.A))
        #expect(f != g)
    }

    @Test(arguments: ["sigma", "tau", "phi", "act"])
    func elementwiseStandInDerivativeMatchesFiniteDifferences(name: String) {
        let c = StandInFunctions.coefficient(for: name)
        for x in stride(from: -2.5, through: 2.5, by: 0.25) {
            let h = 1e-6
            let numeric = (StandInFunctions.elementwise(coefficient: c, x + h)
                - StandInFunctions.elementwise(coefficient: c, x - h)) / (2 * h)
            let exact = StandInFunctions.elementwiseDerivative(coefficient: c, x)
            #expect(Swift.abs(numeric - exact) <= 1e-7 * max(1, Swift.abs(exact)), "\(name) at \(x)")
        }
    }

    @Test(arguments: ["lambda", "mu", "loss"])
    func scalarStandInGradientMatchesFiniteDifferences(name: String) throws {
        let point = Tensor.matrix([[0.3, -1.2, 2.0], [0, 0.7, -0.4]])
        let evaluator = Evaluator(values: ["Z": point])
        let numeric = try FiniteDifferences.jacobian(of: .apply(.declaredScalar(name), .variable("Z")),
                                                     withRespectTo: "Z", at: evaluator)
        let exact = StandInFunctions.scalarGradient(name, point)
        #expect(numeric.relativeDistance(to: exact) < 1e-8)
    }

    // MARK: - Errors

    static let errorCases: [(String, MatrixExpr, EvaluationError.Reason)] = [
        ("unknown variable", .add(A, v("Q")), .unknownVariable("Q")),
        ("unknown dimension", .identity(.named("k")), .unknownDimension("k")),
        ("zero size", .ones(.fixed(0), .one), .invalidSize(dimension: "0", size: 0)),
        ("huge size", .identity(.fixed(100_000_000)), .invalidSize(dimension: "100000000", size: 100_000_000)),
        ("too many entries", .ones(.fixed(10_000), .fixed(10_000)), .tooLarge(rows: 10_000, columns: 10_000)),
        ("A + R", .add(A, R), .shapeMismatch(operation: "+", left: [2, 2], right: [2, 3])),
        ("x - R'", .subtract(x, .transpose(R)), .shapeMismatch(operation: "-", left: [2, 1], right: [3, 2])),
        ("max(A, R)", .apply2(.maximum, A, R), .shapeMismatch(operation: "max", left: [2, 2], right: [2, 3])),
        ("R*A", .multiply(R, A), .shapeMismatch(operation: "*", left: [2, 3], right: [2, 2])),
        ("x*x", .multiply(x, x), .shapeMismatch(operation: "*", left: [2, 1], right: [2, 1])),
        ("A.*R", .hadamard(A, R), .shapeMismatch(operation: ".*", left: [2, 2], right: [2, 3])),
        ("R./A", .elementwiseDivide(R, A), .shapeMismatch(operation: "./", left: [2, 3], right: [2, 2])),
        ("A/x", .divide(A, x), .notScalar(operation: "/", shape: [2, 1])),
        ("R^2", .power(R, 2), .notScalar(operation: "^", shape: [2, 3])),
        ("A^0.5", .power(A, Rational(1, 2)), .notScalar(operation: "^", shape: [2, 2])),
        ("A^t", .powerBy(A, t), .notScalar(operation: "^", shape: [2, 2])),
        ("tr(R)", f(.trace, R), .notSquare(operation: "tr", shape: [2, 3])),
        ("det(R)", f(.determinant, R), .notSquare(operation: "det", shape: [2, 3])),
        ("logdet(x)", f(.logDeterminant, x), .notSquare(operation: "logdet", shape: [2, 1])),
        ("inv(R')", f(.inverse, .transpose(R)), .notSquare(operation: "inv", shape: [3, 2])),
        ("diagv(R)", f(.diagonalVector, R), .notSquare(operation: "diagv", shape: [2, 3])),
        ("diagm(A)", f(.diagonalMatrix, A), .notVector(operation: "diagm", shape: [2, 2])),
        ("diagm(R)", f(.diagonalMatrix, R), .notVector(operation: "diagm", shape: [2, 3])),
        ("nested", f(.trace, .multiply(A, .add(x, b))), .notSquare(operation: "tr", shape: [2, 1])),
    ]

    @Test(arguments: errorCases)
    func badInputThrows(label: String, expr: MatrixExpr, reason: EvaluationError.Reason) {
        #expect(throws: EvaluationError(reason), "\(label)") { try Self.value(expr) }
    }

    @Test func errorsAreBadInputWithAMessage() {
        let error = EvaluationError(.shapeMismatch(operation: "*", left: [2, 3], right: [2, 2]))
        #expect(error.category == .badInput && error.range == nil)
        #expect(error.message == "shapes do not fit in *: 2×3 and 2×2")
        #expect(EvaluationError(.unknownVariable("Q")).message == "no value for the variable Q")
        #expect(EvaluationError(.notScalar(operation: "/", shape: [])).message == "/ needs a scalar, not scalar")
    }

    @Test func valuesOfHigherOrderAreRejected() {
        let evaluator = Evaluator(values: ["T": Tensor(shape: [2, 2, 2], repeating: 0)])
        #expect(throws: EvaluationError(.invalidValue(name: "T", shape: [2, 2, 2]))) {
            try evaluator.evaluate(.variable("T"))
        }
    }
}
