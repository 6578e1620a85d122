// A sum of products of matrices: the form the matrix-level rules rewrite.

/// One term of a ``SumForm``: `coefficient × Π scalarᵉ × L₁ L₂ … Lₙ`, where the links are
/// atoms (anything that is not a product, a scalar or a negation), each possibly transposed.
/// An empty chain is a scalar term.
struct ProductTerm: Hashable {
    var coefficient: Rational
    /// Scalar factors, kept sorted so equal terms compare equal.
    var scalars: [LiftedTerm.ScalarPower]
    var chain: [ExpressionTable.ChainLink]

    /// The term without its coefficient: what two like terms share.
    var body: Body { Body(scalars: scalars, chain: chain) }

    struct Body: Hashable {
        var scalars: [LiftedTerm.ScalarPower]
        var chain: [ExpressionTable.ChainLink]

        func hash(into hasher: inout Hasher) { hasher.combine(ProductTerm.digest(scalars, chain)) }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(mix(Self.digest(scalars, chain), rational: coefficient)) }

    /// The scalars and links folded into one word: hashing that word once costs far less than
    /// feeding every field to `Hasher` (sums of these terms key the simplifier's memo and are
    /// hashed at every rule).
    private static func digest(_ scalars: [LiftedTerm.ScalarPower], _ chain: [ExpressionTable.ChainLink]) -> UInt64 {
        var digest = mix(0x7465_726D, UInt64(scalars.count))
        for scalar in scalars { digest = mix(digest, power: scalar.base, scalar.exponent) }
        for link in chain {
            digest = mix(digest, UInt64(UInt32(bitPattern: link.id.raw)) << 1 | (link.transposed ? 1 : 0))
        }
        return digest
    }
}

/// A sum of ``ProductTerm``s with a fixed shape.
typealias SumForm = [ProductTerm]

extension ExpressionTable {
    /// `id` as one product term: numbers and negations into the coefficient, scalar factors
    /// and divisions by scalars into the scalars, the non-scalar factors of nested products
    /// (with transposes pushed onto them, `(A B)' = B' A'`) into the chain.
    func productTerm(_ id: ExprID) -> ProductTerm {
        var term = ProductTerm(coefficient: .one, scalars: [], chain: [])
        decompose(id, transposed: false, into: &term)
        term.chain = mergingDiagonalLinks(term.chain)
        term.scalars.sort { ($0.base, $0.exponent) < ($1.base, $1.exponent) }
        return term
    }

    private func decompose(_ id: ExprID, transposed: Bool, into term: inout ProductTerm) {
        // A long product stays one link (see ``product(_:)``): opening it at every step would
        // make long derivations quadratic.
        if case .multiply = self[id], !hasProductFactors(id, atMost: Self.longestOptimizedChain) {
            term.chain.append(ChainLink(id: id, transposed: transposed && !isSymmetric(id)))
            return
        }
        switch self[id] {
        case .number(let value):
            term.coefficient *= value
        case .negate(let a):
            term.coefficient = -term.coefficient
            decompose(a, transposed: transposed, into: &term)
        case .multiply where isScalarProductOfNonScalars(id):
            // One scalar factor, not links of the chain: transposing the chain would turn
            // `x'*y` into `y'*x` between two matrices and break the chain's shapes.
            addScalar(id, exponent: .one, to: &term)
        case .multiply(let a, let b):
            let (first, second) = transposed ? (b, a) : (a, b)
            decompose(first, transposed: transposed, into: &term)
            decompose(second, transposed: transposed, into: &term)
        case .divide(let a, let s):
            decompose(a, transposed: transposed, into: &term)
            addScalar(s, exponent: .minusOne, to: &term)
        case .transpose(let a):
            decompose(a, transposed: !transposed, into: &term)
        default:
            if shape(id).isScalar {
                addScalar(id, exponent: .one, to: &term)
            } else {
                term.chain.append(ChainLink(id: id, transposed: transposed && !isSymmetric(id)))
            }
        }
    }

    private func addScalar(_ id: ExprID, exponent: Rational, to term: inout ProductTerm) {
        if let value = numberValue(id) {
            if let power = value.power(exponent) {
                term.coefficient *= power
                return
            }
        }
        if case .power(let base, let inner) = self[id] {
            term.scalars.append(LiftedTerm.ScalarPower(base: base, exponent: inner * exponent))
        } else {
            term.scalars.append(LiftedTerm.ScalarPower(base: id, exponent: exponent))
        }
    }

