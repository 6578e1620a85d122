// Kronecker-delta contraction and the clean-up rules that keep a term in normal form.

extension IndexContext {
    /// The term with every contractible delta contracted and trivial factors removed, or `nil`
    /// when it is zero. `free` are the indices that are not summed. Rules, each of which
    /// removes one factor (so the loop ends):
    ///
    /// - `delta-contract`: `Σ_j A[i,j] δ[j,p] = A[i,p]` — a delta with a summed index is
    ///   removed and that index renamed to the other one everywhere in the term;
    /// - `delta-trace`: `Σ_i δ[i,i] = n`, and `δ[p,p] = 1` for a free `p`;
    /// - `ones-eliminate`: `ones[i,j]` is 1 — removed; a summed index it alone carried
    ///   contributes its range `n` (`Σ_i 1 = n`);
    /// - `power-merge`: `(M.^c)[i,j]^e = M[i,j]^(c·e)` for an integer `e`, and `M[i,j]^a M[i,j]^b = M[i,j]^(a+b)`,
    ///   the factor removed at exponent 0 (with the same rule for a summed index left alone).
    ///
    /// A delta between two free indices stays: it is the identity of a Jacobian.
    func contracted(_ term: Term, free: Set<Index>) -> Term? {
        measured(profile, .contract) { contract(term, free: free) }
    }

    private func contract(_ term: Term, free: Set<Index>) -> Term? {
        guard !term.coefficient.isZero else { return nil }
        var coefficient = term.coefficient
        var factors = term.factors
        var dimensionFactors: [Dimension] = []

        // delta-contract and delta-trace.
        var position = 0
        while position < factors.count {
            guard case .delta(let a, let b) = factors[position] else {
                position += 1
                continue
            }
            factors.remove(at: position)
            if a == b {
                if !free.contains(a) && !occurs(a, in: factors) { dimensionFactors.append(a.range) }
                continue
            }
            let (gone, kept) = free.contains(a) ? (b, a) : (a, b)
            if free.contains(gone) {
                // Both free: the delta is part of the value; keep it and move on.
                factors.insert(.delta(a, b), at: position)
                position += 1
                continue
            }
            factors = factors.map { $0.renamed { $0 == gone ? kept : $0 } }
            position = 0
        }

        // ones-eliminate.
        var index = 0
        while index < factors.count {
            if case .entry(let id, let indices, _) = factors[index], case .ones = table[id] {
                factors.remove(at: index)
                for carried in Set(indices).sorted() where !free.contains(carried) && !occurs(carried, in: factors) {
                    dimensionFactors.append(carried.range)
                }
            } else {
                index += 1
            }
        }

        // power-merge.
        var merged: [Factor] = []
        var positions: [EntryKey: Int] = [:]
        for factor in factors {
            guard case .entry(var id, let indices, var exponent) = factor else {
                merged.append(factor)
                continue
            }
            // An entry of a power is a power of an entry: (M.^c)[i,j]^e = M[i,j]^(c·e) for an
            // integer e ((x²)^½ is |x|, so a fractional e keeps the entry).
            while exponent.isInteger {
                if case .elementwisePower(let base, let inner) = table[id] {
                    (id, exponent) = (base, exponent * inner)
                } else if case .power(let base, let inner) = table[id] {
                    (id, exponent) = (base, exponent * inner)
                } else {
                    break
                }
            }
            if case .number(let value) = table[id] {
                // A number that reached an entry (a closed power of a constant) folds.
                guard let folded = value.power(exponent) else {
                    merged.append(factor)
                    continue
                }
                coefficient *= folded
                continue
            }
            let key = EntryKey(id: id, indices: indices)
            if let at = positions[key], case .entry(_, _, let previous) = merged[at] {
                merged[at] = .entry(id, indices, exponent: previous + exponent)
            } else {
                positions[key] = merged.count
                merged.append(factor)
            }
        }
        // An exponent that merged to 0 leaves the factor 1; a summed index only it carried
        // sums to the index's range.
        let isUnit: (Factor) -> Bool = {
            if case .entry(_, _, let exponent) = $0 { return exponent.isZero }
            return false
        }
        var result = merged.filter { !isUnit($0) }
        for carried in Set(merged.filter(isUnit).flatMap(\.indices)).sorted()
        where !free.contains(carried) && !occurs(carried, in: result) {
            dimensionFactors.append(carried.range)
        }
        for range in dimensionFactors {
            // Σ_i 1 over i ∈ 1…n is n; a literal size folds into the coefficient.
            if case .fixed(let size) = range {
                coefficient *= Rational(size)
            } else {
                let size = table.apply(.trace, table.intern(.identity(range)))
                result.append(.entry(size, [], exponent: .one))
            }
        }
        guard !coefficient.isZero else { return nil }
        return Term(coefficient, result)
    }

    /// True when some factor carries `index`.
    private func occurs(_ index: Index, in factors: [Factor]) -> Bool {
        factors.contains { $0.indices.contains(index) }
    }
}

/// An entry without its exponent: entries with equal keys multiply by adding exponents.
private struct EntryKey: Hashable {
    let id: ExprID
    let indices: [Index]
}
