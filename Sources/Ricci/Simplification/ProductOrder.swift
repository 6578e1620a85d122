// Products built in the cheapest evaluation order, scalars first.

extension ExpressionTable {
    /// The size a dimension counts as when comparing evaluation costs: a literal size is
    /// itself, a symbol counts as 100 (the convention of the flop counts Ricci reports).
    static func costSize(_ dimension: Dimension) -> Int {
        switch dimension {
        case .fixed(let size): return size
        case .named: return 100
        case .product(let outer, let inner): return costSize(outer) * costSize(inner)
        }
    }

    /// The factors of nested products, left to right: `(2*A)*(B*x)` gives `[2, A, B, x]`.
    /// A scalar that is a product of non-scalars (`x'*y` in `(x'*y)*z`) stays one factor:
    /// it scales, it is not part of the chain.
    func productFactors(_ id: ExprID) -> [ExprID] {
        var factors: [ExprID] = []
        appendProductFactors(of: id, to: &factors)
        return factors
    }

    /// Appends the factors of ``productFactors(_:)`` to `factors`.
    private func appendProductFactors(of id: ExprID, to factors: inout [ExprID]) {
        guard case .multiply(let a, let b) = self[id], !isScalarProductOfNonScalars(id) else {
            factors.append(id)
            return
        }
        appendProductFactors(of: a, to: &factors)
        appendProductFactors(of: b, to: &factors)
    }

    /// True for a scalar made by a product of non-scalars (`x'*y`, `x'*A*y`): it scales
    /// whatever it multiplies, so it is one factor, never links of a matrix chain.
    func isScalarProductOfNonScalars(_ id: ExprID) -> Bool {
        guard case .multiply(let a, let b) = self[id] else { return false }
        return shape(id).isScalar && !(shape(a).isScalar && shape(b).isScalar)
    }

    /// The factors of the products and transposes at the top of `id`, or `nil` as soon as
    /// there are more than `limit` (the walk stops there, so it is cheap on a long product).
    func productFactors(_ id: ExprID, atMost limit: Int) -> [ExprID]? {
        var factors: [ExprID] = []
        var pending: [ExprID] = []
        pending.reserveCapacity(min(limit, 64) + 1)
        pending.append(id)
        while let next = pending.popLast() {
            switch self[next] {
            case .multiply(let a, let b):
                pending.append(b)
                pending.append(a)
            case .transpose(let a), .negate(let a): pending.append(a)
            default:
                factors.append(next)
                if factors.count > limit { return nil }
            }
        }
        return factors
    }

    /// Whether the products and transposes at the top of `id` have at most `limit` factors,
    /// as ``productFactors(_:atMost:)`` counts them: the same walk, stopped past the limit,
    /// with no list made (most callers only ask whether a product is short).
    func hasProductFactors(_ id: ExprID, atMost limit: Int) -> Bool {
        productFactorsLeft(id, limit) >= 0
    }

    /// `left` less the factors of `id`, negative once past zero (the walk stops there).
    private func productFactorsLeft(_ id: ExprID, _ left: Int) -> Int {
        guard left >= 0 else { return left }
        switch self[id] {
        case .multiply(let a, let b): return productFactorsLeft(b, productFactorsLeft(a, left))
        case .transpose(let a), .negate(let a): return productFactorsLeft(a, left)
        default: return left - 1
        }
    }

    /// The product of `factors` (in this order for the non-scalar ones) built to be cheap
    /// and legible: numbers multiplied into one coefficient, scalars in front, the matrix
    /// chain parenthesised in the order of fewest multiplications (matrix-chain dynamic
    /// programming, ties broken towards left to right so no parentheses appear without a
    /// saving), and the scalars applied to the chain's leftmost factor so that the result
    /// prints as `2*X'*(X*W - Y)` rather than `2*(X'*(X*W - Y))`.
    func product(_ factors: [ExprID]) -> ExprID {
        // A factor that is a long product stays one factor: it was ordered when it was built,
        // and opening it again at every step would make long derivations quadratic.
        var flat: [ExprID] = []
        flat.reserveCapacity(factors.count * 2)
        for factor in factors {
            let start = flat.count
            appendProductFactors(of: factor, to: &flat)
            if flat.count - start > Self.longestOptimizedChain {
                flat.removeSubrange(start...)
                flat.append(factor)
            }
        }
        // The numbers into one coefficient, the scalars aside, the matrices kept in place:
        // the chain is what is left of `flat` (no second array for it).
        var coefficient = Rational.one
        var scalars: [ExprID] = []
        var chainCount = 0
        for position in flat.indices {
            let factor = flat[position]
            if let value = numberValue(factor) {
                coefficient *= value
            } else if shape(factor).isScalar {
                scalars.append(factor)
            } else {
                flat[chainCount] = factor
                chainCount += 1
            }
        }
        flat.removeSubrange(chainCount...)
        var chain = flat
        flat = []
        if coefficient.isZero { return number(.zero) }
        if !chain.isEmpty {
            // A product that is zero by an identity, and sums written as sums.
            let resultShape = Shape(shape(chain[0]).rows, shape(chain[chain.count - 1]).columns)
            if chain.contains(where: isZero) || zip(chain, chain.dropFirst()).contains(where: annihilates) {
                return zeros(resultShape)
            }
            chain = mergingSums(mergingPowers(mergingDiagonals(chain)))
            for factor in chain where shape(factor).isScalar { scalars.append(factor) }
            chain.removeAll { shape($0).isScalar }
        }
        if !coefficient.isOne { scalars.insert(number(coefficient), at: 0) }
        guard !chain.isEmpty else {
            guard let first = scalars.first else { return number(.one) }
            return scalars.dropFirst().reduce(first) { multiply($0, $1) }
        }
        let leading = scalars.first.map { scalars.dropFirst().reduce($0) { multiply($0, $1) } }
        return cheapestChain(chain, leading: leading)
    }

