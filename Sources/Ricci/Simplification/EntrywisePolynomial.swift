// Entry-wise sums as polynomials in their atoms: expand, collect, keep when shorter.

/// A product of atoms under the entry-wise product, each to a rational power: `s ⊙ y⁻¹`.
/// The empty monomial is `ones`.
struct Monomial: Hashable {
    /// An atom and its exponent (never zero).
    struct Power: Hashable {
        let atom: ExprID
        let exponent: Rational
    }

    /// The atoms with their exponents, sorted by atom. (A monomial has a few atoms: a sorted
    /// array is cheaper to build, merge and hash than a dictionary.)
    let powers: [Power]
    /// A digest of `powers`, what the monomial hashes: polynomials are dictionaries keyed by
    /// monomials, and feeding every atom and exponent to the hasher at each lookup cost more
    /// than the rest of an entry-wise derivative.
    private let digest: UInt64

    private init(sorted powers: [Power]) {
        self.powers = powers
        digest = powers.reduce(0x6D6F_6E6F) { digest, power in mix(digest, power: power.atom, power.exponent) }
    }

    /// `atom^exponent`.
    init(_ atom: ExprID, _ exponent: Rational = .one) {
        self.init(sorted: exponent.isZero ? [] : [Power(atom: atom, exponent: exponent)])
    }

    static func == (a: Monomial, b: Monomial) -> Bool { a.digest == b.digest && a.powers == b.powers }

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    static let one = Monomial(sorted: [])

    /// A total order: by the sorted atoms, then by their exponents in that order.
    func precedes(_ other: Monomial) -> Bool {
        let (atoms, otherAtoms) = (powers.map(\.atom), other.powers.map(\.atom))
        if atoms != otherAtoms { return atoms.lexicographicallyPrecedes(otherAtoms) }
        return powers.map(\.exponent).lexicographicallyPrecedes(other.powers.map(\.exponent))
    }

    /// True when `(Π xᵢ^pᵢ)^c = Π xᵢ^(pᵢ c)` wherever the left side is defined: always for an
    /// integer `c`; for a fractional one only without an even power inside, since
    /// `(x²)^½ = |x|`, not `x` (an odd or fractional power of a negative `x` is undefined
    /// under a fractional `c` anyway).
    func canBeRaised(to exponent: Rational) -> Bool {
        exponent.isInteger || powers.allSatisfy { !($0.exponent.isInteger && $0.exponent.numerator % 2 == 0) }
    }

    /// The monomial to the power `exponent`, every atom's exponent multiplied, or `nil` where
    /// ``canBeRaised(to:)`` says that would change its value.
    func raised(to exponent: Rational) -> Monomial? {
        guard canBeRaised(to: exponent) else { return nil }
        return Monomial(sorted: powers.compactMap { power in
            let raised = power.exponent * exponent
            return raised.isZero ? nil : Power(atom: power.atom, exponent: raised)
        })
    }

    /// `1 ⊘ m`: every exponent negated.
    var reciprocal: Monomial {
        Monomial(sorted: powers.map { Power(atom: $0.atom, exponent: -$0.exponent) })
    }

    /// `m ⊙ other`: the exponents of equal atoms added (an atom whose exponents cancel is
    /// dropped), by a merge of the two sorted lists.
    func times(_ other: Monomial) -> Monomial {
        if other.powers.isEmpty { return self }
        if powers.isEmpty { return other }
        var merged: [Power] = []
        merged.reserveCapacity(powers.count + other.powers.count)
        var (left, right) = (0, 0)
        while left < powers.count || right < other.powers.count {
            if right == other.powers.count || (left < powers.count && powers[left].atom < other.powers[right].atom) {
                merged.append(powers[left])
                left += 1
            } else if left == powers.count || other.powers[right].atom < powers[left].atom {
                merged.append(other.powers[right])
                right += 1
            } else {
                let total = powers[left].exponent + other.powers[right].exponent
                if !total.isZero { merged.append(Power(atom: powers[left].atom, exponent: total)) }
                left += 1
                right += 1
            }
        }
        return Monomial(sorted: merged)
    }
}

/// `Σ coefficient × monomial`.
typealias Polynomial = [Monomial: Rational]

/// `Σ` of two polynomials, `b` times `sign`, zero terms dropped; `nil` past `limit` monomials.
func polynomialSum(_ a: Polynomial, _ b: Polynomial, sign: Rational = .one, limit: Int) -> Polynomial? {
    var result = a
    for (monomial, coefficient) in b {
        result[monomial, default: .zero] += sign * coefficient
    }
    result = result.filter { !$0.value.isZero }
    return result.count <= limit ? result : nil
}

/// The product of two polynomials, zero terms dropped; `nil` past `limit` monomials.
func polynomialProduct(_ a: Polynomial, _ b: Polynomial, limit: Int) -> Polynomial? {
    guard a.count * b.count <= limit * limit else { return nil }
    var result: Polynomial = [:]
    for (left, x) in a { for (right, y) in b { result[left.times(right), default: .zero] += x * y } }
    result = result.filter { !$0.value.isZero }
    return result.count <= limit ? result : nil
}

