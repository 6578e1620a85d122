// Merging like terms of an index sum.

extension IndexContext {
    /// The sum of `terms` with like terms merged: every term contracted and brought to
    /// canonical form, terms with equal factors added (`X[i,p] R[i,q] + X[j,p] R[j,q] =
    /// 2 X[i,p] R[i,q]`), zero terms dropped. The order of first appearance is kept, so the
    /// result reads in the order the derivation produced it.
    ///
    /// Shrinks: each merge removes a term. Terms that are already contracted (each came out
    /// of ``contracted(_:free:)`` with the same free indices) pass `contracting: false`, which
    /// skips a second contraction that would change nothing.
    func merged(_ terms: [Term], free: [Index], contracting: Bool = true) -> [Term] {
        measured(profile, .contract) { merge(terms, free: free, contracting: contracting) }
    }

    /// The most terms merged by comparing each with every earlier one; more are hashed.
    private static let longestLinearMerge = 8

    private func merge(_ terms: [Term], free: [Index], contracting: Bool) -> [Term] {
        func prepared(_ term: Term) -> Term? {
            contracting ? contracted(term, free: free) : (term.coefficient.isZero ? nil : term)
        }
        // One term has nothing to merge with: contraction is all it needs.
        if terms.count == 1 { return prepared(terms[0]).map { [$0] } ?? [] }
        var result: [Term] = []
        // A few terms are compared directly; hashing arrays of factors costs more than that.
        let hashing = terms.count > Self.longestLinearMerge
        var positions: [[Factor]: Int] = [:]
        for term in terms {
            guard let contracted = prepared(term) else { continue }
            let canonicalTerm = canonical(contracted, free: free)
            let position = hashing
                ? positions[canonicalTerm.factors]
                : result.firstIndex { $0.factors == canonicalTerm.factors }
            if let position {
                result[position].coefficient += canonicalTerm.coefficient
            } else {
                if hashing { positions[canonicalTerm.factors] = result.count }
                result.append(canonicalTerm)
            }
        }
        return result.filter { !$0.coefficient.isZero }
    }
}
