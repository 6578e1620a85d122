// The Penrose conditions on the factors of one index term.
//
// `A⁺` satisfies `A A⁺ A = A`, `A⁺ A A⁺ = A⁺`, and `A A⁺`, `A⁺ A` are symmetric. In index
// notation a transpose is only the order of a factor's indices, so the four spellings of each
// identity (`A A⁺ A⁺ᵀ = A⁺ᵀ`, `Aᵀ A⁺ᵀ A⁺ = A⁺`, …) are one pattern: a projector `A A⁺` (or
// `A⁺ A`) met by a third factor of the same family through the projector's side. Derivatives
// of `pinv` bring such products together across terms that the matrix layer sees only as
// separate nodes (`sum(A⁺, 1) (I − A A⁺)` is `Σ_i A⁺[i,j] (I − A A⁺)[j,k]`, zero), so the rule
// acts here, before terms are merged.

/// The side of `A` (`m×n`) a factor's index belongs to: its rows (`m`) or its columns (`n`).
private enum PenroseSide { case rows, columns }

/// A factor of the `A`, `A⁺` family in one term: an entry of `A` or of `A⁺` (exponent 1),
/// with the index of each side (`nil` for a side of size 1, which has no index).
private struct PenroseLetter {
    let matrix: ExprID
    let isPseudoInverse: Bool
    let rowIndex: Index?
    let columnIndex: Index?

    func index(on side: PenroseSide) -> Index? { side == .rows ? rowIndex : columnIndex }
}

extension IndexContext {
    /// `factors` (of one term, deltas contracted) with the Penrose conditions applied, or `nil`
    /// when the term is zero by them. `isFree` tells the free indices. Rules, each of which
    /// removes factors (so the loop ends); every summed index named is carried by exactly the
    /// two factors it joins:
    ///
    /// - `penrose-triple`: `Σ_{s,o} A[i,s] A⁺[s,o] A[o,j] = A[i,j]` and the same for every
    ///   factor of the family met by the projector `A A⁺` (`Σ A[i,s] A⁺[s,o] A⁺[j,o] =
    ///   A⁺[j,i]`) or `A⁺ A` through its side. Shrinks: two factors go.
    /// - `penrose-vector`: `Σ_s a⁺[s] a[s] = 1` for a vector `a` (`a⁺ a = 1`, `a a⁺ = 1` for a
    ///   row vector). Shrinks: two factors go.
    /// - `penrose-annihilate`: `Σ_s (I − A A⁺)[i,s] A[s,j] = 0`, `Σ_s (I − A A⁺)[i,s] A⁺[j,s]
    ///   = 0`, `Σ (I − A A⁺)[i,o] A[o,s] A⁺[s,j] = 0`, and the same for `I − A⁺ A` on the
    ///   columns. Shrinks: the term goes.
    /// - `projector-square`: `Σ_s C[i,s] C[s,j] = C[i,j]` for a complement `C = I − A A⁺` or
    ///   `I − A⁺ A` (symmetric and idempotent). Shrinks: one factor goes.
    func penroseContracted(_ factors: [Factor], isFree: (Index) -> Bool) -> [Factor]? {
        // Most derivations have no pseudo-inverse, and most terms of those that do none of its
        // family: one flag, then one pass, decide that.
        guard table.holdsPseudoInverse, factors.contains(where: { factor in
            guard case .entry(let id, _, let exponent) = factor, exponent.isOne else { return false }
            if case .apply(.pseudoInverse, _) = table[id] { return true }
            return table.projectorComplement(id) != nil
        }) else { return factors }
        var factors = factors
        while true {
            switch penroseStep(&factors, isFree: isFree) {
            case .unchanged: return factors
            case .changed: continue
            case .zero: return nil
            }
        }
    }

    private enum PenroseStepOutcome { case unchanged, changed, zero }

