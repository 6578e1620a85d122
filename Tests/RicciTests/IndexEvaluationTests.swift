// Evaluation of hand-written index notation against finite differences and hand-computed values.

import Testing
@testable import Ricci

@Suite struct IndexEvaluationTests {
    static func entry(_ expr: MatrixExpr, _ indices: String..., power: Rational = .one) -> IndexNotation.Factor {
        .entry(expr, indices: indices, exponent: power)
    }
    static func term(_ coefficient: Rational, _ factors: IndexNotation.Factor...) -> IndexNotation.Term {
        IndexNotation.Term(coefficient: coefficient, factors: factors)
    }
    static let m = Dimension.named("m"), k = Dimension.named("k"), n = Dimension.named("n")

    /// X m×k, A k×n, W k×n, Y m×n, x a k-vector, at sizes m=2, k=3, n=4.
    static func point(seed: UInt64) throws -> Evaluator {
        let sizes = ["m": 2, "k": 3, "n": 4]
        let variables = [
            Variable(name: "X", shape: Shape(m, k), isDeclared: true),
            Variable(name: "A", shape: Shape(k, n), isDeclared: true),
            Variable(name: "W", shape: Shape(k, n), isDeclared: true),
            Variable(name: "Y", shape: Shape(m, n), isDeclared: true),
            Variable(name: "x", shape: .vector(k), isDeclared: true),
        ]
        let environment = Environment(variables: Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) }))
        var generator = SeededGenerator(seed: seed)
        return Evaluator(sizes: sizes, values: try TestPoint.drawValues(for: environment, sizes: sizes, using: &generator))
    }

    /// Checks `notation` against the central-difference Jacobian of `expr` by `variable`.
    static func checkAgainstDifferences(_ notation: IndexNotation, _ expr: MatrixExpr, _ variable: String,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        for seed in UInt64(0)..<3 {
            let evaluator = try point(seed: seed)
            let value = try notation.evaluate(with: evaluator)
            let expected = try FiniteDifferences.jacobian(of: expr, withRespectTo: variable, at: evaluator)
            #expect(value.shape == expected.shape, sourceLocation: sourceLocation)
            let distance = value.relativeDistance(to: expected)
            #expect(distance < 1e-8, "seed \(seed): \(notation): \(distance)", sourceLocation: sourceLocation)
        }
    }

    @Test func jacobianOfAProductByItsLeftFactor() throws {
        // ∂(X A)[i,j]/∂X[p,q] = δ[i,p] A[q,j]
        let notation = IndexNotation(
            freeIndices: ["i", "j", "p", "q"], ranges: ["i": Self.m, "j": Self.n, "p": Self.m, "q": Self.k],
            terms: [Self.term(1, .delta("i", "p"), Self.entry(v("A"), "q", "j"))])
        try Self.checkAgainstDifferences(notation, .multiply(v("X"), v("A")), "X")
    }

    @Test func jacobianOfAProductByItsRightFactor() throws {
        // ∂(X A)[i,j]/∂A[p,q] = X[i,p] δ[j,q], the delta written through a summed index:
        // Σ_l X[i,l] δ[l,p] δ[j,q].
        let notation = IndexNotation(
            freeIndices: ["i", "j", "p", "q"],
            ranges: ["i": Self.m, "j": Self.n, "p": Self.k, "q": Self.n, "l": Self.k],
            terms: [Self.term(1, Self.entry(v("X"), "i", "l"), .delta("l", "p"), .delta("j", "q"))])
        try Self.checkAgainstDifferences(notation, .multiply(v("X"), v("A")), "A")
    }

    @Test func gradientOfAFrobeniusLoss() throws {
        // ∂ tr((X W − Y)(X W − Y)')/∂W[p,q] = 2 Σ_l X[l,p] (X W − Y)[l,q]
        let residual = MatrixExpr.subtract(.multiply(v("X"), v("W")), v("Y"))
        let notation = IndexNotation(
            freeIndices: ["p", "q"], ranges: ["p": Self.k, "q": Self.n, "l": Self.m],
            terms: [Self.term(2, Self.entry(v("X"), "l", "p"), Self.entry(residual, "l", "q"))])
        try Self.checkAgainstDifferences(
            notation, .apply(.trace, .multiply(residual, .transpose(residual))), "W")
    }

    @Test func powersOfEntriesAndSeveralTerms() throws {
        // ∂ sum(1 ./ x + x .^ 3)/∂x[p] = −x[p]⁻² + 3 x[p]²
        let x = v("x")
        let notation = IndexNotation(
            freeIndices: ["p"], ranges: ["p": Self.k],
            terms: [Self.term(-1, Self.entry(x, "p", power: -2)), Self.term(3, Self.entry(x, "p", power: 2))])
        let expr = MatrixExpr.apply(.sum, .add(.elementwiseDivide(.number(1), x), .elementwisePower(x, 3)))
        try Self.checkAgainstDifferences(notation, expr, "x")
    }

    @Test func scalarFactorsAndAVectorFunction() throws {
        // ∂ (x'x · X x)[i]/∂x[p] = 2 x[p] (X x)[i] + (x'x) X[i,p]
        let x = v("x"), xx = MatrixExpr.multiply(.transpose(v("x")), v("x"))
        let notation = IndexNotation(
            freeIndices: ["i", "p"], ranges: ["i": Self.m, "p": Self.k],
            terms: [Self.term(2, Self.entry(x, "p"), Self.entry(.multiply(v("X"), x), "i")),
                    Self.term(1, Self.entry(xx), Self.entry(v("X"), "i", "p"))])
        try Self.checkAgainstDifferences(notation, .multiply(xx, .multiply(v("X"), x)), "x")
    }

    @Test func hadamardAndRepeatedIndices() throws {
        // ∂ sum(X .* X)/∂X[p,q] = 2 X[p,q], written with an index shared by three factors:
        // Σ_{i,j} 2 X[i,j] δ[i,p] δ[j,q].
        let notation = IndexNotation(
            freeIndices: ["p", "q"], ranges: ["p": Self.m, "q": Self.k, "i": Self.m, "j": Self.k],
            terms: [Self.term(2, Self.entry(v("X"), "i", "j"), .delta("i", "p"), .delta("j", "q"))])
        try Self.checkAgainstDifferences(notation, .apply(.sum, .hadamard(v("X"), v("X"))), "X")
    }

    @Test func handComputedValues() throws {
        let evaluator = Evaluator(sizes: ["n": 2], values: ["B": .matrix([[1, 2], [3, 4]]), "u": .vector([5, 6])])
        let (b, u) = (v("B"), v("u"))
        func value(_ free: [String], _ ranges: [String: Dimension], _ terms: [IndexNotation.Term]) throws -> Tensor {
            try IndexNotation(freeIndices: free, ranges: ranges, terms: terms).evaluate(with: evaluator)
        }
        // Σ_k B[k,k] = tr B, no free index: an order-0 tensor.
        #expect(try value([], [:], [Self.term(1, Self.entry(b, "k", "k"))]) == Tensor(shape: [], scalars: [5]))
        // δ[i,p] alone: the identity.
        #expect(try value(["i", "p"], ["i": Self.n, "p": Self.n], [Self.term(1, .delta("i", "p"))]) == .identity(2))
        // A free index in no factor: constant along it. J[i,p] = ½ u[p].
        #expect(try value(["i", "p"], ["i": Self.n, "p": Self.n], [Self.term(Rational(1, 2), Self.entry(u, "p"))])
                == .matrix([[2.5, 3], [2.5, 3]]))
        // Sizes from the entries when there are no ranges: B[j,i] is Bᵀ.
        #expect(try value(["i", "j"], [:], [Self.term(1, Self.entry(b, "j", "i"))]) == .matrix([[1, 3], [2, 4]]))
        // A row vector takes one index: (u')[k] u[k] = 61.
        #expect(try value([], [:], [Self.term(1, Self.entry(.transpose(u), "k"), Self.entry(u, "k"))])
                == Tensor(shape: [], scalars: [61]))
        // A delta between two free indices of a summed product: Σ_k B[i,k] δ[k,p] = B[i,p].
        #expect(try value(["i", "p"], ["i": Self.n, "p": Self.n, "k": Self.n],
                          [Self.term(1, Self.entry(b, "i", "k"), .delta("k", "p"))]) == .matrix([[1, 2], [3, 4]]))
        // No terms: zero.
        #expect(try value(["i"], ["i": Self.n], []) == Tensor(shape: [2], repeating: 0))
    }

    @Test func malformedNotationThrowsInsteadOfCrashing() throws {
        let evaluator = try Self.point(seed: 0)
        let (x, bigX) = (v("x"), v("X"))
        func error(_ free: [String], _ ranges: [String: Dimension], _ factors: IndexNotation.Factor...) -> (any Error)? {
            do {
                _ = try IndexNotation(freeIndices: free, ranges: ranges,
                                      terms: [IndexNotation.Term(coefficient: 1, factors: factors)])
                    .evaluate(with: evaluator)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(["i"], [:], .delta("i", "j")) as? IndexEvaluationError
                == IndexEvaluationError(.unknownRange(index: "i")))
        #expect(error(["i"], ["i": Self.m], Self.entry(x, "i")) as? IndexEvaluationError
                == IndexEvaluationError(.sizeMismatch(index: "i", sizes: [2, 3])))
        #expect(error(["i"], [:], Self.entry(bigX, "i", "k"), Self.entry(x))
                as? IndexEvaluationError == IndexEvaluationError(.indexCount(expression: "x", indices: 0, shape: [3, 1])))
        #expect(error(["i"], [:], Self.entry(bigX, "i")) as? IndexEvaluationError
                == IndexEvaluationError(.indexCount(expression: "X", indices: 1, shape: [2, 3])))
        #expect(error(["i"], [:], Self.entry(v("Z"), "i")) as? EvaluationError
                == EvaluationError(.unknownVariable("Z")))
        #expect(error(["i"], ["i": .named("q")], Self.entry(x, "i")) as? EvaluationError
                == EvaluationError(.unknownDimension("q")))
        // Sixteen free indices of size 3 would be a result of 3¹⁶ entries: refused, not run.
        let names = (0..<16).map { "f\($0)" }
        let tooLarge = IndexNotation(
            freeIndices: names, ranges: [:],
            terms: [IndexNotation.Term(coefficient: 1, factors: names.map { .entry(x, indices: [$0], exponent: .one) })])
        #expect(throws: IndexEvaluationError(.tooLarge(assignments: 43_046_721))) { _ = try tooLarge.evaluate(with: evaluator) }
    }

    @Test func manySummedIndicesAreContractedOneByOne() throws {
        // Σ_{s₀…s₁₉} Π x[sₖ] = (Σ x)²⁰: 3²⁰ assignments if looped over at once, 20·3 by
        // contracting one index at a time.
        let evaluator = try Self.point(seed: 0)
        let x = v("x")
        let factors = (0..<20).map { IndexNotation.Factor.entry(x, indices: ["s\($0)"], exponent: .one) }
        let notation = IndexNotation(freeIndices: [], ranges: [:], terms: [IndexNotation.Term(coefficient: 1, factors: factors)])
        let sum = try evaluator.evaluate(.apply(.sum, x)).scalarValue
        let value = try notation.evaluate(with: evaluator).scalarValue
        let expected = (0..<20).reduce(1.0) { product, _ in product * sum }
        #expect(Swift.abs(value - expected) <= 1e-12 * Swift.abs(expected))
        // A chain M[i,k₁] M[k₁,k₂] … M[k₉,j] is the matrix power M¹⁰ (M = X X', 2×2).
        let m = MatrixExpr.multiply(v("X"), .transpose(v("X")))
        let chain = (0..<10).map { position -> IndexNotation.Factor in
            .entry(m, indices: [position == 0 ? "i" : "k\(position)", position == 9 ? "j" : "k\(position + 1)"],
                   exponent: .one)
        }
        let notation10 = IndexNotation(freeIndices: ["i", "j"], ranges: [:],
                                       terms: [IndexNotation.Term(coefficient: 1, factors: chain)])
        let power = try evaluator.evaluate((1..<10).reduce(m) { product, _ in .multiply(product, m) })
        #expect(try notation10.evaluate(with: evaluator).relativeDistance(to: power) < 1e-13)
    }
}
