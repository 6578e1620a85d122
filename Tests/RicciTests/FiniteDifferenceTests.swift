// Central finite differences against derivatives known in closed form, at random test points.

import Foundation
import Testing
@testable import Ricci

@Suite struct FiniteDifferenceTests {
    static func matrix(_ name: String, _ rows: String, _ columns: String,
                       _ property: MatrixProperty? = nil) -> Variable {
        Variable(name: name, shape: Shape(.named(rows), .named(columns)), property: property, isDeclared: true)
    }
    static func vector(_ name: String, _ rows: String) -> Variable {
        Variable(name: name, shape: .vector(.named(rows)), isDeclared: true)
    }
    static func scalar(_ name: String) -> Variable {
        Variable(name: name, shape: .scalar, isDeclared: true)
    }

    /// A random test point for `variables`: distinct sizes for their dimension symbols, values
    /// as ``TestPoint`` draws them.
    static func point(_ variables: [Variable], seed: UInt64) throws -> Evaluator {
        var generator = SeededGenerator(seed: seed)
        let dimensions = variables.flatMap { [$0.shape.rows, $0.shape.columns] }.compactMap { dimension -> String? in
            if case .named(let name) = dimension { return name }
            return nil
        }
        let sizes = TestPoint.drawSizes(for: dimensions, using: &generator)
        let environment = Environment(variables: Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) }))
        let values = try TestPoint.drawValues(for: environment, sizes: sizes, using: &generator)
        return Evaluator(sizes: sizes, values: values)
    }

    /// Relative tolerance between a closed-form derivative and central differences.
    static let tolerance = 1e-6

    /// Checks the Jacobian of `expr` w.r.t. `name` against `expected` (evaluated, then given
    /// the Jacobian's axes), at the test point of `seed`.
    static func check(_ expr: MatrixExpr, _ name: String, _ expected: MatrixExpr,
                      _ variables: [Variable], seed: UInt64,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let evaluator = try point(variables, seed: seed)
        let numeric = try FiniteDifferences.jacobian(of: expr, withRespectTo: name, at: evaluator)
        let exact = try evaluator.evaluate(expected).squeezed()
        #expect(numeric.shape == exact.shape, "seed \(seed)", sourceLocation: sourceLocation)
        let distance = numeric.relativeDistance(to: exact)
        #expect(distance < tolerance, "seed \(seed): relative distance \(distance)", sourceLocation: sourceLocation)
    }

    static let seeds = UInt64(0)..<6

    @Test(arguments: seeds)
    func quadraticFormByVector(seed: UInt64) throws {
        // d/dx xᵀAx = (A + Aᵀ)x
        let (x, a) = (v("x"), v("A"))
        try Self.check(mul(tr(x), a, x), "x", .multiply(.add(a, tr(a)), x),
                       [Self.vector("x", "n"), Self.matrix("A", "n", "n")], seed: seed)
    }

    @Test(arguments: seeds)
    func traceOfProductByMatrix(seed: UInt64) throws {
        // d/dX tr(AXB) = AᵀBᵀ
        let (a, x, b) = (v("A"), v("X"), v("B"))
        try Self.check(f(.trace, mul(a, x, b)), "X", .multiply(tr(a), tr(b)),
                       [Self.matrix("A", "m", "n"), Self.matrix("X", "n", "k"), Self.matrix("B", "k", "m")],
                       seed: seed)
    }

    @Test(arguments: seeds)
    func logDeterminantByMatrix(seed: UInt64) throws {
        // d/dX logdet(X) = X⁻ᵀ, for a general square X and for an spd S (then S⁻¹).
        try Self.check(f(.logDeterminant, v("X")), "X", tr(f(.inverse, v("X"))),
                       [Self.matrix("X", "n", "n")], seed: seed)
        try Self.check(f(.logDeterminant, v("S")), "S", f(.inverse, v("S")),
                       [Self.matrix("S", "n", "n", .spd)], seed: seed)
    }

    @Test(arguments: seeds)
    func bilinearFormOfInverseByMatrix(seed: UInt64) throws {
        // d/dX aᵀX⁻¹b = −X⁻ᵀ a bᵀ X⁻ᵀ
        let (a, x, b) = (v("a"), v("X"), v("b"))
        let inverseTransposed = tr(f(.inverse, x))
        try Self.check(mul(tr(a), f(.inverse, x), b), "X",
                       .negate(mul(inverseTransposed, a, tr(b), inverseTransposed)),
                       [Self.vector("a", "n"), Self.matrix("X", "n", "n"), Self.vector("b", "n")], seed: seed)
    }

    @Test(arguments: seeds)
    func matrixTimesVectorByMatrixIsOrderThree(seed: UInt64) throws {
        // ∂(Xa)[i]/∂X[p,q] = δ(i,p) a[q]
        let evaluator = try Self.point([Self.matrix("X", "m", "n"), Self.vector("a", "n")], seed: seed)
        let jacobian = try FiniteDifferences.jacobian(of: .multiply(v("X"), v("a")), withRespectTo: "X", at: evaluator)
        let (m, n) = (evaluator.sizes["m"] ?? 0, evaluator.sizes["n"] ?? 0)
        let a = try #require(evaluator.values["a"])
        var exact = Tensor(shape: [m, m, n], repeating: 0)
        for i in 0..<m {
            for q in 0..<n { exact[i, i, q] = a[q, 0] }
        }
        #expect(jacobian.shape == [m, m, n])
        #expect(jacobian.relativeDistance(to: exact) < Self.tolerance, "seed \(seed)")
    }

    @Test(arguments: seeds)
    func vectorByVectorIsAMatrix(seed: UInt64) throws {
        // J[i,j] = ∂f_i/∂x_j: A for Ax, diag(cos x) for sin(x), I for xᵀ (a row vector).
        let variables = [Self.matrix("A", "m", "n"), Self.vector("x", "n")]
        try Self.check(.multiply(v("A"), v("x")), "x", v("A"), variables, seed: seed)
        try Self.check(.apply(.elementwise(.sin), v("x")), "x",
                       f(.diagonalMatrix, .apply(.elementwise(.cos), v("x"))), variables, seed: seed)
        try Self.check(tr(v("x")), "x", .identity(.named("n")), variables, seed: seed)
    }

    @Test(arguments: seeds)
    func scalarByScalarAndMatrixByScalar(seed: UInt64) throws {
        // d/dt t³ = 3t², d/dt (tA) = A, d/dt sigmoid(t) = sigmoid(t)(1 − sigmoid(t))
        let variables = [Self.scalar("t"), Self.matrix("A", "m", "n")]
        try Self.check(.power(v("t"), 3), "t", .multiply(.number(3), .power(v("t"), 2)), variables, seed: seed)
        try Self.check(.multiply(v("t"), v("A")), "t", v("A"), variables, seed: seed)
        let sigmoid = MatrixExpr.apply(.elementwise(.sigmoid), v("t"))
        try Self.check(sigmoid, "t", .multiply(sigmoid, .subtract(.number(1), sigmoid)), variables, seed: seed)
        let evaluator = try Self.point(variables, seed: seed)
        #expect(try FiniteDifferences.jacobian(of: .power(v("t"), 3), withRespectTo: "t", at: evaluator).order == 0)
    }

    @Test(arguments: seeds)
    func transposeByMatrixIsOrderFour(seed: UInt64) throws {
        // ∂(Xᵀ)[i,j]/∂X[p,q] = δ(i,q) δ(j,p)
        let evaluator = try Self.point([Self.matrix("X", "m", "n")], seed: seed)
        let jacobian = try FiniteDifferences.jacobian(of: tr(v("X")), withRespectTo: "X", at: evaluator)
        let (m, n) = (evaluator.sizes["m"] ?? 0, evaluator.sizes["n"] ?? 0)
        var exact = Tensor(shape: [n, m, m, n], repeating: 0)
        for i in 0..<n {
            for j in 0..<m { exact[i, j, j, i] = 1 }
        }
        #expect(jacobian.shape == [n, m, m, n])
        #expect(jacobian.relativeDistance(to: exact) < Self.tolerance, "seed \(seed)")
    }

    @Test(arguments: seeds)
    func symmetricEntriesArePerturbedIndependently(seed: UInt64) throws {
        // d/dS tr(AS) = Aᵀ with S[i,j] and S[j,i] independent, not the symmetrised (A + Aᵀ)/2.
        try Self.check(f(.trace, .multiply(v("A"), v("S"))), "S", tr(v("A")),
                       [Self.matrix("A", "n", "n"), Self.matrix("S", "n", "n", .symmetric)], seed: seed)
    }

    @Test func stepScalesWithLargeEntries() throws {
        // d/dx x.^2 = diagm(2x). At x = 1e4 a fixed step of 1e-6 would leave a relative error
        // near 4e-7 from rounding; the step 1e-6·|x| keeps it near 1e-10.
        let evaluator = Evaluator(values: ["x": .vector([1e4, -3e3, 0.5])])
        let jacobian = try FiniteDifferences.jacobian(of: .elementwisePower(v("x"), 2),
                                                      withRespectTo: "x", at: evaluator)
        let exact = Tensor.matrix([[2e4, 0, 0], [0, -6e3, 0], [0, 0, 1]])
        #expect(jacobian.relativeDistance(to: exact) < 1e-9)
        #expect(FiniteDifferences.relativeStep == 1e-6)
    }

    @Test func declaredElementwiseDerivativeMatchesItsFunction() throws {
        // d/dx sigma(x) = diagm(sigma'(x)), through the stand-ins.
        let variables = [Self.vector("x", "n")]
        for seed in Self.seeds {
            try Self.check(.apply(.declaredElementwise("sigma"), v("x")), "x",
                           f(.diagonalMatrix, .apply(.declaredElementwiseDerivative("sigma"), v("x"))),
                           variables, seed: seed)
        }
    }

    @Test func errorsAreThrown() throws {
        let evaluator = Evaluator(values: ["x": .vector([1, 2]), "A": .matrix([[1, 2, 3]])])
        #expect(throws: EvaluationError(.unknownVariable("y"))) {
            try FiniteDifferences.jacobian(of: v("x"), withRespectTo: "y", at: evaluator)
        }
        #expect(throws: EvaluationError(.shapeMismatch(operation: "*", left: [1, 3], right: [2, 1]))) {
            try FiniteDifferences.jacobian(of: .multiply(v("A"), v("x")), withRespectTo: "x", at: evaluator)
        }
        let long = Evaluator(values: ["z": Tensor(shape: [3000, 1], repeating: 1)])
        #expect(throws: EvaluationError(.tooLarge(rows: 3000, columns: 3000))) {
            try FiniteDifferences.jacobian(of: v("z"), withRespectTo: "z", at: long)
        }
    }
}
