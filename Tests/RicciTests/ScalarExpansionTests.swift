// The element-wise expansion, scalar differentiation and evaluation against the evaluator and finite differences.

import Foundation
import Testing
@testable import Ricci

@Suite struct ScalarExpansionTests {
    static let X = v("X"), Y = v("Y"), A = v("A"), S = v("S"), P = v("P"), x = v("x"), y = v("y"), c = v("c")

    /// X 2×3, Y 3×2, A 3×3 (invertible), S 3×3 spd, P 2×3 with entries in [½, 3/2],
    /// x and y 3-vectors, c a scalar: drawn by ``TestPoint`` from `seed`.
    static func point(seed: UInt64) throws -> Evaluator {
        let sizes = ["m": 2, "n": 3]
        let variables = [
            Variable(name: "X", shape: Shape(.named("m"), .named("n")), isDeclared: true),
            Variable(name: "Y", shape: Shape(.named("n"), .named("m")), isDeclared: true),
            Variable(name: "A", shape: Shape(.named("n"), .named("n")), isDeclared: true),
            Variable(name: "S", shape: Shape(.named("n"), .named("n")), property: .spd, isDeclared: true),
            Variable(name: "P", shape: Shape(.named("m"), .named("n")), isDeclared: true),
            Variable(name: "x", shape: .vector(.named("n")), isDeclared: true),
            Variable(name: "y", shape: .vector(.named("n")), isDeclared: true),
            Variable(name: "c", shape: .scalar, isDeclared: true),
        ]
        let environment = Environment(variables: Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) }))
        var generator = SeededGenerator(seed: seed)
        let values = try TestPoint.drawValues(for: environment, sizes: sizes, positive: ["P"], using: &generator)
        return Evaluator(sizes: sizes, values: values)
    }

    static let allVariables: Set<String> = ["X", "Y", "A", "S", "P", "x", "y", "c"]

    /// The expansion of `expr` with every variable symbolic, evaluated at the point's values.
    static func expandedValue(_ expr: MatrixExpr, at evaluator: Evaluator,
                              symbolic: Set<String> = allVariables) throws -> Tensor {
        let graph = ScalarGraph()
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: symbolic)
        let matrix = try expansion.expand(expr)
        return Tensor(shape: matrix.shape, scalars: graph.values(of: matrix.entries, at: expansion.symbolValues()))
    }

    /// An expression with the text it is written as, which names the test case.
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let expr: MatrixExpr
        init(_ label: String, _ expr: MatrixExpr) {
            self.label = label
            self.expr = expr
        }
        var testDescription: String { label }
    }

    /// Expressions covering every node and function of the language.
    static let expressions: [Case] = [
        Case("X*Y", mul(X, Y)),
        Case("X'", tr(X)),
        Case("X*A*Y", mul(X, A, Y)),
        Case("(X*A)'", tr(mul(X, A))),
        Case("x'*A*y", mul(tr(x), A, y)),
        Case("x*y'", mul(x, tr(y))),
        Case("X + P", .add(X, P)),
        Case("X - P", .subtract(X, P)),
        Case("-X", .negate(X)),
        Case("c*X", mul(c, X)),
        Case("X*c", mul(X, c)),
        Case("X .* P", .hadamard(X, P)),
        Case("c .* X", .hadamard(c, X)),
        Case("X ./ P", .elementwiseDivide(X, P)),
        Case("X ./ c", .elementwiseDivide(X, c)),
        Case("X / c", .divide(X, c)),
        Case("(x'*y)^3", .power(mul(tr(x), y), 3)),
        Case("P .^ (1/2)", .elementwisePower(P, Rational(1, 2))),
        Case("X .^ 2", .elementwisePower(X, 2)),
        Case("inv(A)", f(.inverse, A)),
        Case("inv(S)*x", mul(f(.inverse, S), x)),
        Case("det(A)", f(.determinant, A)),
        Case("det(X*Y)", f(.determinant, mul(X, Y))),
        Case("logdet(S)", f(.logDeterminant, S)),
        Case("tr(A)", f(.trace, A)),
        Case("tr(c)", f(.trace, c)),
        Case("sum(X)", f(.sum, X)),
        Case("norm2(X)", f(.norm2, X)),
        Case("norm2(x)", f(.norm2, x)),
        Case("diagm(x)", f(.diagonalMatrix, x)),
        Case("diagv(A)", f(.diagonalVector, A)),
        Case("I(n) + A", .add(.identity(.named("n")), A)),
        Case("ones(m,n) .* X", .hadamard(.ones(.named("m"), .named("n")), X)),
        Case("exp(X)", ew(.exp, X)),
        Case("log(P)", ew(.log, P)),
        Case("sin(X)", ew(.sin, X)),
        Case("cos(X)", ew(.cos, X)),
        Case("tanh(X)", ew(.tanh, X)),
        Case("sqrt(P)", ew(.sqrt, P)),
        Case("abs(X)", ew(.abs, X)),
        Case("sigmoid(X)", ew(.sigmoid, X)),
        Case("relu(X)", ew(.relu, X)),
        Case("softplus(X)", ew(.softplus, X)),
        Case("sigma(X)", f(.declaredElementwise("sigma"), X)),
        Case("sigma'(X)", f(.declaredElementwiseDerivative("sigma"), X)),
        Case("lambda(X)", f(.declaredScalar("lambda"), X)),
        Case("grad_lambda(X)", f(.declaredScalarGradient("lambda"), X)),
        Case("tr((X*A - P)*(X*A - P)')", f(.trace, mul(.subtract(mul(X, A), P), tr(.subtract(mul(X, A), P))))),
    ]

    @Test(arguments: expressions)
    func expansionMatchesTheEvaluator(_ testCase: Case) throws {
        let (label, expr) = (testCase.label, testCase.expr)
        for seed in UInt64(0)..<3 {
            let evaluator = try Self.point(seed: seed)
            let expected = try evaluator.evaluate(expr)
            // With every variable symbolic, and with every variable folded into numbers.
            for symbolic in [Self.allVariables, []] {
                let expanded = try Self.expandedValue(expr, at: evaluator, symbolic: symbolic)
                #expect(expanded.shape == expected.shape, "\(label)")
                let distance = expanded.relativeDistance(to: expected)
                #expect(distance < 1e-12, "\(label), seed \(seed), symbolic \(symbolic.sorted()): \(distance)")
            }
        }
    }

    @Test func productEntriesAreWrittenOut() throws {
        let evaluator = try Self.point(seed: 1)
        let graph = ScalarGraph()
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: ["X", "Y", "A"])
        let product = try expansion.expand(mul(Self.X, Self.Y))
        #expect(product.rows == 2 && product.columns == 2)
        #expect(graph.text(of: product[0, 0]) == "X[1,1]*Y[1,1] + X[1,2]*Y[2,1] + X[1,3]*Y[3,1]")
        #expect(graph.text(of: product[1, 0]) == "X[2,1]*Y[1,1] + X[2,2]*Y[2,1] + X[2,3]*Y[3,1]")
        let transposed = try expansion.expand(tr(Self.X))
        #expect(transposed.rows == 3 && transposed.columns == 2)
        #expect(graph.text(of: transposed[2, 1]) == "X[2,3]")
        let trace = try expansion.expand(f(.trace, Self.A))
        #expect(graph.text(of: trace.entries[0]) == "A[1,1] + A[2,2] + A[3,3]")
    }

    @Test func determinantOfTwoByTwoIsTheCofactorFormula() throws {
        let evaluator = Evaluator(sizes: [:], values: ["B": .matrix([[1, 2], [3, 4]])])
        let graph = ScalarGraph()
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: ["B"])
        let determinant = try expansion.expand(f(.determinant, v("B")))
        #expect(graph.text(of: determinant.entries[0]) == "B[1,1]*B[2,2] + (-1)*B[1,2]*B[2,1]")
        #expect(graph.value(of: determinant.entries[0], at: expansion.symbolValues()) == -2)
        // The inverse is the adjugate over the determinant: [4 −2; −3 1] / (−2).
        let inverse = try expansion.expand(f(.inverse, v("B")))
        let values = graph.values(of: inverse.entries, at: expansion.symbolValues())
        #expect(values == [-2, 1, 1.5, -0.5])
    }

    @Test(arguments: UInt64(0)..<4)
    func matrixTimesItsInverseIsTheIdentity(seed: UInt64) throws {
        let evaluator = try Self.point(seed: seed)
        for expr in [mul(Self.A, f(.inverse, Self.A)), mul(f(.inverse, Self.S), Self.S)] {
            let value = try Self.expandedValue(expr, at: evaluator)
            #expect(value.relativeDistance(to: Tensor.identity(3)) < 1e-12, "seed \(seed)")
        }
    }

    @Test func sharedSubExpressionsAreOneNode() throws {
        let evaluator = try Self.point(seed: 2)
        let residual = MatrixExpr.subtract(mul(Self.X, Self.A), Self.P)
        let graph = ScalarGraph()
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: Self.allVariables)
        let once = try expansion.expand(residual)
        let countAfterOnce = graph.count
        // The same tree, and the same entries built again through a transpose, add nothing.
        let again = try expansion.expand(.subtract(mul(Self.X, Self.A), Self.P))
        let twice = try expansion.expand(tr(tr(residual)))
        #expect(again == once)
        #expect(twice == once)
        #expect(graph.count == countAfterOnce)
        // A Frobenius loss adds its n·m squares and one sum, not copies of the residual.
        _ = try expansion.expand(f(.trace, mul(residual, tr(residual))))
        #expect(graph.count - countAfterOnce <= 2 * 2 * 3 + 2 * 2 + 1)
    }

    @Test func shapeErrorsAreTheEvaluatorsErrors() throws {
        let evaluator = try Self.point(seed: 0)
        let wrong: [MatrixExpr] = [
            mul(Self.X, Self.X), .add(Self.X, Self.Y), .hadamard(Self.X, Self.Y), f(.inverse, Self.X),
            f(.determinant, Self.X), f(.diagonalMatrix, Self.X), .divide(Self.X, Self.x),
            .power(Self.X, 2), v("Z"), .identity(.named("q")),
        ]
        for expr in wrong {
            let graph = ScalarGraph()
            var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: Self.allVariables)
            var expected: EvaluationError?
            do { _ = try evaluator.evaluate(expr) } catch let error as EvaluationError { expected = error }
            #expect(expected != nil, "\(PlainPrinter.print(expr)) should not evaluate")
            #expect(throws: expected ?? EvaluationError(.unknownVariable("-"))) { _ = try expansion.expand(expr) }
        }
    }

    @Test func theNodeBudgetStopsTheExpansion() throws {
        let evaluator = try Self.point(seed: 0)
        let graph = ScalarGraph(nodeBudget: 40)
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: Self.allVariables)
        #expect(throws: ScalarBudgetExceeded.self) { _ = try expansion.expand(f(.inverse, Self.A)) }

        // A cofactor expansion beyond 8×8 is refused before it starts.
        let big = Evaluator(sizes: [:], values: ["B": .identity(9)])
        var bigExpansion = ElementwiseExpansion(graph: ScalarGraph(), evaluator: big, symbolic: ["B"])
        #expect(throws: ScalarBudgetExceeded.self) { _ = try bigExpansion.expand(f(.determinant, v("B"))) }
        // A 9×9 matrix of numbers is inverted as the evaluator inverts it.
        var numbers = Tensor.identity(9)
        for i in 0..<8 { numbers[i, i + 1] = 0.5 }
        let constant = Evaluator(sizes: [:], values: ["B": numbers])
        for expr in [f(.inverse, v("B")), f(.determinant, v("B")), f(.logDeterminant, v("B"))] {
            let expanded = try Self.expandedValue(expr, at: constant, symbolic: [])
            #expect(expanded == (try constant.evaluate(expr)))
        }
    }

    // MARK: - Scalar differentiation

    /// `a`, `b`, `d` as symbols with values in `[0.5, 1.5]`, where every function is smooth.
    static let a = ScalarSymbol(variable: "a", row: 0, column: 0)
    static let b = ScalarSymbol(variable: "b", row: 0, column: 0)
    static let d = ScalarSymbol(variable: "d", row: 0, column: 0)
    static let symbolValues: [ScalarSymbol: Double] = [a: 0.7, b: 1.3, d: -0.4]

    /// `∂root/∂symbol` by central differences of the graph's own evaluation.
    static func centralDifference(_ graph: ScalarGraph, _ root: ScalarID, _ symbol: ScalarSymbol,
                                  at values: [ScalarSymbol: Double]) -> Double {
        let h = 1e-6
        var plus = values, minus = values
        plus[symbol, default: 0] += h
        minus[symbol, default: 0] -= h
        return (graph.value(of: root, at: plus) - graph.value(of: root, at: minus)) / (2 * h)
    }

    /// `f(a·b + d²·b + 1/a)` for every function `f`, whose argument is positive at the point
    /// (for `asin` and `acos` the argument `u` is `u/(1 + u)`, inside their domain).
    @Test(arguments: ScalarFunction.allCases)
    func derivativesOfFunctionsMatchCentralDifferences(_ function: ScalarFunction) throws {
        let graph = ScalarGraph()
        let (a, b, d) = (graph.symbol(Self.a), graph.symbol(Self.b), graph.symbol(Self.d))
        let positive = graph.sum([graph.product([a, b]), graph.product([graph.power(d, 2), b]), graph.power(a, -1)])
        let argument = [.asin, .acos].contains(function)
            ? graph.product([positive, graph.power(graph.sum([graph.one, positive]), -1)]) : positive
        let root = graph.product([graph.number(3), graph.apply(function, argument), graph.apply(.exp, d)])
        for symbol in [Self.a, Self.b, Self.d] {
            let derivative = try graph.derivative(of: root, withRespectTo: symbol)
            let exact = graph.value(of: derivative, at: Self.symbolValues)
            let numeric = Self.centralDifference(graph, root, symbol, at: Self.symbolValues)
            #expect(Swift.abs(exact - numeric) <= 1e-7 * max(1, Swift.abs(numeric)),
                    "\(function) by \(symbol): \(exact) vs \(numeric)")
        }
    }

    @Test func secondDerivativesMatchDifferencesOfTheFirst() throws {
        let graph = ScalarGraph()
        let (a, b, d) = (graph.symbol(Self.a), graph.symbol(Self.b), graph.symbol(Self.d))
        // sin(a·b)·log(a + b²) + sqrt(a)·tanh(d)/b
        let root = graph.sum([
            graph.product([graph.apply(.sin, graph.product([a, b])), graph.apply(.log, graph.sum([a, graph.power(b, 2)]))]),
            graph.product([graph.apply(.sqrt, a), graph.apply(.tanh, d), graph.power(b, -1)]),
        ])
        let symbols = [Self.a, Self.b, Self.d]
        let first = try graph.derivatives(of: [root], withRespectTo: symbols).map { $0[0] }
        let second = try graph.derivatives(of: first, withRespectTo: symbols)
        for (l, column) in second.enumerated() {
            for (k, entry) in column.enumerated() {
                let exact = graph.value(of: entry, at: Self.symbolValues)
                let numeric = Self.centralDifference(graph, first[k], symbols[l], at: Self.symbolValues)
                #expect(Swift.abs(exact - numeric) <= 1e-7 * max(1, Swift.abs(numeric)), "∂²/∂\(symbols[k])∂\(symbols[l])")
            }
        }
        // The Hessian of a smooth function is symmetric.
        let values = second.map { graph.values(of: $0, at: Self.symbolValues) }
        for k in 0..<3 {
            for l in 0..<3 { #expect(Swift.abs(values[k][l] - values[l][k]) < 1e-12) }
        }
    }

    @Test func constantsDifferentiateToZeroWithoutNewNodes() throws {
        let graph = ScalarGraph()
        let a = graph.symbol(Self.a)
        let constant = graph.apply(.exp, graph.symbol(Self.b))
        let root = graph.product([a, constant])
        let before = graph.count
        #expect(try graph.derivative(of: constant, withRespectTo: Self.a) == graph.zero)
        #expect(try graph.derivative(of: root, withRespectTo: Self.a) == constant)
        #expect(try graph.derivative(of: root, withRespectTo: Self.d) == graph.zero)
        #expect(graph.count == before)
    }

    @Test func kinksGetTheirDerivativeAlmostEverywhere() throws {
        let graph = ScalarGraph()
        let a = graph.symbol(Self.a)
        for (function, positive, negative) in [(ScalarFunction.abs, 1.0, -1.0), (.relu, 1, 0)] {
            let derivative = try graph.derivative(of: graph.apply(function, a), withRespectTo: Self.a)
            #expect(graph.value(of: derivative, at: [Self.a: 0.3]) == positive)
            #expect(graph.value(of: derivative, at: [Self.a: -0.3]) == negative)
            #expect(graph.value(of: derivative, at: [Self.a: 0]) == 0)
        }
    }

    // MARK: - Declared functions

    @Test(arguments: ["sigma", "g", "phi"])
    func standInsMatchStandInFunctions(_ name: String) throws {
        let evaluator = try Self.point(seed: 5)
        let value = try evaluator.evaluate(Self.X)
        let checks: [(MatrixExpr, Tensor)] = [
            (f(.declaredElementwise(name), Self.X), StandInFunctions.elementwise(name, value)),
            (f(.declaredElementwiseDerivative(name), Self.X), StandInFunctions.elementwiseDerivative(name, value)),
            (f(.declaredScalar(name), Self.X), .scalar(StandInFunctions.scalar(name, value))),
            (f(.declaredScalarGradient(name), Self.X), StandInFunctions.scalarGradient(name, value)),
        ]
        for (expr, expected) in checks {
            let expanded = try Self.expandedValue(expr, at: evaluator)
            #expect(expanded.relativeDistance(to: expected) < 1e-13, "\(PlainPrinter.print(expr))")
        }
    }

    @Test(arguments: ["sigma", "lambda"])
    func standInDerivativesAreTheDeclaredDerivatives(_ name: String) throws {
        // ∂σ(X)[i,j]/∂X[i,j] = σ'(X)[i,j] and ∂λ(X)/∂X[i,j] = ∇λ(X)[i,j], symbolically.
        let evaluator = try Self.point(seed: 6)
        let graph = ScalarGraph()
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: ["X"])
        let sigma = try expansion.expand(f(.declaredElementwise(name), Self.X))
        let sigmaPrime = try expansion.expand(f(.declaredElementwiseDerivative(name), Self.X))
        let lambda = try expansion.expand(f(.declaredScalar(name), Self.X))
        let gradient = try expansion.expand(f(.declaredScalarGradient(name), Self.X))
        let symbols = try expansion.symbols(of: "X").entries.compactMap { id -> ScalarSymbol? in
            if case .symbol(let symbol) = graph[id] { return symbol }
            return nil
        }
        #expect(symbols.count == 6)
        let values = expansion.symbolValues()
        for (k, symbol) in symbols.enumerated() {
            let dSigma = try graph.derivative(of: sigma.entries[k], withRespectTo: symbol)
            #expect(Swift.abs(graph.value(of: dSigma, at: values) - graph.value(of: sigmaPrime.entries[k], at: values)) < 1e-14)
            let dLambda = try graph.derivative(of: lambda.entries[0], withRespectTo: symbol)
            #expect(Swift.abs(graph.value(of: dLambda, at: values) - graph.value(of: gradient.entries[k], at: values)) < 1e-14)
        }
    }
}