    /// The chain with a matrix times a column of ones written as its row sums
    /// (`M 𝟏 = sum(M, 2)`) and a row of ones times a matrix as its column sums
    /// (`𝟏ᵀM = sum(M, 1)`): half the work, and what a person writes.
    private func mergingSums(_ chain: [ExprID]) -> [ExprID] {
        func isOnesColumn(_ id: ExprID) -> Bool {
            if case .ones(_, let n) = self[id] { return n.isOne }
            return false
        }
        func isOnesRow(_ id: ExprID) -> Bool {
            if case .ones(let m, _) = self[id] { return m.isOne }
            if case .transpose(let inner) = self[id] { return isOnesColumn(inner) }
            return false
        }
        guard chain.count >= 2, chain.contains(where: { isOnesColumn($0) || isOnesRow($0) }) else { return chain }
        var result: [ExprID] = []
        for factor in chain {
            if isOnesColumn(factor), let last = result.last, !isOnesRow(last), !shape(last).columns.isOne {
                result[result.count - 1] = apply(.rowSums, last)
            } else if let last = result.last, isOnesRow(last), !isOnesColumn(factor), !shape(factor).rows.isOne {
                result[result.count - 1] = apply(.columnSums, factor)
            } else {
                result.append(factor)
            }
        }
        return result
    }

    /// The chain with each run of neighbouring diagonal matrices written as one,
    /// `diagm(u) diagm(v) = diagm(u ⊙ v)`: a Hadamard product of the diagonals instead of a
    /// matrix product (n operations instead of n², and one `diagm` for two).
    func mergingDiagonals(_ chain: [ExprID]) -> [ExprID] {
        guard zip(chain, chain.dropFirst()).contains(where: { diagonalOfVector($0) != nil && diagonalOfVector($1) != nil })
        else { return chain }
        return mergingDiagonalLinks(chain.map { ChainLink(id: $0, transposed: false) }).map(\.id)
    }

    /// ``mergingDiagonals(_:)`` on the links of a product term (a diagonal matrix is
    /// symmetric, so its link's transpose flag says nothing; other links keep theirs).
    func mergingDiagonalLinks(_ chain: [ChainLink]) -> [ChainLink] {
        guard zip(chain, chain.dropFirst()).contains(where: { diagonalOfVector($0.id) != nil && diagonalOfVector($1.id) != nil })
        else { return chain }
        var result: [ChainLink] = []
        result.reserveCapacity(chain.count)
        for link in chain {
            if let last = result.last, let u = diagonalOfVector(last.id), let v = diagonalOfVector(link.id) {
                result[result.count - 1] = ChainLink(id: apply(.diagonalMatrix, hadamard(u, v)), transposed: false)
            } else {
                result.append(link)
            }
        }
        return result
    }

    /// The chain with each run of powers of one matrix written as one power
    /// (`X X X⁻¹ X² = X³`, `(A + B)(A + B) = (A + B)²`), in one pass: a chain of ten thousand `A`s is `A¹⁰⁰⁰⁰`, not a
    /// product to order.
    private func mergingPowers(_ chain: [ExprID]) -> [ExprID] {
        // Most chains have no two neighbours to join: then no new array.
        let joins = zip(chain, chain.dropFirst()).contains { left, right in
            guard let (a, _) = powerOfOne(left, anySquare: true), let (b, _) = powerOfOne(right, anySquare: true)
            else { return false }
            return a == b
        }
        guard joins else { return chain }
        var result: [ExprID] = []
        result.reserveCapacity(chain.count)
        var run: (base: ExprID, exponent: Int)?
        func closeRun() {
            guard let (base, exponent) = run else { return }
            let power = matrixPower(base, exponent)
            if !isIdentity(power) { result.append(power) }
            run = nil
        }
        for factor in chain {
            if let (base, exponent) = powerOfOne(factor, anySquare: true) {
                if let current = run, current.base == base {
                    run = (base, current.exponent + exponent)
                    continue
                }
                closeRun()
                run = (base, exponent)
            } else {
                closeRun()
                result.append(factor)
            }
        }
        closeRun()
        return result.isEmpty ? [identity(shape(chain[0]).rows)] : result
    }

