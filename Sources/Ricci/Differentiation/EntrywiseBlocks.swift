// Differentiating an entry-wise block as a whole.

/// An entry-wise block: a sub-expression built by entry-wise operations (sums, Hadamard
/// products and quotients, entry-wise powers and functions, scaling by a constant; between
/// scalars, products, quotients and powers) from a few
/// sub-expressions `bases` that depend on the variable, and from constants. Its entry `[i,j]`
/// is `g(u₁[i,j], …, u_b[i,j])` for one scalar function `g` of the bases `u`.
struct EntrywiseBlock {
    /// The dependent sub-expressions the block is built from, in node order.
    let bases: [ExprID]
    /// How many times the tree of the block reaches a base (a shared sub-tree counts each
    /// time): the number of terms the product and chain rules would make, per term of a
    /// base's derivative.
    let uses: Int
}

extension IndexContext {
    /// The most bases a block may have: each gives a term per term of its derivative.
    static let mostBlockBases = 4

    /// ``EntrywiseBlock`` of `id` in its dependence on `variable`, when `id` is an entry-wise
    /// operation on its bases. Remembered per node (`nil` in the memo: a constant).
    func entrywiseBlock(_ id: ExprID, dependingOn variable: String) -> EntrywiseBlock? {
        if blockVariable != variable {
            blockVariable = variable
            blockRegions = [:]
        }
        guard let block = region(id, variable), block.bases != [id] else { return nil }
        return block
    }

    /// `id` as a part of a block: `nil` for a constant, the node itself as its only base
    /// when it is no entry-wise operation on at most ``mostBlockBases`` bases (a matrix
    /// product, a dependent operand broadcast to another shape, too many bases).
    private func region(_ id: ExprID, _ variable: String) -> EntrywiseBlock? {
        if let known = blockRegions[id] { return known }
        let result = computedRegion(id, variable)
        blockRegions[id] = result
        return result
    }

    private func computedRegion(_ id: ExprID, _ variable: String) -> EntrywiseBlock? {
        guard table.depends(id, on: variable) else { return nil }
        let shape = table.shape(id)
        let itself = EntrywiseBlock(bases: [id], uses: 1)
        /// The operands' blocks joined (constants left out), or `itself` when a dependent
        /// operand has another shape or the bases are too many.
        func joined(_ operands: ExprID...) -> EntrywiseBlock {
            var bases: [ExprID] = []
            var uses = 0
            for operand in operands {
                guard let block = region(operand, variable) else { continue }
                guard table.shape(operand) == shape else { return itself }
                for base in block.bases where !bases.contains(base) { bases.append(base) }
                // Saturated: the count only decides whether the block is worth it.
                uses = min(uses + block.uses, 1 << 20)
            }
            guard bases.count <= Self.mostBlockBases else { return itself }
            return EntrywiseBlock(bases: bases.sorted(), uses: uses)
        }
        func isConstantScalar(_ child: ExprID) -> Bool {
            table.shape(child).isScalar && !table.depends(child, on: variable)
        }
        switch table[id] {
        case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .elementwiseDivide(let a, let b):
            return joined(a, b)
        case .negate(let a), .elementwisePower(let a, _):
            return joined(a)
        case .apply(let function, let a) where function.isElementwise:
            return joined(a)
        // Between scalars, a product, a quotient and a power are entry-wise too (of 1×1
        // matrices): the scalar factors a chain rule leaves (`(1 + tan(u)²)(1 − tanh(s)²)`)
        // are one block, differentiated once per base, not once per factor. (A dependent
        // scalar scaling a matrix stays a base of its own: the slope's atoms would mix shapes,
        // and its terms would not merge as the index form merges them.)
        case .multiply(let a, let b) where shape.isScalar, .divide(let a, let b) where shape.isScalar:
            return joined(a, b)
        case .power(let a, _) where shape.isScalar:
            return joined(a)
        // A power by a constant expression (`u.^(t − 1)`) is entry-wise in its base.
        case .powerBy(let a, let t) where !table.depends(t, on: variable),
             .elementwisePowerBy(let a, let t) where !table.depends(t, on: variable):
            return joined(a)
        case .multiply(let a, let b) where isConstantScalar(a) && !shape.isScalar:
            return joined(b)
        case .multiply(let a, let b) where isConstantScalar(b) && !shape.isScalar:
            return joined(a)
        case .divide(let a, let s) where isConstantScalar(s) && !shape.isScalar:
            return joined(a)
        default:
            return itself
        }
    }

    /// The most monomials the slope of a block may have; past it the block is differentiated
    /// by the ordinary rules.
    static let largestSlope = 64

