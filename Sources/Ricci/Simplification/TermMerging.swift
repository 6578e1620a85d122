// Merging like terms of an index sum.

extension IndexContext {
    /// The sum of `terms` with like terms merged: every term contracted and brought to
    /// canonical form, terms with equal factors added (`X[i,p] R[i,q] + X[j,p] R[j,q] =
    /// 2 X[i,p] R[i,q]`), zero terms dropped. The order of first appearance is kept, so the
    /// result reads in the order the derivation produced it.
    ///
    /// Shrinks: each merge removes a term.
    func merged(_ terms: [Term], free: [Index]) -> [Term] {
        measured(profile, .contract) { merge(terms, free: free) }
    }

    private func merge(_ terms: [Term], free: [Index]) -> [Term] {
        // One term has nothing to merge with: contraction is all it needs.
        if terms.count == 1 { return contracted(terms[0], free: free).map { [$0] } ?? [] }
        var result: [Term] = []
        var positions: [[Factor]: Int] = [:]
        for term in terms {
            guard let contracted = contracted(term, free: free) else { continue }
            let canonicalTerm = canonical(contracted, free: free)
            if let position = positions[canonicalTerm.factors] {
                result[position].coefficient += canonicalTerm.coefficient
            } else {
                positions[canonicalTerm.factors] = result.count
                result.append(canonicalTerm)
            }
        }
        return result.filter { !$0.coefficient.isZero }
    }
}