extension MatrixSimplifier {
    /// `expand-entrywise-polynomial`: a sum whose terms are entry-wise products of sums,
    /// such as `s ⊙ (1 − y) − y ⊙ (1 − s)`, is multiplied out into monomials of its atoms and
    /// like monomials collected (`s − y`); the expansion is kept only when it is written with
    /// fewer operators. Shrinks: by that check.
    static let expandEntrywisePolynomial = SimplificationRule(name: "expand-entrywise-polynomial") { simplifier, sum, shape in
        guard sum.count >= 2, shape.kind != .scalar else { return nil }
        let table = simplifier.table
        var total: Polynomial = [:]
        for term in sum {
            guard term.scalars.isEmpty, term.chain.count == 1, !term.chain[0].transposed,
                let polynomial = table.entrywisePolynomial(term.chain[0].id, limit: 16)
            else { return nil }
            for (monomial, coefficient) in polynomial {
                total[monomial, default: .zero] += coefficient * term.coefficient
            }
        }
        total = total.filter { !$0.value.isZero }
        // Monomials in a fixed order: by their atoms, then by the atoms' exponents (the
        // dictionary's own order changes from run to run).
        let monomials = total.keys.sorted { $0.precedes($1) }
        let expanded: SumForm = monomials.map { monomial in
            // A monomial of fewer axes than the sum (`u` of `(u + 𝟏ₖₓₙ) ⊘ c`) keeps its shape.
            let atom = table.stretched(table.entrywiseProduct(monomial, shape: shape), to: shape)
            return ProductTerm(coefficient: total[monomial]!, scalars: [], chain: [ExpressionTable.ChainLink(id: atom, transposed: false)])
        }
        let before = table.operatorCount(table.expression(of: sum, shape: shape))
        let after = table.operatorCount(table.expression(of: expanded, shape: shape))
        return after < before ? expanded : nil
    }
}

extension ExpressionTable {
    /// The expression as a polynomial in its atoms under the entry-wise product, or `nil`
    /// when it has more than `limit` monomials. Sums, negations, entry-wise products, entry-wise
    /// division by an atom and numeric scaling are opened; `ones` is 1; anything else is an atom.
    func entrywisePolynomial(_ id: ExprID, limit: Int) -> Polynomial? {
        // The simplifier asks for the same nodes at every trial of every nested sum.
        if entrywisePolynomials.count < nodes.count {
            entrywisePolynomials += repeatElement(nil, count: nodes.count - entrywisePolynomials.count)
        }
        if let known = entrywisePolynomials[Int(id.raw)], known.limit == limit { return known.polynomial }
        let polynomial = expandedEntrywisePolynomial(id, limit: limit)
        entrywisePolynomials[Int(id.raw)] = (limit, polynomial)
        return polynomial
    }

    private func expandedEntrywisePolynomial(_ id: ExprID, limit: Int) -> Polynomial? {
        func combine(_ a: Polynomial, _ b: Polynomial, sign: Rational) -> Polynomial? {
            polynomialSum(a, b, sign: sign, limit: limit)
        }
        func multiplied(_ a: Polynomial, _ b: Polynomial) -> Polynomial? { polynomialProduct(a, b, limit: limit) }
        let atom: Polynomial = [Monomial(id): .one]
        if let (a, exponent) = entrywisePowerOperands(id) {
            guard let base = entrywisePolynomial(a, limit: limit), base.count == 1,
                let (monomial, coefficient) = base.first, let power = coefficient.power(exponent),
                let raised = monomial.raised(to: exponent)
            else { return atom }
            return [raised: power]
        }
        switch self[id] {
        case .ones:
            return [.one: .one]
        case .add(let a, let b), .subtract(let a, let b):
            guard let left = entrywisePolynomial(a, limit: limit), let right = entrywisePolynomial(b, limit: limit) else { return nil }
            if case .add = self[id] { return combine(left, right, sign: .one) }
            return combine(left, right, sign: .minusOne)
        case .negate(let a):
            return entrywisePolynomial(a, limit: limit)?.mapValues { -$0 }
        case .hadamard(let a, let b):
            guard let left = entrywisePolynomial(a, limit: limit), let right = entrywisePolynomial(b, limit: limit) else { return nil }
            return multiplied(left, right)
        case .elementwiseDivide(let a, let b):
            guard let left = entrywisePolynomial(a, limit: limit), let right = entrywisePolynomial(b, limit: limit),
                right.count == 1, let (monomial, coefficient) = right.first, !coefficient.isZero
            else { return atom }
            let inverse = monomial.reciprocal
            return multiplied(left, [inverse: coefficient.reciprocal])
        case .multiply(let a, let b):
            if let value = numberValue(a) { return entrywisePolynomial(b, limit: limit)?.mapValues { $0 * value } }
            if let value = numberValue(b) { return entrywisePolynomial(a, limit: limit)?.mapValues { $0 * value } }
            return atom
        case .number(let value) where shape(id).isScalar:
            // A number broadcasts: the constant monomial.
            return value.isZero ? [:] : [.one: value]
        case .number, .variable, .divide, .power, .transpose, .apply, .identity, .zeros, .commutation, .matrixPower,
            .powerBy, .elementwisePower, .elementwisePowerBy, .apply2:
            return atom
        }
    }

