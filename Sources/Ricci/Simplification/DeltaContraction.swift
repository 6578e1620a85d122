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
    ///   the factor removed at exponent 0 (with the same rule for a summed index left alone);
    /// - `logistic`: `exp(z)[i]^a (1 + exp(z))[i]^-b = sigmoid(z)[i]^c exp(z)[i]^(a-c)
    ///   (1 + exp(z))[i]^(c-b)` with `c = min(a, b)`, and then `(1 + exp(z))[i]^-d =
    ///   sigmoid(-z)[i]^d`. Shrinks: `exp`, `+` and `./` become `sigmoid` (and a negation),
    ///   and `exp(z)` is no longer computed twice;
    /// - the Penrose conditions of ``penroseContracted(_:isFree:)`` (`A A⁺ A = A`, `A⁺(I − A
    ///   A⁺) = 0`, …) on the factors of a pseudo-inverse's family.
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

        // The Penrose conditions (Simplification/PenroseContraction.swift).
        guard let reduced = penroseContracted(factors, isFree: isFree) else { return nil }
        factors = reduced

        // power-merge, first the entries of powers as powers of entries, numbers folded.
        var normalized: [Factor] = []
        normalized.reserveCapacity(factors.count)
        for factor in factors {
            guard case .entry(var id, let indices, var exponent) = factor else {
                normalized.append(factor)
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
                    normalized.append(factor)
                    continue
                }
                coefficient *= folded
                continue
            }
            normalized.append(.entry(id, indices, exponent: exponent))
        }
        applyLogisticIdentities(&normalized)
        // Then equal entries merged: M[i,j]^a M[i,j]^b = M[i,j]^(a+b).
        var merged: [Factor] = []
        merged.reserveCapacity(normalized.count)
        for factor in normalized {
            guard case .entry(let id, let indices, let exponent) = factor else {
                merged.append(factor)
                continue
            }
            let same = merged.firstIndex {
                if case .entry(id, indices, _) = $0 { return true }
                return false
            }
            if let same, case .entry(_, _, let previous) = merged[same] {
                merged[same] = .entry(id, indices, exponent: previous + exponent)
            } else {
                merged.append(factor)
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

    /// The `logistic` rule on a term's merged factors (see ``contracted(_:free:)``): first
    /// `(1 + exp(z))^-d = sigmoid(-z)^d`, then `exp(w)^a sigmoid(-w)^b = sigmoid(w)^c
    /// exp(w)^(a-c) sigmoid(-w)^(b-c)` with `c = min(a, b)`, since `exp(w) sigmoid(-w) =
    /// exp(w) / (1 + exp(w)) = sigmoid(w)`. (The factors of one term meet at different
    /// stages of the chain rule, so the second form is the one that finds them together.)
    /// Runs between the two halves of `power-merge`: the powers it changes (to 0, or a new
    /// `sigmoid(w)` beside one already there) merge afterwards.
    private func applyLogisticIdentities(_ factors: inout [Factor]) {
        /// `z` when `id` is `1 + exp(z)` (or `exp(z) + 1`).
        func onePlusExpArgument(_ id: ExprID) -> ExprID? {
            guard case .add(let a, let b) = table[id] else { return nil }
            let other: ExprID
            if table.numberValue(a) == .one { other = b } else if table.numberValue(b) == .one { other = a } else { return nil }
            guard case .apply(.elementwise(.exp), let z) = table[other] else { return nil }
            return z
        }
        for position in factors.indices {
            if case .entry(let id, let indices, let exponent) = factors[position], exponent.isNegative,
                let z = onePlusExpArgument(id)
            {
                factors[position] = .entry(table.apply(.elementwise(.sigmoid), table.negate(z)), indices, exponent: -exponent)
            }
        }
        // exp(w) pairs with a sigmoid: without one in the term (most terms), nothing to look for.
        guard factors.contains(where: {
            if case .entry(let id, _, _) = $0, case .apply(.elementwise(.sigmoid), _) = table[id] { return true }
            return false
        }) else { return }
        var position = 0
        while position < factors.count {
            guard case .entry(let id, let indices, let power) = factors[position], power > .zero,
                case .apply(.elementwise(.exp), let w) = table[id]
            else {
                position += 1
                continue
            }
            let complement = table.apply(.elementwise(.sigmoid), table.negate(w))
            guard let partner = factors.firstIndex(where: {
                if case .entry(complement, indices, let other) = $0 { return other > .zero }
                return false
            }), case .entry(_, _, let other) = factors[partner] else {
                position += 1
                continue
            }
            let common = min(power, other)
            factors[position] = .entry(id, indices, exponent: power - common)
            factors[partner] = .entry(complement, indices, exponent: other - common)
            factors.append(.entry(table.apply(.elementwise(.sigmoid), w), indices, exponent: common))
            position += 1
        }
    }

    /// True when some factor carries `index`.
    private func occurs(_ index: Index, in factors: [Factor]) -> Bool {
        factors.contains { $0.indices.contains(index) }
    }
}

