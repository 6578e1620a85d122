// The index layer: lowering, delta contraction, canonical form and lifting, as identity tables.

import Testing
@testable import Ricci

/// Variables of the identity tables: matrices over m, n and n×n, vectors.
private let declarations = try! Declarations(
    parsingVariables: ["A:m,n", "B:m,n", "C:n,n", "D:n,n", "E:n,n", "F:n,n", "S:n,n:symmetric",
                       "x:m", "y:n", "u:n", "g:n", "s:m", "t:"],
    functions: [])

/// A context over the variables above.
private func context() throws -> IndexContext {
    let environment = try CheckedExpression(parsing: "t", declarations: declarations).environment
    return IndexContext(table: ExpressionTable(environment: environment))
}

/// The notation `text` read with the free ranges taken from its own factors.
private func read(_ text: String, free: [Dimension], in context: IndexContext) throws -> (terms: [Term], free: [Index]) {
    let notation = try IndexNotation(parsing: text, environment: context.table.environment, freeRanges: free)
    return context.terms(of: notation)
}

/// Terms as canonical index notation text.
private func text(_ terms: [Term], free: [Index], in context: IndexContext) -> String {
    let merged = context.merged(terms, free: free)
    return IndexPrinter.print(context.notation(of: merged, functionIndices: free, variableIndices: []))
}

private let m = Dimension.named("m"), n = Dimension.named("n")

@Suite struct IndexCoreTests {
    // MARK: Lowering

    @Test(arguments: [
        ("A*y", [m], "J[i] = A[i,k]*y[k]"),
        ("(A'*x)'", [n], "J[i] = A[k,i]*x[k]"),
        ("tr(C*D)", [], "J = C[k,l]*D[l,k]"),
        ("sum(A)", [], "J = A[k,l]"),
        ("diagm(y)", [n, n], "J[i,j] = delta(i,j)*y[i]"),
        ("diagv(C)", [n], "J[i] = C[i,i]"),
        ("2*A.*B", [m, n], "J[i,j] = 2*A[i,j]*B[i,j]"),
        ("A./B", [m, n], "J[i,j] = A[i,j]*(B.^(-1))[i,j]"),
        ("x*y'", [m, n], "J[i,j] = x[i]*y[j]"),
        ("(A - B)*y", [m], "J[i] = (A - B)[i,k]*y[k]"),
        ("exp(A)'", [n, m], "J[i,j] = exp(A)[j,i]"),
        ("I(n)", [n, n], "J[i,j] = delta(i,j)"),
        ("-t*y", [n], "J[i] = -t*y[i]"),
        ("(x'*x)^2", [], "J = (x'*x)^2"),
        ("(2*y).^2", [n], "J[i] = 4*(y.^2)[i]"),
    ])
    func lowering(expression: String, shape: [Dimension], expected: String) throws {
        let context = try context()
        let checked = try CheckedExpression(parsing: expression, declarations: declarations)
        let id = context.table.intern(tree: checked.expression)
        let free = shape.map(context.freshIndex)
        #expect(text([context.lower(id, free)], free: free, in: context) == expected)
    }

    // MARK: Delta contraction

