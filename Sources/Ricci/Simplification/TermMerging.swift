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
        // Many terms are looked up by a digest of their factors (feeding every factor to
        // Swift's hasher cost more than the canonical forms), checked for equality; terms
        // whose digests collide are found by a scan.
        var positions: [UInt64: Int] = [:]
        for term in terms {
            guard let contracted = prepared(term) else { continue }
            let canonicalTerm = canonical(contracted, free: free)
            var position: Int?
            var digest: UInt64 = 0
            if hashing {
                digest = canonicalTerm.factors.reduce(0x7E27) { mix($0, baseKey($1) ^ indexDigest($1)) }
                if let known = positions[digest] {
                    position = result[known].factors == canonicalTerm.factors
                        ? known : result.firstIndex { $0.factors == canonicalTerm.factors }
                }
            } else {
                position = result.firstIndex { $0.factors == canonicalTerm.factors }
            }
            if let position {
                result[position].coefficient += canonicalTerm.coefficient
            } else {
                if hashing, positions[digest] == nil { positions[digest] = result.count }
                result.append(canonicalTerm)
            }
        }
        return result.filter { !$0.coefficient.isZero }
    }

    /// A digest of a factor's indices (with `baseKey`, of the whole factor).
    private func indexDigest(_ factor: Factor) -> UInt64 {
        factor.indices.reduce(0x1D) { mix($0, UInt64(UInt32(bitPattern: $1.id))) }
    }
}