    /// The same value transposed: chain reversed with every link transposed.
    func transposed(_ term: ProductTerm) -> ProductTerm {
        ProductTerm(coefficient: term.coefficient, scalars: term.scalars, chain: transposedChain(term.chain))
    }

    /// The term as an expression: coefficient and scalars in front, the chain in its
    /// cheapest order, one division by the scalars with negative exponents.
    func expression(of term: ProductTerm) -> ExprID {
        if let known = termExpressions[term] { return known }
        let written = writtenExpression(of: term)
        termExpressions[term] = written
        return written
    }

    /// ``expression(of:)-(ProductTerm)`` without the memo.
    private func writtenExpression(of term: ProductTerm) -> ExprID {
        var factors = [number(term.coefficient)]
        var denominators: [ExprID] = []
        for scalar in term.scalars {
            if scalar.exponent.isNegative {
                denominators.append(power(scalar.base, -scalar.exponent))
            } else {
                factors.append(power(scalar.base, scalar.exponent))
            }
        }
        let value = product(factors + [chainProduct(term.chain)].compactMap { $0 })
        guard let first = denominators.first else { return value }
        return intern(.divide(value, denominators.dropFirst().reduce(first) { multiply($0, $1) }))
    }

    /// The product of a chain written with fewer operators: `B'*X'` or `(X*B)'`; `nil` for an
    /// empty chain.
    func chainProduct(_ chain: [ChainLink]) -> ExprID? {
        guard !chain.isEmpty else { return nil }
        let forward = product(chain.map { $0.transposed ? transpose($0.id) : $0.id })
        // The two forms differ only in their transposes: one per transposed link, or one per
        // link of the transposed chain plus the outer one.
        // (Counted without building the transposed chain, which most products do not take.)
        let forwardTransposes = chain.count(where: \.transposed)
        let backwardTransposes = chain.count { !$0.transposed && !isSymmetric($0.id) }
        guard backwardTransposes + 1 < forwardTransposes else { return forward }
        return transpose(product(transposedChain(chain).map { $0.transposed ? transpose($0.id) : $0.id }))
    }

    /// The sum as an expression: positive terms first (so that it does not open with a minus
    /// where it need not), then the rest as subtractions; zero as `0` or `zeros(m,n)`.
    func expression(of sum: SumForm, shape: Shape) -> ExprID {
        var ordered = sum.filter { !$0.coefficient.isNegative } + sum.filter { $0.coefficient.isNegative }
        // −c (a − b) is c (b − a): the same value without the minus.
        if ordered.count == 1, ordered[0].coefficient.isNegative, ordered[0].scalars.isEmpty, ordered[0].chain.count == 1,
            !ordered[0].chain[0].transposed, case .subtract(let a, let b) = self[ordered[0].chain[0].id]
        {
            ordered[0] = ProductTerm(
                coefficient: -ordered[0].coefficient, scalars: [], chain: [ChainLink(id: subtract(b, a), transposed: false)])
        }
        guard let first = ordered.first else { return zeros(shape) }
        var value = expression(of: first)
        for term in ordered.dropFirst() {
            if term.coefficient.isNegative {
                var positive = term
                positive.coefficient = -term.coefficient
                value = subtract(value, expression(of: positive))
            } else {
                value = add(value, expression(of: term))
            }
        }
        return value
    }

    /// The number of operator nodes of the tree of `id` (shared sub-trees counted each time
    /// they are written, as a printed result shows them), remembered per node so that a deep
    /// shared result is counted in time proportional to its distinct nodes.
    func operatorCount(_ id: ExprID) -> Int {
        let known = operatorCounts[Int(id.raw)]
        if known >= 0 { return Int(known) }
        let count: Int
        switch self[id] {
        case .number, .variable: count = 0
        case let node: count = 1 + node.children.reduce(0) { $0 + operatorCount($1) }
        }
        operatorCounts[Int(id.raw)] = Int32(clamping: count)
        return count
    }
}

extension LiftedTerm.ScalarPower: Comparable {
    static func < (a: Self, b: Self) -> Bool { (a.base, a.exponent) < (b.base, b.exponent) }
}
