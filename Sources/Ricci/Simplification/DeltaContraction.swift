// Kronecker-delta contraction and the clean-up rules that keep a term in normal form.

extension IndexContext {
    /// The term with every contractible delta contracted and trivial factors removed, or `nil`
    /// when it is zero. `free` are the indices that are not summed. Rules, each of which
    /// removes one factor (so the loop ends):
    ///
    /// - `delta-contract`: `Σ_j A[i,j] δ[j,p] = A[i,p]` — a delta with a summed index is
    ///   removed and that index renamed to the other one everywhere in the term (and
    ///   `Σ_{i,j} δ[i,j] = n` when no other factor carries either);
    /// - `delta-trace`: `Σ_i δ[i,i] = n`, and `δ[p,p] = 1` for a free `p`;
    /// - `ones-eliminate`: `ones[i,j]` is 1 — removed; a summed index it alone carried
    ///   contributes its range `n` (`Σ_i 1 = n`);
    /// - `power-merge`: `(M.^c)[i,j]^e = M[i,j]^(c·e)` for an integer `e`, and `M[i,j]^a M[i,j]^b = M[i,j]^(a+b)`,
    ///   the factor removed at exponent 0 (with the same rule for a summed index left alone).
    ///
    /// A delta between two free indices stays: it is the identity of a Jacobian.
    func contracted(_ term: Term, free: [Index]) -> Term? {
        measured(profile, .contract) { contract(term, free: free) }
    }

    private func contract(_ term: Term, free: [Index]) -> Term? {
        guard !term.coefficient.isZero else { return nil }
        var coefficient = term.coefficient
        var factors = term.factors
        var dimensionFactors: [Dimension] = []
        // Free indices are few (at most four): a linear search beats hashing.
        func isFree(_ index: Index) -> Bool { free.contains(index) }

        // delta-contract and delta-trace.
        var position = 0
        while position < factors.count {
            guard case .delta(let a, let b) = factors[position] else {
                position += 1
                continue
            }
            if a == b {
                factors.remove(at: position)
                if !isFree(a) && !occurs(a, in: factors) { dimensionFactors.append(range(of: a)) }
                continue
            }
            let (gone, kept) = isFree(a) ? (b, a) : (a, b)
            if isFree(gone) {
                // Both free: the delta is part of the value.
                position += 1
                continue
            }
            factors.remove(at: position)
            var goneOccurs = false
            for other in factors.indices where factors[other].indices.contains(gone) {
                factors[other] = factors[other].renamed { $0 == gone ? kept : $0 }
                goneOccurs = true
            }
            // Σ_{i,j} δ[i,j] over two summed indices that nothing else carries is Σ_j 1 = n.
            if !goneOccurs && !isFree(kept) && !occurs(kept, in: factors) { dimensionFactors.append(range(of: kept)) }
            position = 0
        }

        // ones-eliminate.
        var index = 0
        while index < factors.count {
            if case .entry(let id, let indices, _) = factors[index], case .ones = table[id] {
                factors.remove(at: index)
                for (slot, carried) in indices.enumerated()
                where !indices[..<slot].contains(carried) && !isFree(carried) && !occurs(carried, in: factors) {
                    dimensionFactors.append(range(of: carried))
                }
            } else {
                index += 1
            }
        }

        // power-merge.
        var merged: [Factor] = []
        merged.reserveCapacity(factors.count)
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
            let same = merged.firstIndex {
                if case .entry(id, indices, _) = $0 { return true }
                return false
            }
            if let same, case .entry(_, _, let previous) = merged[same] {
                merged[same] = .entry(id, indices, exponent: previous + exponent)
            } else {
                merged.append(.entry(id, indices, exponent: exponent))
            }
        }
        // An exponent that merged to 0 leaves the factor 1; a summed index only it carried
        // sums to the index's range.
        var result: [Factor] = []
        result.reserveCapacity(merged.count)
        var vanished: [Index] = []
        for factor in merged {
            if case .entry(_, let indices, let exponent) = factor, exponent.isZero {
                vanished += indices
            } else {
                result.append(factor)
            }
        }
        for (slot, carried) in vanished.enumerated()
        where !vanished[..<slot].contains(carried) && !isFree(carried) && !occurs(carried, in: result) {
            dimensionFactors.append(range(of: carried))
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

