// Scalars read back as the input wrote them: a closed cluster of a lifted term that is an
// opened scalar sub-expression becomes that sub-expression again.

extension IndexContext {
    /// Notes that lowering opened the scalar `id` into `factors` times `coefficient`
    /// (`sum(A x) = Σ_{k,l} A[k,l] x[l]`, `tr(2 M) = 2 Σ_k M[k,k]`), when the factors carry a
    /// summed index: only then can lifting spell them otherwise (`xᵀ sum(A, 1)ᵀ`).
    func registerOpenedScalar(_ id: ExprID, factors: ArraySlice<Factor>, coefficient: Rational) {
        registeredScalars.insert(id)
        guard !coefficient.isZero, factors.contains(where: { !$0.indices.isEmpty }) else { return }
        let key = canonical(Term(.one, Array(factors)), free: [])
        if openedScalars[key] == nil { openedScalars[key] = (id, coefficient) }
    }

    /// `term` with every closed cluster of its factors (joined by summed indices, touching no
    /// free one) that is an opened scalar (``registerOpenedScalar(_:factors:coefficient:)``)
    /// written as the entry of that scalar: `Σ_{k,l} A[k,l] x[l]` as `sum(A x)`, divided by
    /// the number its opening took out.
    ///
    /// Without it the lift spells such a scalar as its graph reduces (`xᵀ sum(A, 1)ᵀ`), so the
    /// same quantity appears under two names, one from the input and one from the lift: the
    /// result is longer, and a derivative taken of it again differentiates the quantity once
    /// per name. Equal canonical forms are renamings of each other, so the two are equal.
    func recognizingOpenedScalars(_ term: Term, free: [Index]) -> Term {
        guard !openedScalars.isEmpty, term.factors.count >= 2 else { return term }
        let clusters = Self.clusters(term.factors, linkedBy: { !free.contains($0) })
        guard clusters.count >= 2 || free.isEmpty else { return term }
        var recognized: [(positions: [Int], id: ExprID, coefficient: Rational)] = []
        for cluster in clusters {
            let factors = cluster.map { term.factors[$0] }
            guard factors.contains(where: { !$0.indices.isEmpty }),
                  factors.allSatisfy({ $0.indices.allSatisfy { !free.contains($0) } }),
                  let scalar = openedScalars[canonical(Term(.one, factors), free: [])]
            else { continue }
            recognized.append((cluster, scalar.id, scalar.coefficient))
        }
        guard !recognized.isEmpty else { return term }
        var removed = Set<Int>()
        var result = Term(term.coefficient)
        for scalar in recognized {
            removed.formUnion(scalar.positions)
            result.coefficient = result.coefficient / scalar.coefficient
        }
        result.factors = term.factors.indices.filter { !removed.contains($0) }.map { term.factors[$0] }
        for scalar in recognized { result.factors.append(.entry(scalar.id, [], exponent: .one)) }
        return result
    }
}
