// A Hessian is symmetric: its terms that are not symmetric on their own come in transposed
// pairs, and only one of each pair needs lifting and simplifying.

extension IndexContext {
    /// The terms of a Hessian `H[i,j,p,q] = ∂²f/∂X[i,j]∂X[p,q]` (`first` = `[i, j]`,
    /// `second` = `[p, q]`, one index each for a vector) split by its symmetry,
    /// `H[i,j,p,q] = H[p,q,i,j]`: a term `t` whose swap `t′` (`i ↔ p`, `j ↔ q`) is another term
    /// with the same coefficient gives one of the pair to `half`, and
    /// `H = Σ own + S + Sᵀ` with `S = Σ half` (in the vec convention `t′` is the transposed
    /// matrix of `t`). Terms symmetric on their own, and terms whose partner is missing or has
    /// another coefficient, stay in `own`. Both keep the order of the terms.
    ///
    /// Why: the terms of a Hessian come out of forward mode in pairs (the two orders of
    /// differentiation), and lifting, then weighing the factorings of, twice as many terms as
    /// there are different ones is most of the cost of a large Hessian; the result, `S + Sᵀ`, is
    /// also half as long as `S` and its transpose written out.
    ///
    /// The terms are those of a merge, in canonical form (``canonical(_:free:)``): a swapped
    /// term is brought to canonical form and looked up among them. A pair is only ever found
    /// between equal terms, so a term not in canonical form can at worst stay unpaired.
    func symmetricHalves(_ terms: [Term], first: [Index], second: [Index]) -> (own: [Term], half: [Term]) {
        guard terms.count >= 2, first.count == second.count else { return (terms, []) }
        let free = first + second
        func swapped(_ index: Index) -> Index {
            if let k = first.firstIndex(of: index) { return second[k] }
            if let k = second.firstIndex(of: index) { return first[k] }
            return index
        }
        // A term and its swap have the same factors but for their indices: only a term whose
        // factors another term shares (the sum of their keys, taken in any order) can pair,
        // and only those are swapped and brought to canonical form.
        let signatures = terms.map { $0.factors.reduce(UInt64(0)) { $0 &+ baseKey($1) } }
        // The terms of each signature, in order; a partner is looked for among them by
        // comparing factors (a handful of terms each: cheaper than hashing whole factor lists).
        var bySignature: [UInt64: [Int]] = [:]
        for (position, signature) in signatures.enumerated() { bySignature[signature, default: []].append(position) }
        var paired = [Bool](repeating: false, count: terms.count)
        var own: [Term] = []
        var half: [Term] = []
        for (position, term) in terms.enumerated() where !paired[position] {
            let sameSignature = bySignature[signatures[position]]!
            guard sameSignature.count > 1 else {
                own.append(term)
                continue
            }
            let partnerKey = canonical(term.renamed(swapped), free: free).factors
            if partnerKey != term.factors, let partner = sameSignature.first(where: { terms[$0].factors == partnerKey }),
               !paired[partner],
               terms[partner].coefficient == term.coefficient
            {
                paired[position] = true
                paired[partner] = true
                half.append(term)
            } else {
                own.append(term)
            }
        }
        return (own, half)
    }
}