    /// `∂ id[indices] / ∂ target` for an entry-wise block: for each base `u`, one term per
    /// term of its derivative, `∂g/∂u[indices] ∂u[indices]` (the other bases held), instead of
    /// one per path of the product and chain rules through the block (`d(sin(u) ⊙ exp(u)) =
    /// (cos(u) ⊙ exp(u) + sin(u) ⊙ exp(u)) ⊙ du`, not two terms). Each slope is a polynomial
    /// in the atoms of the block (``Polynomial``), so that like terms merge as the index form
    /// would merge them, and it is simplified as any sum. `nil` when a slope has more than
    /// ``largestSlope`` monomials.
    func blockRule(_ id: ExprID, _ block: EntrywiseBlock, at indices: [Index], variable: String,
                   baseDerivative: (ExprID) throws -> [Term]) throws -> [Term]? {
        let shape = table.shape(id)
        var terms: [Term] = []
        for base in block.bases {
            var known: [ExprID: Polynomial] = [:]
            guard let slope = try blockSlope(id, base: base, variable: variable, known: &known) else { return nil }
            if slope.isEmpty { continue }
            let monomials = slope.keys.sorted { $0.precedes($1) }
            let sum: SumForm = monomials.map { monomial in
                let atom = table.stretched(table.entrywiseProduct(monomial, shape: shape), to: shape)
                return ProductTerm(coefficient: slope[monomial]!, scalars: [], chain: [ExpressionTable.ChainLink(id: atom, transposed: false)])
            }
            let written = MatrixSimplifier(table: table, profile: profile).simplify(sum, shape: shape)
            let outer = lower(written, indices)
            terms += try baseDerivative(base).map { product(outer, $0) }
        }
        return terms
    }

    /// `∂g/∂base` entry by entry, the other bases held, as a polynomial in the atoms of the
    /// block; `[:]` for zero, `nil` past ``largestSlope`` monomials. Inside a block a node
    /// depends on a base when its region holds it. `known` remembers shared sub-trees.
    private func blockSlope(_ id: ExprID, base: ExprID, variable: String, known: inout [ExprID: Polynomial]) throws
        -> Polynomial?
    {
        let limit = Self.largestSlope
        if id == base { return [.one: .one] }
        guard let region = region(id, variable), region.bases.contains(base), region.bases != [id] else { return [:] }
        if let remembered = known[id] { return remembered }
        func d(_ child: ExprID) throws -> Polynomial? {
            try blockSlope(child, base: base, variable: variable, known: &known)
        }
        /// `x^exponent` as one monomial: products, quotients, powers, negations and numeric
        /// scalings opened, anything else (a sum above all) one atom, as an entry of the index
        /// form is: `(1 + x²) ⊘ (1 + x²)⁴` then cancels.
        func power(_ x: ExprID, _ exponent: Rational) -> Polynomial {
            let (coefficient, monomial) = table.monomial(x)
            guard let scale = coefficient.power(exponent), let raised = monomial.raised(to: exponent) else {
                return [Monomial(x, exponent): .one]
            }
            return [raised: scale]
        }
        func value(_ x: ExprID) -> Polynomial { power(x, .one) }
        func times(_ a: Polynomial?, _ b: Polynomial?) -> Polynomial? {
            guard let a, let b else { return nil }
            return polynomialProduct(a, b, limit: limit)
        }
        func plus(_ a: Polynomial?, _ b: Polynomial?, sign: Rational = .one) -> Polynomial? {
            guard let a, let b else { return nil }
            return polynomialSum(a, b, sign: sign, limit: limit)
        }
        let result: Polynomial?
        switch table[id] {
        case .add(let a, let b):
            result = plus(try d(a), try d(b))
        case .subtract(let a, let b):
            result = plus(try d(a), try d(b), sign: .minusOne)
        case .negate(let a):
            result = try d(a)?.mapValues { -$0 }
        case .hadamard(let a, let b):
            result = plus(times(try d(a), value(b)), times(value(a), try d(b)))
        case .elementwiseDivide(let a, let b):
            // (a ⊘ b)′ = a′ ⊘ b − a ⊙ b′ ⊘ b².
            result = plus(times(try d(a), power(b, .minusOne)), times(times(value(a), try d(b)), power(b, -2)),
                          sign: .minusOne)
        case .elementwisePower(let a, let exponent), .power(let a, let exponent):
            result = times(try d(a), power(a, exponent - .one)).map { $0.mapValues { $0 * exponent } }
        case .powerBy(let a, let t), .elementwisePowerBy(let a, let t):
            // (a^t)′ = t a^(t−1) a′, the exponent constant (the block holds no other).
            let lowered = table.decremented(t)
            let reduced = table.intern(table.shape(id).isScalar ? .powerBy(a, lowered) : .elementwisePowerBy(a, lowered))
            result = times(times(try d(a), value(reduced)), value(t))
        case .apply(let function, let a):
            let outer = try elementwiseDerivative(function, of: id, argument: a, at: freshIndices(for: id))
            var slope: Polynomial? = outer.coefficient.isZero ? [:] : [.one: outer.coefficient]
            for case .entry(let expr, _, let exponent) in outer.factors { slope = times(slope, power(expr, exponent)) }
            result = times(slope, try d(a))
        case .multiply(let a, let b):
            // A product of scalars, or a constant scalar times a block (whose slope is zero).
            result = plus(times(try d(a), value(b)), times(value(a), try d(b)))
        case .divide(let a, let s):
            // (a / s)′ = a′ / s − a s′ / s², the second zero for a constant s.
            result = plus(times(try d(a), power(s, .minusOne)), times(times(value(a), try d(s)), power(s, -2)),
                          sign: .minusOne)
        default:
            preconditionFailure("an entry-wise block holds entry-wise operations only")
        }
        if let result { known[id] = result }
        return result
    }
}