    /// The expression as `coefficient × monomial`: entry-wise products and quotients,
    /// entry-wise powers, negations and numeric scalings opened; anything else (a sum, a
    /// function) is an atom. Unlike ``entrywisePolynomial(_:limit:)``, sums stay closed.
    func monomial(_ id: ExprID) -> (Rational, Monomial) {
        if let (a, exponent) = entrywisePowerOperands(id) {
            let (x, inner) = monomial(a)
            if let scale = x.power(exponent), let raised = inner.raised(to: exponent) { return (scale, raised) }
            return (.one, Monomial(id))
        }
        switch self[id] {
        case .number(let value) where shape(id).isScalar:
            return (value, .one)
        case .ones:
            return (.one, .one)
        case .negate(let a):
            let (coefficient, monomial) = self.monomial(a)
            return (-coefficient, monomial)
        // Between scalars, products, quotients and powers are entry-wise too (of 1×1
        // matrices); `uᵀv` is a scalar, but not a product of scalars.
        case .hadamard(let a, let b), .multiply(let a, let b) where shape(a).isScalar && shape(b).isScalar:
            let (x, left) = monomial(a)
            let (y, right) = monomial(b)
            return (x * y, left.times(right))
        case .elementwiseDivide(let a, let b), .divide(let a, let b) where shape(a).isScalar:
            let (x, left) = monomial(a)
            let (y, right) = monomial(b)
            guard !y.isZero else { break }
            return (x / y, left.times(right.reciprocal))
        case .power(let a, let exponent) where shape(id).isScalar:
            let (x, inner) = monomial(a)
            if let scale = x.power(exponent), let raised = inner.raised(to: exponent) { return (scale, raised) }
        case .multiply(let a, let b):
            if let value = numberValue(a) {
                let (x, inner) = monomial(b)
                return (value * x, inner)
            }
            if let value = numberValue(b) {
                let (x, inner) = monomial(a)
                return (value * x, inner)
            }
        default:
            break
        }
        return (.one, Monomial(id))
    }

    /// The base and exponent of an entry-wise power `a.^c`, with `sqrt(a)` read as `a.^(1/2)`
    /// (the written form turns `a.^(1/2)` back into `sqrt(a)`), so that `exp(u) ⊘ √exp(u)` is
    /// one monomial, `√exp(u)`; `nil` for anything else.
    private func entrywisePowerOperands(_ id: ExprID) -> (ExprID, Rational)? {
        switch self[id] {
        case .elementwisePower(let a, let exponent): return (a, exponent)
        case .apply(.elementwise(.sqrt), let a) where !shape(id).isScalar: return (a, .half)
        default: return nil
        }
    }

    /// A monomial as an expression: the entry-wise product of its atoms' powers (negative
    /// powers divide, `1 ⊘ d` for no positive one), `ones` for the empty monomial; between
    /// scalars the ordinary operations, `a b²/(c d)` as a person writes it, `1` for the empty
    /// monomial.
    func entrywiseProduct(_ monomial: Monomial, shape: Shape) -> ExprID {
        let isScalar = shape.isScalar
        // A half power is the square root it was read from.
        func raised(_ atom: ExprID, _ exponent: Rational) -> ExprID {
            if exponent == .half { return apply(.elementwise(.sqrt), atom) }
            return isScalar ? power(atom, exponent) : elementwisePower(atom, exponent)
        }
        func times(_ a: ExprID, _ b: ExprID) -> ExprID { isScalar ? multiply(a, b) : hadamard(a, b) }
        let numerator = monomial.powers.filter { !$0.exponent.isNegative }.map { raised($0.atom, $0.exponent) }
        let denominator = monomial.powers.filter { $0.exponent.isNegative }.map { raised($0.atom, -$0.exponent) }
        // `1 ⊘ d` broadcasts its 1 as a person writes it; a monomial without atoms is `ones`.
        var value = numerator.first.map { numerator.dropFirst().reduce($0, times) }
            ?? (denominator.isEmpty && !isScalar ? ones(shape) : number(.one))
        if isScalar {
            guard let first = denominator.first else { return value }
            return intern(.divide(value, denominator.dropFirst().reduce(first, multiply)))
        }
        for divisor in denominator { value = intern(.elementwiseDivide(value, divisor)) }
        return value
    }
}
