// Rules for sums of Kronecker products, of diagonal matrices and of vecs, the forms of the vec
// convention.

extension MatrixSimplifier {
    /// `factor-kronecker`: `kron(A, B) + kron(A, C) = kron(A, B + C)` and
    /// `kron(A, C) + kron(B, C) = kron(A + B, C)`, coefficients and scalars moved into the
    /// factor that differs (`c kron(A, B) = kron(A, c B)`). Terms that are one Kronecker
    /// product share a factor; the one shared by most goes first. Shrinks: the shared factor
    /// is written once.
    static let factorKronecker = SimplificationRule(name: "factor-kronecker") { simplifier, sum, _ in
        guard sum.count >= 2 else { return nil }
        let table = simplifier.table
        /// The two factors of a term that is a lone Kronecker product.
        func factors(_ term: ProductTerm) -> (ExprID, ExprID)? {
            guard term.chain.count == 1, !term.chain[0].transposed,
                  case .apply2(.kron, let a, let b) = table[term.chain[0].id]
            else { return nil }
            return (a, b)
        }
        for side in [0, 1] {
            // The factors met on this side, in order, with their counts (found by a scan: sums
            // are short).
            var order: [ExprID] = []
            var counts: [Int] = []
            for term in sum {
                guard let pair = factors(term) else { continue }
                let shared = side == 0 ? pair.0 : pair.1
                if let known = order.firstIndex(of: shared) {
                    counts[known] += 1
                } else {
                    order.append(shared)
                    counts.append(1)
                }
            }
            guard let first = counts.firstIndex(where: { $0 >= 2 }) else { continue }
            let shared = order[first]
            let (group, rest, position) = partition(sum) { term in
                factors(term).map { (side == 0 ? $0.0 : $0.1) == shared } ?? false
            }
            // The other factors, each with its term's coefficient and scalars, summed.
            let others: SumForm = group.map { term in
                let other = side == 0 ? factors(term)!.1 : factors(term)!.0
                var inner = table.productTerm(other)
                inner.coefficient *= term.coefficient
                inner.scalars = (inner.scalars + term.scalars).sorted()
                return inner
            }
            let otherShape = table.shape(side == 0 ? factors(group[0])!.1 : factors(group[0])!.0)
            let combined = simplifier.simplify(others, shape: otherShape)
            let product = side == 0 ? table.kron(shared, combined) : table.kron(combined, shared)
            return placed(table.productTerm(product), in: rest, at: position)
        }
        return nil
    }

    /// `merge-diagonals`: `c₁ diagm(u) + c₂ diagm(v) = diagm(c₁ u + c₂ v)` for terms that are
    /// one diagonal matrix. Shrinks: one `diagm` for several.
    static let mergeDiagonals = SimplificationRule(name: "merge-diagonals") { simplifier, sum, _ in
        simplifier.mergingLinearMap(.diagonalMatrix, in: sum) { simplifier.table.diagonalOfVector($0) }
    }

    /// `merge-vecs`: `c₁ vec(A) + c₂ vec(B) = vec(c₁ A + c₂ B)` for terms that are one `vec`
    /// (the entry-wise terms of a Hessian in the vec convention), and the same for `vec(A)ᵀ`. Shrinks: one `vec` for
    /// several, and the matrices inside meet the rules as one sum.
    static let mergeVecs = SimplificationRule(name: "merge-vecs") { simplifier, sum, _ in
        simplifier.mergingLinearMap(.vec, in: sum) { id in
            guard case .apply(.vec, let a) = simplifier.table[id] else { return nil }
            return a
        }
    }

    /// The sum with the terms that are one application of the linear map `map` (whose
    /// argument `argument` reads off a link, `nil` for any other) written as `map` of the sum
    /// of the arguments, each with its term's coefficient and scalars; `nil` for fewer than
    /// two such terms.
    ///
    /// The terms that are the map transposed (`vec(A)ᵀ`, rows of a Hessian's outer products)
    /// merge among themselves when the others do not: `Σ cₖ vec(Aₖ)ᵀ = vec(Σ cₖ Aₖ)ᵀ`. (A
    /// diagonal matrix is its own transpose: its terms merge either way.)
    private func mergingLinearMap(_ map: MatrixFunction, in sum: SumForm, argument: (ExprID) -> ExprID?) -> SumForm? {
        guard sum.count >= 2 else { return nil }
        func mapped(_ term: ProductTerm, transposed: Bool) -> ExprID? {
            guard term.chain.count == 1, term.chain[0].transposed == transposed || map == .diagonalMatrix
            else { return nil }
            return argument(term.chain[0].id)
        }
        for transposed in [false, true] {
            let (group, rest, position) = Self.partition(sum) { mapped($0, transposed: transposed) != nil }
            guard group.count >= 2 else { continue }
            var arguments: SumForm = group.map { term in
                var inner = table.productTerm(mapped(term, transposed: transposed)!)
                inner.coefficient *= term.coefficient
                inner.scalars = (inner.scalars + term.scalars).sorted()
                return inner
            }
            // Mostly negative terms are written `−vec(A − B)`, not `vec(B − A − C)`: the
            // same sum then reads the same wherever it appears (`vec(G) vec(−G)ᵀ` is
            // `−vec(G) vec(G)ᵀ`, and `G` is named once).
            let negatives = arguments.count { $0.coefficient.isNegative }
            let sign: Rational = 2 * negatives > arguments.count ? .minusOne : .one
            if sign.isNegative { arguments = arguments.map { var term = $0; term.coefficient = -term.coefficient; return term } }
            let argumentShape = table.shape(mapped(group[0], transposed: transposed)!)
            // The map is linear: the merged argument's coefficient and scalars come out of it,
            // `vec(s A) = s vec(A)`, where the sum's other terms can meet them.
            let simplified = simplify(arguments, shape: argumentShape)
            var outside = table.productTerm(simplified)
            let inside = outside.chain.isEmpty
                ? simplified
                : table.expression(of: [ProductTerm(coefficient: .one, scalars: [], chain: outside.chain)], shape: argumentShape)
            if outside.chain.isEmpty { outside = ProductTerm(coefficient: .one, scalars: [], chain: []) }
            outside.coefficient *= sign
            let applied = table.apply(map, inside)
            let mapTerm = table.productTerm(transposed && map != .diagonalMatrix ? table.transpose(applied) : applied)
            outside.coefficient *= mapTerm.coefficient
            outside.scalars = (outside.scalars + mapTerm.scalars).sorted()
            outside.chain = mapTerm.chain
            return Self.placed(outside, in: rest, at: position)
        }
        return nil
    }
}