    /// The longest chain ordered by dynamic programming (which is cubic in the length);
    /// longer ones follow a linear rule.
    static let longestOptimizedChain = 16

    /// The chain `A₁ A₂ … Aₙ` in the cheapest parenthesisation, with `leading` (a scalar)
    /// multiplied onto `A₁`. Up to ``longestOptimizedChain`` factors the order is optimal
    /// (matrix-chain dynamic programming); a longer chain that ends in a column vector is
    /// evaluated right to left and one that starts with a row vector left to right — each step
    /// then a matrix–vector product, the cheapest there is — and any other left to right.
    private func cheapestChain(_ chain: [ExprID], leading: ExprID?) -> ExprID {
        let count = chain.count
        // One or two factors have one order: no tables needed.
        if count <= 2 {
            let first = leading.map { multiply($0, chain[0]) } ?? chain[0]
            return count == 1 ? first : multiply(first, chain[1])
        }
        if count > Self.longestOptimizedChain {
            // Linear: one pass builds the chain from the end it is evaluated from.
            let rightToLeft = Self.costSize(shape(chain[count - 1]).columns) == 1 && Self.costSize(shape(chain[0]).rows) != 1
            if rightToLeft {
                var result = chain[count - 1]
                for position in stride(from: count - 2, through: 1, by: -1) { result = multiply(chain[position], result) }
                let first = leading.map { multiply($0, chain[0]) } ?? chain[0]
                return multiply(first, result)
            }
            var result = leading.map { multiply($0, chain[0]) } ?? chain[0]
            for factor in chain.dropFirst() { result = multiply(result, factor) }
            return result
        }
        // The tables of a chain this short fit on the stack: the sizes d₀ … dₙ (Aₖ is
        // d_{k-1} × d_k, by cost size), then cost[start * count + end] and split[…], the
        // cheapest cost of, and the last split in, the sub-chain from start to end.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count + 1 + 2 * count * count) { tables in
            let sizes = 0, cost = count + 1, split = count + 1 + count * count
            tables[sizes] = Self.costSize(shape(chain[0]).rows)
            for (position, factor) in chain.enumerated() { tables[sizes + position + 1] = Self.costSize(shape(factor).columns) }
            for position in 0..<(count * count) { tables[cost + position] = 0 }
            for length in 2...count {
                for start in 0...(count - length) {
                    let end = start + length - 1
                    var best = Int.max
                    // Latest split first so that ties keep the left-to-right reading.
                    for middle in stride(from: end - 1, through: start, by: -1) {
                        let candidate = tables[cost + start * count + middle] + tables[cost + (middle + 1) * count + end]
                            + tables[sizes + start] * tables[sizes + middle + 1] * tables[sizes + end + 1]
                        if candidate < best {
                            best = candidate
                            tables[split + start * count + end] = middle
                        }
                    }
                    tables[cost + start * count + end] = best
                }
            }
            func build(_ start: Int, _ end: Int) -> ExprID {
                if start == end {
                    if start == 0, let leading { return multiply(leading, chain[0]) }
                    return chain[start]
                }
                let middle = tables[split + start * count + end]
                return multiply(build(start, middle), build(middle + 1, end))
            }
            return build(0, count - 1)
        }
    }

    /// The chain with every adjacent pair `A⁻¹ A` or `A A⁻¹` (equally transposed) removed,
    /// and an inverse of a product of square factors opened, `(P Q)⁻¹ = Q⁻¹ P⁻¹`, where that
    /// lets a factor cancel; three neighbours that the Penrose conditions reduce to one
    /// (`A A⁺ A = A`, `A A⁺ A⁺ᵀ = A⁺ᵀ`, …) replaced by it; an identity link is dropped (a
    /// chain that cancels entirely is `I`). Returns a chain at most as long.
    func cancellingInverses(_ chain: [ChainLink]) -> [ChainLink] {
        // Most chains hold no identity: they are kept as they are, not copied.
        var links = chain.count > 1 && chain.contains(where: { isIdentity($0.id) })
            ? chain.filter { !isIdentity($0.id) } : chain
        var changed = true
        while changed {
            changed = false
            for position in links.indices.dropLast() where cancels(links[position], links[position + 1]) {
                let first = links[position]
                links.removeSubrange(position...(position + 1))
                if links.isEmpty {
                    // A product that cancels entirely is the identity, not the number 1.
                    let size = first.transposed ? shape(first.id).columns : shape(first.id).rows
                    links = [ChainLink(id: intern(.identity(size)), transposed: false)]
                }
                changed = true
                break
            }
            if changed { continue }
            for position in links.indices.dropLast(2) {
                guard let reduced = penroseReduced(links[position], links[position + 1], links[position + 2]) else { continue }
                links.replaceSubrange(position...(position + 2), with: [reduced])
                changed = true
                break
            }
            if changed { continue }
            // Open one inverse of a product when a neighbour then cancels.
            for position in links.indices {
                guard let opened = openedInverse(links[position]) else { continue }
                var candidate = links
                candidate.replaceSubrange(position...position, with: opened)
                let reduced = cancellingInverses(candidate)
                if reduced.count < links.count {
                    links = reduced
                    changed = true
                    break
                }
            }
        }
        return links
    }

    /// The one link that three neighbours equal by the Penrose conditions, or `nil`: with
    /// `P = A⁺`, `A P A = A`, `P A P = P`, and, as `A P` and `P A` are symmetric,
    /// `A P Pᵀ = Pᵀ` and `Pᵀ P A = Pᵀ`; and the transposes of these four.
    private func penroseReduced(_ a: ChainLink, _ b: ChainLink, _ c: ChainLink) -> ChainLink? {
        /// The matrix a link is of, whether the link is its pseudo-inverse, and its transpose flag.
        func parts(_ link: ChainLink) -> (matrix: ExprID, pseudoInverse: Bool, transposed: Bool) {
            if case .apply(.pseudoInverse, let inner) = self[link.id] { return (inner, true, link.transposed) }
            return (link.id, false, link.transposed)
        }
        let (x, y, z) = (parts(a), parts(b), parts(c))
        guard x.matrix == y.matrix, y.matrix == z.matrix else { return nil }
        let key = [x.pseudoInverse, x.transposed, y.pseudoInverse, y.transposed, z.pseudoInverse, z.transposed]
        // (pseudo-inverse, transposed) of each of the three, and of the result.
        let identities: [([Bool], (Bool, Bool))] = [
            ([false, false, true, false, false, false], (false, false)),  // A P A = A
            ([true, false, false, false, true, false], (true, false)),    // P A P = P
            ([false, false, true, false, true, true], (true, true)),      // A P Pᵀ = Pᵀ
            ([true, true, true, false, false, false], (true, true)),      // Pᵀ P A = Pᵀ
            ([false, true, true, true, false, true], (false, true)),      // Aᵀ Pᵀ Aᵀ = Aᵀ
            ([true, true, false, true, true, true], (true, true)),        // Pᵀ Aᵀ Pᵀ = Pᵀ
            ([true, false, true, true, false, true], (true, false)),      // P Pᵀ Aᵀ = P
            ([false, true, true, true, true, false], (true, false)),      // Aᵀ Pᵀ P = P
        ]
        guard let (pseudoInverse, transposed) = identities.first(where: { $0.0 == key })?.1 else { return nil }
        return ChainLink(id: pseudoInverse ? apply(.pseudoInverse, x.matrix) : x.matrix, transposed: transposed)
    }

    /// True when `a b = I`: one is the inverse of the other, both transposed alike.
    private func cancels(_ a: ChainLink, _ b: ChainLink) -> Bool {
        func inverse(of link: ChainLink) -> ExprID? {
            if case .apply(.inverse, let inner) = self[link.id] { return inner }
            return nil
        }
        let transposedAlike = a.transposed == b.transposed || isSymmetric(a.id)
        return transposedAlike && (inverse(of: a) == b.id || inverse(of: b) == a.id)
    }

    /// `(P₁ … Pₙ)⁻¹` as the links `Pₙ⁻¹ … P₁⁻¹` (transposed as the link is), when the link
    /// is the inverse of a product whose factors are all square; else `nil`.
    private func openedInverse(_ link: ChainLink) -> [ChainLink]? {
        guard case .apply(.inverse, let inner) = self[link.id], case .multiply = self[inner] else { return nil }
        let factors = productChain(of: inner)
        guard factors.count >= 2, factors.allSatisfy({ shape($0.id).isSquare }),
            productFactors(inner).allSatisfy({ !shape($0).isScalar })
        else { return nil }
        let inverted = factors.reversed().map { factor -> ChainLink in
            ChainLink(id: apply(.inverse, factor.transposed ? transpose(factor.id) : factor.id), transposed: false)
        }
        return link.transposed ? transposedChain(inverted) : inverted
    }
}