    @Test(arguments: [
        ("J[i,j] = A[i,k]*delta(k,j)", [m, n], "J[i,j] = A[i,j]"),
        ("J[i,j] = delta(i,k)*delta(k,j)", [n, n], "J[i,j] = delta(i,j)"),
        ("J = delta(k,l)*y[l]*(y.^(-1))[k]", [], "J = tr(I(n))"),
        ("J[i] = A[i,k]*ones(n)[k]", [m], "J[i] = A[i,k]"),
        ("J = ones(n)[k]", [], "J = tr(I(n))"),
        ("J[i] = y[i]*y[i]", [n], "J[i] = (y.^2)[i]"),
        ("J[i] = y[i]*(y.^(-1))[i]", [n], "J[i] = 1"),
        ("J = y[k]*(y.^(-1))[k]", [], "J = tr(I(n))"),
        ("J[i,j] = delta(j,i)*2*t*t", [n, n], "J[i,j] = 2*delta(i,j)*t^2"),
        ("J[i] = 0*y[i]", [n], "J[i] = 0"),
        // The Penrose conditions: A A⁺ A = A, A⁺ A A⁺ = A⁺, A A⁺ A⁺ᵀ = A⁺ᵀ, A⁺ A Aᵀ = Aᵀ.
        ("J[i,j] = A[i,k]*pinv(A)[k,l]*A[l,j]", [m, n], "J[i,j] = A[i,j]"),
        ("J[i,j] = pinv(A)[i,k]*A[k,l]*pinv(A)[l,j]", [n, m], "J[i,j] = pinv(A)[i,j]"),
        ("J[i,j] = A[i,k]*pinv(A)[k,l]*pinv(A)[j,l]", [m, n], "J[i,j] = pinv(A)[j,i]"),
        ("J[i,j] = pinv(A)[i,k]*A[k,l]*A[j,l]", [n, m], "J[i,j] = A[j,i]"),
        // … the complements annihilate the family and are idempotent …
        ("J[i,j] = pinv(A)[i,k]*(I(m) - A*pinv(A))[k,j]", [n, m], "J[i,j] = 0"),
        ("J[i,j] = (I(m) - A*pinv(A))[k,i]*A[k,j]", [m, n], "J[i,j] = 0"),
        ("J[i,j] = A[i,k]*(I(n) - pinv(A)*A)[j,k]", [m, n], "J[i,j] = 0"),
        ("J[i,j] = (I(m) - A*pinv(A))[i,k]*A[k,l]*pinv(A)[l,j]", [m, m], "J[i,j] = 0"),
        ("J[i,j] = (I(n) - pinv(A)*A)[i,k]*(I(n) - pinv(A)*A)[k,j]", [n, n], "J[i,j] = (I(n) - pinv(A)*A)[i,j]"),
        // … a vector's pseudo-inverse is a left inverse …
        ("J = pinv(x)[k]*x[k]", [], "J = 1"),
        // … and a projector met through its other side, or by a Hadamard index, stays.
        ("J[i,j] = C[i,k]*pinv(C)[k,l]*C[j,l]", [n, n], "J[i,j] = C[i,k]*pinv(C)[k,l]*C[j,l]"),
        ("J[i,j] = A[i,k]*pinv(A)[k,j]*A[j,k]", [m, m], "J[i,j] = A[i,k]*pinv(A)[k,j]*A[j,k]"),
    ])
    func contraction(input: String, free: [Dimension], expected: String) throws {
        let context = try context()
        let (terms, indices) = try read(input, free: free, in: context)
        #expect(text(terms, free: indices, in: context) == expected)
    }

    // MARK: Canonical form

    @Test func termsEqualUpToSummedNamesMerge() throws {
        let context = try context()
        let (terms, free) = try read("J[p,q] = A[k,p]*B[k,q] + B[l,q]*A[l,p]", free: [n, n], in: context)
        #expect(text(terms, free: free, in: context) == "J[i,j] = 2*A[k,i]*B[k,j]")
    }

    @Test func symmetricFactorsMergeAcrossTheirTwoSlots() throws {
        let context = try context()
        let (terms, free) = try read("J[p,q] = C[p,k]*S[k,q] + S[q,l]*C[p,l]", free: [n, n], in: context)
        #expect(context.merged(terms, free: free).count == 1)
        let (plain, plainFree) = try read("J[p,q] = C[p,k]*D[k,q] + D[q,l]*C[p,l]", free: [n, n], in: context)
        #expect(context.merged(plain, free: plainFree).count == 2)
    }