    /// Applies one rule of ``penroseContracted(_:isFree:)`` to `factors`.
    private func penroseStep(_ factors: inout [Factor], isFree: (Index) -> Bool) -> PenroseStepOutcome {
        // The matrices of the families present: of a pseudo-inverse's entry or a complement's.
        let arguments = factors.compactMap { factor -> ExprID? in
            guard case .entry(let id, _, let exponent) = factor, exponent.isOne else { return nil }
            if case .apply(.pseudoInverse, let argument) = table[id] { return argument }
            return table.projectorComplement(id)?.matrix
        }
        guard !arguments.isEmpty else { return .unchanged }
        // By position in the term (a term has a few factors): looked up without hashing, and
        // met in the term's order, so that the rule applied first is the same in every run.
        var letters = [PenroseLetter?](repeating: nil, count: factors.count)
        var complements = [(matrix: ExprID, side: PenroseSide)?](repeating: nil, count: factors.count)
        for (position, factor) in factors.enumerated() {
            guard case .entry(let id, let indices, let exponent) = factor, exponent.isOne else { continue }
            if let letter = penroseLetter(id, indices, arguments: arguments) {
                letters[position] = letter
            } else if let (matrix, isRowSide) = table.projectorComplement(id), indices.count == 2 {
                complements[position] = (matrix, isRowSide ? .rows : .columns)
            }
        }
        /// The other factor carrying the summed index `index`, when exactly `position` and one
        /// other factor carry it, once each.
        func partner(of position: Int, through index: Index) -> Int? {
            guard !isFree(index) else { return nil }
            var found: Int?
            for (other, factor) in factors.enumerated() {
                let count = factor.indices.reduce(0) { $0 + ($1 == index ? 1 : 0) }
                if count == 0 { continue }
                if other == position {
                    if count != 1 { return nil }
                } else {
                    if count != 1 || found != nil { return nil }
                    found = other
                }
            }
            return found
        }
        func renaming(_ position: Int, _ old: Index, to new: Index) {
            factors[position] = factors[position].renamed { $0 == old ? new : $0 }
        }

        // penrose-annihilate (a letter met by a complement) and projector-square.
        for (position, complement) in complements.enumerated() {
            guard let complement else { continue }
            for index in factors[position].indices {
                guard let other = partner(of: position, through: index) else { continue }
                if let letter = letters[other], letter.matrix == complement.matrix,
                    letter.index(on: complement.side) == index
                {
                    return .zero
                }
                if let twin = complements[other], twin.matrix == complement.matrix, twin.side == complement.side {
                    let kept = factors[other].indices.first { $0 != index } ?? index
                    renaming(position, index, to: kept)
                    factors.remove(at: other)
                    return .changed
                }
            }
        }

        for (first, letter) in letters.enumerated() {
            guard let letter, !letter.isPseudoInverse else { continue }
            for (second, pseudoInverse) in letters.enumerated() {
                guard let pseudoInverse, pseudoInverse.isPseudoInverse, pseudoInverse.matrix == letter.matrix else { continue }
                // The projector A A⁺ joins them by the columns and acts on the rows; A⁺ A the other way.
                for (inner, outer) in [(PenroseSide.columns, PenroseSide.rows), (.rows, .columns)] {
                    // penrose-vector: a⁺ a over the one index both carry.
                    if letter.index(on: outer) == nil, pseudoInverse.index(on: outer) == nil,
                        let shared = letter.index(on: inner), pseudoInverse.index(on: inner) == shared,
                        partner(of: first, through: shared) == second
                    {
                        factors.removePair(first, second)
                        return .changed
                    }
                    guard let shared = letter.index(on: inner), pseudoInverse.index(on: inner) == shared,
                        partner(of: first, through: shared) == second,
                        let letterEnd = letter.index(on: outer), let pseudoInverseEnd = pseudoInverse.index(on: outer),
                        letterEnd != pseudoInverseEnd
                    else { continue }
                    let ends = [letterEnd, pseudoInverseEnd]
                    for (end, member) in zip(ends, [first, second]) {
                        guard let third = partner(of: member, through: end) else { continue }
                        let otherEnd = end == ends[0] ? ends[1] : ends[0]
                        if let absorbed = letters[third], absorbed.matrix == letter.matrix, absorbed.index(on: outer) == end {
                            // penrose-triple: the projector is absorbed by its neighbour.
                            renaming(third, end, to: otherEnd)
                            factors.removePair(first, second)
                            return .changed
                        }
                        if let complement = complements[third], complement.matrix == letter.matrix, complement.side == outer {
                            return .zero  // penrose-annihilate: (I − A A⁺) A A⁺ = 0
                        }
                    }
                }
            }
        }
        return .unchanged
    }

    /// The factor `id[indices]` as a letter of the family of a matrix in `arguments` (the
    /// matrices whose pseudo-inverse or complement projector the term holds), or `nil`.
    private func penroseLetter(_ id: ExprID, _ indices: IndexList, arguments: [ExprID]) -> PenroseLetter? {
        let matrix: ExprID
        let isPseudoInverse: Bool
        if case .apply(.pseudoInverse, let argument) = table[id] {
            (matrix, isPseudoInverse) = (argument, true)
        } else if arguments.contains(id) {
            (matrix, isPseudoInverse) = (id, false)
        } else {
            return nil
        }
        let shape = table.shape(matrix)
        guard !shape.hasProductAxis else { return nil }
        // A's entry is A[row, column], A⁺'s is A⁺[column, row]; a side of size 1 has no index.
        var remaining = indices[...]
        var slots: [PenroseSide] = isPseudoInverse ? [.columns, .rows] : [.rows, .columns]
        slots.removeAll { ($0 == .rows ? shape.rows : shape.columns).isOne }
        guard slots.count == remaining.count else { return nil }
        var rowIndex: Index?
        var columnIndex: Index?
        for side in slots {
            let index = remaining.popFirst()
            if side == .rows { rowIndex = index } else { columnIndex = index }
        }
        return PenroseLetter(matrix: matrix, isPseudoInverse: isPseudoInverse, rowIndex: rowIndex, columnIndex: columnIndex)
    }
}

extension Array {
    /// Removes the elements at two distinct positions.
    fileprivate mutating func removePair(_ a: Int, _ b: Int) {
        remove(at: Swift.max(a, b))
        remove(at: Swift.min(a, b))
    }
}
