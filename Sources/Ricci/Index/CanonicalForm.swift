// Canonical form of a term: summed indices renamed in a canonical order, factors sorted.

extension IndexContext {
    /// The term with its summed indices renamed to `-1, -2, …` in an order that depends only
    /// on the term's structure, and its factors sorted, so that terms equal up to the names
    /// of summed indices become equal values: `A[i,j] B[j,k]` and `A[i,l] B[l,k]` give the
    /// same canonical term, and so do `X[i,p] S[i,q]` and `S[q,i] X[i,p]` when `S` is
    /// symmetric (the two indices of a symmetric factor, or of a delta, are unordered).
    ///
    /// The order is found by colour refinement: a summed index is coloured by the factors
    /// that carry it, the slot it sits in and the colours of its neighbours, three rounds,
    /// then factors are sorted by their own key and their indices' colours, and summed indices
    /// are named in order of first appearance. Two indices that refinement cannot tell apart
    /// are interchangeable in every term Ricci builds in practice; where they are not, two
    /// equal terms may stay unmerged (a longer result, never a wrong one).
    ///
    /// The coefficient is unchanged; canonical summed names are negative, so a canonical term
    /// must be given fresh summed indices (``refreshed(_:free:)``) before it is multiplied
    /// with another.
    func canonical(_ term: Term, free: [Index]) -> Term {
        let freeSet = Set(free)
        var color: [Index: UInt64] = [:]
        for (position, index) in free.enumerated() { color[index] = mix(0xF4EE, UInt64(position)) }
        var summed: [Index] = []
        for factor in term.factors {
            for index in factor.indices where !freeSet.contains(index) && color[index] == nil {
                color[index] = 0
                summed.append(index)
            }
        }
        let bases = term.factors.map(baseKey)
        let symmetric = term.factors.map(isUnordered)

        if !summed.isEmpty {
            for _ in 0..<3 {
                var next = color
                for index in summed {
                    var signature: [UInt64] = []
                    for (position, factor) in term.factors.enumerated() {
                        let indices = factor.indices
                        for (slot, carried) in indices.enumerated() where carried == index {
                            var neighbours = indices.enumerated().filter { $0.offset != slot }
                                .map { color[$0.element]! }
                            if symmetric[position] { neighbours.sort() }
                            let slotTag: UInt64 = symmetric[position] ? 2 : UInt64(slot)
                            signature.append(neighbours.reduce(mix(bases[position], slotTag), mix))
                        }
                    }
                    next[index] = signature.sorted().reduce(color[index]!, mix)
                }
                color = next
            }
        }

        // Sort factors by their structure and their indices' colours, then name summed
        // indices in order of first appearance.
        let order = term.factors.indices.sorted { a, b in
            let keyA = colourKey(term.factors[a], symmetric[a], bases[a], color)
            let keyB = colourKey(term.factors[b], symmetric[b], bases[b], color)
            return keyA != keyB ? keyA.lexicographicallyPrecedes(keyB) : a < b
        }
        var renaming: [Index: Index] = [:]
        for position in order {
            var indices = term.factors[position].indices
            if symmetric[position] { indices.sort { color[$0]! < color[$1]! } }
            for index in indices where !freeSet.contains(index) && renaming[index] == nil {
                renaming[index] = Index(id: -Int32(renaming.count) - 1, range: index.range)
            }
        }
        var factors = term.factors.enumerated().map { position, factor -> Factor in
            let renamed = factor.renamed { renaming[$0] ?? $0 }
            guard symmetric[position] else { return renamed }
            switch renamed {
            case .entry(let id, let indices, let exponent):
                return .entry(id, indices.sorted(), exponent: exponent)
            case .delta(let a, let b):
                return .delta(min(a, b), max(a, b))
            }
        }
        factors.sort { factorKey($0).lexicographicallyPrecedes(factorKey($1)) }
        return Term(term.coefficient, factors)
    }

    /// The term with every summed index (those not in `free`) renamed to a fresh one.
    func refreshed(_ term: Term, free: Set<Index>) -> Term {
        var renaming: [Index: Index] = [:]
        return term.renamed { index in
            if free.contains(index) { return index }
            if let renamed = renaming[index] { return renamed }
            let fresh = freshIndex(index.range)
            renaming[index] = fresh
            return fresh
        }
    }

    /// True when the factor's two indices can be swapped without changing its value: a
    /// delta, or an entry of a symmetric matrix.
    private func isUnordered(_ factor: Factor) -> Bool {
        switch factor {
        case .delta: return true
        case .entry(let id, let indices, _): return indices.count == 2 && table.isSymmetric(id)
        }
    }

    /// What a factor is, without its indices.
    private func baseKey(_ factor: Factor) -> UInt64 {
        switch factor {
        case .delta: return mix(0xDE17A, 0)
        case .entry(let id, _, let exponent):
            return mix(mix(mix(0xE27, UInt64(bitPattern: Int64(id.raw))),
                           UInt64(bitPattern: Int64(exponent.numerator))),
                       UInt64(bitPattern: Int64(exponent.denominator)))
        }
    }

    private func colourKey(_ factor: Factor, _ symmetric: Bool, _ base: UInt64, _ color: [Index: UInt64]) -> [UInt64] {
        var colours = factor.indices.map { color[$0]! }
        if symmetric { colours.sort() }
        return [base] + colours
    }

    /// A total order on factors with concrete index names.
    private func factorKey(_ factor: Factor) -> [Int64] {
        switch factor {
        case .delta(let a, let b): return [1, 0, 0, 0, Int64(a.id), Int64(b.id)]
        case .entry(let id, let indices, let exponent):
            return [0, Int64(id.raw), Int64(exponent.numerator), Int64(exponent.denominator)]
                + indices.map { Int64($0.id) }
        }
    }
}

/// A fixed 64-bit mixing function (the SplitMix64 finaliser applied to `seed ⊕ value`), so
/// canonical orders are the same in every run (Swift's `Hasher` is seeded per process).
func mix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15 &+ (value &* 0xBF58_476D_1CE4_E5B9)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