    /// Random terms over a few matrices: the canonical form is idempotent and does not depend
    /// on the order of the factors or the names of the summed indices.
    @Test(arguments: 0..<200)
    func canonicalFormIsInvariant(seed: UInt64) throws {
        let context = try context()
        var random = SeededGenerator(seed: seed)
        let matrices = ["C", "D", "E", "S", "F"].map { context.table.intern(tree: .variable($0)) }
        let free = [context.freshIndex(n), context.freshIndex(n)]
        let summed = (0..<3).map { _ in context.freshIndex(n) }
        let pool = free + summed
        var factors: [Factor] = []
        for _ in 0..<(2 + random.nextInteger(below: 4)) {
            let matrix = matrices[random.nextInteger(below: matrices.count)]
            let a = pool[random.nextInteger(below: pool.count)]
            let b = pool[random.nextInteger(below: pool.count)]
            factors.append(.entry(matrix, [a, b], exponent: 1))
        }
        let term = Term(2, factors)
        let canonical = context.canonical(term, free: free)
        #expect(context.canonical(canonical, free: free) == canonical, "seed \(seed)")
        var shuffled = factors
        shuffled.shuffle(using: &random)
        var renaming: [Index: Index] = [:]
        for index in summed { renaming[index] = context.freshIndex(n) }
        let renamed = Term(2, shuffled).renamed { renaming[$0] ?? $0 }
        #expect(context.canonical(renamed, free: free) == canonical, "seed \(seed)")
    }

    // MARK: Lifting

    @Test(arguments: [
        ("J[p,q] = A[k,p]*B[k,q]", [n, n], "A'*B"),
        ("J[p,q] = C[p,k]*D[q,k]", [n, n], "C*D'"),
        ("J[p,q] = x[p]*y[q]", [m, n], "x*y'"),
        ("J[p,q] = A[p,q]*x[p]*y[q]", [m, n], "A.*(x*y')"),
        ("J[p,q] = A[p,q]*y[q]", [m, n], "A*diagm(y)"),
        ("J[p,q] = A[p,q]*B[p,q]", [m, n], "A.*B"),
        ("J[p,q] = A[p,q]*B[p,q]*B[p,q]", [m, n], "A.*B.^2"),
        ("J = C[k,k]", [], "tr(C)"),
        ("J = C[k,l]*D[l,k]", [], "tr(D*C)"),
        ("J = y[k]*u[k]", [], "y'*u"),
        ("J = A[k,l]", [], "sum(A)"),
        ("J[p] = A[k,p]*s[k]*g[p]", [n], "g.*(A'*s)"),
        ("J[p] = C[k,p]*C[k,l]*D[l,p]", [n], "sum(D.*(C'*C), 1)'"),
        ("J[p,q] = delta(p,q)", [n, n], "I(n)"),
        ("J[p,q] = delta(p,q)*y[p]", [n, n], "diagm(y)"),
        ("J[p,q] = 1", [m, n], "ones(m,n)"),
        ("J[p] = A[p,k]", [m], "sum(A, 2)"),
        ("J[p,q] = C[p,k]*y[k]*D[k,q]", [n, n], "C*diagm(y)*D"),
        ("J[p,q] = -t*x[p]*y[q]", [m, n], "-t*x*y'"),
        ("J[p,q] = C[q,k]*D[k,p]", [n, n], "(C*D)'"),
    ])
    func lifting(input: String, free: [Dimension], expected: String) throws {
        let context = try context()
        let (terms, indices) = try read(input, free: free, in: context)
        let shape = free.count == 2 ? Shape(free[0], free[1]) : free.count == 1 ? Shape.vector(free[0]) : .scalar
        let merged = context.merged(terms, free: indices)
        let lifted = try context.lift(merged, free: indices, shape: shape)
        #expect(PlainPrinter.print(context.table.expression(context.expression(of: lifted, shape: shape))) == expected)
    }

    @Test(arguments: [
        ("J[p,q,r] = C[p,q]*y[r]", [n, n, n]),
        ("J = C[i,j]*D[i,k]*E[i,l]*F[j,k]*C[j,l]*D[k,l]", []),
    ])
    func liftingSaysNoWhenThereIsNoMatrixForm(input: String, free: [Dimension]) throws {
        let context = try context()
        let (terms, indices) = try read(input, free: free, in: context)
        #expect(throws: LiftError.self) {
            try context.lift(context.merged(terms, free: indices), free: indices, shape: .scalar)
        }
    }
}
