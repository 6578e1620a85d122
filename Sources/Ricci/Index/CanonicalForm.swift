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
        let factors = term.factors
        // Indices are numbered locally by first appearance, the free ones first; every
        // factor carries at most two, so its slots are two positions (−1 when absent).
        var locals = free
        locals.reserveCapacity(free.count + 2 * factors.count)
        // Per factor: its two slots, its structure and whether its indices are unordered
        // (one array, not four).
        var slots = factors.map { factor in
            FactorSlots(first: -1, second: -1, base: baseKey(factor), symmetric: isUnordered(factor))
        }
        // (Loops, not local functions: a local function that captures a mutable variable
        // boxes it and checks every access to it at run time.)
        for (number, factor) in factors.enumerated() {
            for (slot, index) in factor.indices.enumerated() {
                var position = locals.firstIndex(of: index) ?? -1
                if position < 0 {
                    position = locals.count
                    locals.append(index)
                }
                if slot == 0 { slots[number].first = position } else { slots[number].second = position }
            }
        }
        var color = [UInt64](repeating: 0, count: locals.count)
        for position in free.indices { color[position] = mix(0xF4EE, UInt64(position)) }

        if locals.count > free.count {
            var next = color
            var signature: [UInt64] = []
            signature.reserveCapacity(2 * factors.count)
            for _ in 0..<3 {
                for index in free.count..<locals.count {
                    signature.removeAll(keepingCapacity: true)
                    for number in factors.indices {
                        let (first, second) = (slots[number].first, slots[number].second)
                        if first == index {
                            let tag = mix(slots[number].base, slots[number].symmetric ? 2 : 0)
                            signature.append(second >= 0 ? mix(tag, color[second]) : tag)
                        }
                        if second == index {
                            let tag = mix(slots[number].base, slots[number].symmetric ? 2 : 1)
                            signature.append(mix(tag, color[first]))
                        }
                    }
                    signature.sort()
                    next[index] = signature.reduce(color[index], mix)
                }
                swap(&color, &next)
                for position in free.indices { next[position] = color[position] }
            }
        }

        // Sort factors by their structure and their indices' colours (computed once each),
        // then name summed indices in order of first appearance.
        let (colors, factorSlots) = (color, slots)
        let keys = factors.indices.map { number -> (UInt64, UInt64, UInt64, Int) in
            let slot = factorSlots[number]
            let first = slot.first >= 0 ? colors[slot.first] : 0
            let second = slot.second >= 0 ? colors[slot.second] : 0
            let (low, high) = slot.symmetric && second < first ? (second, first) : (first, second)
            return (slot.base, low, high, number)
        }
        var order = Array(factors.indices)
        order.sort { keys[$0] < keys[$1] }
        var renamed = [Int32?](repeating: nil, count: locals.count)
        var summedCount: Int32 = 0
        for number in order {
            var (first, second) = (slots[number].first, slots[number].second)
            if first < 0 { (first, second) = (second, -1) }
            if slots[number].symmetric && first >= 0 && second >= 0 && color[second] < color[first] { swap(&first, &second) }
            // (Two statements, not a loop over `[first, second]`: no array per factor.)
            if first >= free.count && renamed[first] == nil {
                summedCount += 1
                renamed[first] = -summedCount
            }
            if second >= free.count && renamed[second] == nil {
                summedCount += 1
                renamed[second] = -summedCount
            }
        }
        let (numbered, names) = (locals, renamed)
        func rename(_ index: Index) -> Index {
            guard let position = numbered.firstIndex(of: index), let id = names[position] else { return index }
            return Index(id: id, rangeNumber: index.rangeNumber)
        }
        var result = factors.enumerated().map { number, factor -> Factor in
            let factor = summedCount > 0 ? factor.renamed(rename) : factor
            guard factorSlots[number].symmetric else { return factor }
            switch factor {
            case .entry(let id, let indices, let exponent):
                return .entry(id, indices[0] <= indices[1] ? indices : indices.swapped, exponent: exponent)
            case .delta(let a, let b):
                return .delta(min(a, b), max(a, b))
            }
        }
        result.sort(by: factorPrecedes)
        return Term(term.coefficient, result)
    }

    /// The term with every summed index (those not in `free`) renamed to a fresh one.
    func refreshed(_ term: Term, free: [Index]) -> Term {
        var renaming: [(from: Index, to: Index)] = []
        return term.renamed { index in
            if free.contains(index) { return index }
            if let renamed = renaming.first(where: { $0.from == index }) { return renamed.to }
            let fresh = allocator.fresh(rangeNumber: index.rangeNumber)
            renaming.append((index, fresh))
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

    /// A hash of what a factor is apart from its indices: its expression and exponent, or a delta.
    func baseKey(_ factor: Factor) -> UInt64 {
        switch factor {
        case .delta: return mix(0xDE17A, 0)
        case .entry(let id, _, let exponent):
            return mix(0xE27, power: id, exponent)
        }
    }

    /// A total order on factors with concrete index names: entries before deltas, then by
    /// expression, exponent and indices.
    private func factorPrecedes(_ a: Factor, _ b: Factor) -> Bool {
        switch (a, b) {
        case (.entry, .delta): return true
        case (.delta, .entry): return false
        case (.delta(let a1, let a2), .delta(let b1, let b2)): return (a1.id, a2.id) < (b1.id, b2.id)
        case (.entry(let x, let xs, let e), .entry(let y, let ys, let f)):
            if x != y { return x < y }
            if e != f { return e < f }
            return xs.lexicographicallyPrecedes(ys)
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

/// `seed` mixed with a power `base^exponent`: its node and the exponent's numerator and
/// denominator, in that order.
func mix(_ seed: UInt64, power base: ExprID, _ exponent: Rational) -> UInt64 {
    mix(mix(seed, UInt64(UInt32(bitPattern: base.raw))), rational: exponent)
}

/// `seed` mixed with a rational number: its numerator, then its denominator.
func mix(_ seed: UInt64, rational value: Rational) -> UInt64 {
    mix(mix(seed, UInt64(bitPattern: Int64(value.numerator))), UInt64(bitPattern: Int64(value.denominator)))
}

/// Where a factor's indices sit among the local numbers of ``IndexContext/canonical(_:free:)``
/// (−1 for an absent slot), its structure, and whether its two indices are unordered.
private struct FactorSlots {
    var first: Int
    var second: Int
    let base: UInt64
    let symmetric: Bool
}
