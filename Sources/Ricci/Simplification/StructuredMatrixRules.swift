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
    /// (the entry-wise terms of a Hessian in the vec convention). Shrinks: one `vec` for
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
    private func mergingLinearMap(_ map: MatrixFunction, in sum: SumForm, argument: (ExprID) -> ExprID?) -> SumForm? {
        guard sum.count >= 2 else { return nil }
        func mapped(_ term: ProductTerm) -> ExprID? {
            guard term.chain.count == 1, !term.chain[0].transposed || map == .diagonalMatrix else { return nil }
            return argument(term.chain[0].id)
        }
        let (group, rest, position) = Self.partition(sum) { mapped($0) != nil }
        guard group.count >= 2 else { return nil }
        let arguments: SumForm = group.map { term in
            var inner = table.productTerm(mapped(term)!)
            inner.coefficient *= term.coefficient
            inner.scalars = (inner.scalars + term.scalars).sorted()
            return inner
        }
        let combined = simplify(arguments, shape: table.shape(mapped(group[0])!))
        return Self.placed(table.productTerm(table.apply(map, combined)), in: rest, at: position)
    }
}
