// Differentiating an entry-wise block as one entry-wise expression.

/// An entry-wise block: a sub-expression built by entry-wise operations (sums, Hadamard
/// products and quotients, entry-wise powers and functions, scaling by a constant) from one
/// sub-expression `base` that depends on the variable, and from constants. Its entry `[i,j]`
/// is `g(base[i,j])` for one scalar function `g`.
struct EntrywiseBlock {
    /// The one dependent sub-expression the block is built from.
    let base: ExprID
    /// How many times the tree of the block reaches `base` (a shared sub-tree counts each
    /// time): the number of terms the product and chain rules would make.
    let uses: Int
}

extension IndexContext {
    /// What a node is as a part of an entry-wise block: constant, or a block over one base
    /// (the node itself when it is no entry-wise operation on one base). Remembered per node.
    enum BlockRegion {
        case constant
        case block(EntrywiseBlock)
    }

    /// ``EntrywiseBlock`` of `id` in its dependence on `variable`, when `id` is an entry-wise
    /// operation on one base other than itself.
    func entrywiseBlock(_ id: ExprID, dependingOn variable: String) -> EntrywiseBlock? {
        if blockVariable != variable {
            blockVariable = variable
            blockRegions = [:]
        }
        guard case .block(let block)? = region(id, variable), block.base != id else { return nil }
        return block
    }

    /// `id`'s region; `nil` when its dependent parts are not one entry-wise function of one
    /// base (two bases, a dependent operand broadcast to another shape).
    private func region(_ id: ExprID, _ variable: String) -> BlockRegion? {
        if let known = blockRegions[id] { return known }
        let result = computedRegion(id, variable)
        blockRegions[id] = result
        return result
    }

    private func computedRegion(_ id: ExprID, _ variable: String) -> BlockRegion? {
        guard table.depends(id, on: variable) else { return .constant }
        let shape = table.shape(id)
        /// The region of an operand, `nil` for a dependent one of another shape (broadcast).
        func operand(_ child: ExprID) -> BlockRegion? {
            guard let region = region(child, variable) else { return nil }
            if case .block = region, table.shape(child) != shape { return nil }
            return region
        }
        /// Two operands joined: constants vanish, two blocks join when their base is one.
        func joined(_ a: ExprID, _ b: ExprID) -> BlockRegion? {
            guard let left = operand(a), let right = operand(b) else { return nil }
            switch (left, right) {
            case (.constant, _): return right
            case (_, .constant): return left
            case (.block(let x), .block(let y)):
                guard x.base == y.base else { return nil }
                // Saturated: the count only decides whether the block is worth it.
                return .block(EntrywiseBlock(base: x.base, uses: min(x.uses + y.uses, 1 << 20)))
            }
        }
        let itself = BlockRegion.block(EntrywiseBlock(base: id, uses: 1))
        func isConstantScalar(_ child: ExprID) -> Bool {
            table.shape(child).isScalar && !table.depends(child, on: variable)
        }
        switch table[id] {
        case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .elementwiseDivide(let a, let b):
            return joined(a, b) ?? itself
        case .negate(let a), .elementwisePower(let a, _):
            return operand(a) ?? itself
        case .apply(let function, let a) where function.isElementwise:
            return operand(a) ?? itself
        case .multiply(let a, let b) where isConstantScalar(a) && !shape.isScalar:
            return operand(b) ?? itself
        case .multiply(let a, let b) where isConstantScalar(b) && !shape.isScalar:
            return operand(a) ?? itself
        case .divide(let a, let s) where isConstantScalar(s) && !shape.isScalar:
            return operand(a) ?? itself
        default:
            return itself
        }
    }

    /// The most monomials the slope of a block may have; past it the block is differentiated
    /// by the ordinary rules.
    static let largestSlope = 64

    /// `∂ id[indices] / ∂ target` for an entry-wise block over `base`: one term per term of
    /// the base's derivative, `g′(base)[indices] ∂base[indices]`, instead of one per path of
    /// the product and chain rules through the block (`d(sin(u) ⊙ exp(u)) =
    /// (cos(u) ⊙ exp(u) + sin(u) ⊙ exp(u)) ⊙ du`, not two terms). The slope `g′` is a
    /// polynomial in the atoms of the block (``Polynomial``), so that like terms merge as
    /// the index form would merge them, and it is simplified as any sum. `nil` when the slope
    /// has more than ``largestSlope`` monomials.
    func blockRule(_ id: ExprID, _ block: EntrywiseBlock, at indices: [Index], variable: String,
                   baseDerivative: () throws -> [Term]) throws -> [Term]? {
        var known: [ExprID: Polynomial] = [:]
        guard let slope = try blockSlope(id, base: block.base, variable: variable, known: &known) else { return nil }
        if slope.isEmpty { return [] }
        let shape = table.shape(id)
        let monomials = slope.keys.sorted { $0.precedes($1) }
        let sum: SumForm = monomials.map { monomial in
            let atom = table.stretched(table.entrywiseProduct(monomial, shape: shape), to: shape)
            return ProductTerm(coefficient: slope[monomial]!, scalars: [], chain: [ExpressionTable.ChainLink(id: atom, transposed: false)])
        }
        let written = MatrixSimplifier(table: table, profile: profile).simplify(sum, shape: shape)
        let outer = lower(written, indices)
        return try baseDerivative().map { product(outer, $0) }
    }

    /// `∂g/∂base` entry by entry, as a polynomial in the atoms of the block; `[:]` for zero,
    /// `nil` past ``largestSlope`` monomials. Inside a block only the base depends on
    /// `variable`. `known` remembers shared sub-trees.
    private func blockSlope(_ id: ExprID, base: ExprID, variable: String, known: inout [ExprID: Polynomial]) throws
        -> Polynomial?
    {
        let limit = Self.largestSlope
        if id == base { return [.one: .one] }
        guard table.depends(id, on: variable) else { return [:] }
        if let remembered = known[id] { return remembered }
        func d(_ child: ExprID) throws -> Polynomial? {
            try blockSlope(child, base: base, variable: variable, known: &known)
        }
        /// `x^exponent` as one monomial: products, quotients, powers, negations and numeric
        /// scalings opened, anything else (a sum above all) one atom, as an entry of the index
        /// form is: `(1 + x²) ⊘ (1 + x²)⁴` then cancels.
        func power(_ x: ExprID, _ exponent: Rational) -> Polynomial {
            let (coefficient, monomial) = table.monomial(x)
            guard let scale = coefficient.power(exponent) else { return [Monomial(powers: [x: exponent]): .one] }
            return [Monomial(powers: monomial.powers.mapValues { $0 * exponent }): scale]
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
        case .elementwisePower(let a, let exponent):
            result = times(try d(a), power(a, exponent - .one)).map { $0.mapValues { $0 * exponent } }
        case .apply(let function, let a):
            let outer = try elementwiseDerivative(function, of: id, argument: a, at: freshIndices(for: id))
            var slope: Polynomial? = outer.coefficient.isZero ? [:] : [.one: outer.coefficient]
            for case .entry(let expr, _, let exponent) in outer.factors { slope = times(slope, power(expr, exponent)) }
            result = times(slope, try d(a))
        case .multiply(let a, let b):
            // One side is a constant scalar (the block's condition).
            let (scale, other) = table.shape(a).isScalar && !table.depends(a, on: variable) ? (a, b) : (b, a)
            result = times(value(scale), try d(other))
        case .divide(let a, let s):
            result = times(try d(a), power(s, .minusOne))
        default:
            preconditionFailure("an entry-wise block holds entry-wise operations only")
        }
        if let result { known[id] = result }
        return result
    }
}
