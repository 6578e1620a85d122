// Constructors for derived expressions that apply the trivial identities as they build.

extension ExpressionTable {
    /// The number `value`.
    func number(_ value: Rational) -> ExprID { intern(.number(value)) }

    /// The numeric value of `id` when it is a number literal.
    func numberValue(_ id: ExprID) -> Rational? {
        if case .number(let value) = self[id] { return value }
        return nil
    }

    /// `ones` shaped like `shape` (the number 1 for a scalar).
    func ones(_ shape: Shape) -> ExprID {
        shape.isScalar ? number(.one) : intern(.ones(shape.rows, shape.columns))
    }

    /// `a'`, with `(a')' = a`, `s' = s` for scalars and `S' = S` for symmetric `S`.
    func transpose(_ a: ExprID) -> ExprID {
        if case .transpose(let inner) = self[a] { return inner }
        if isSymmetric(a) { return a }
        return intern(.transpose(a))
    }

    /// `-a`, with `-(-a) = a` and numbers negated.
    func negate(_ a: ExprID) -> ExprID {
        if case .negate(let inner) = self[a] { return inner }
        if let value = numberValue(a) { return number(-value) }
        return intern(.negate(a))
    }

    /// `a*b` (matrix product, or scaling when a side is a scalar), with `1*b = b`, `a*1 = a`,
    /// numbers multiplied, and `I*B = B`, `A*I = A` for a matrix product (`s*I` keeps its `I`:
    /// it is what makes the result a matrix), and `diagm(v)*w = v .* w` for a vector `w`.
    func multiply(_ a: ExprID, _ b: ExprID) -> ExprID {
        if case .apply(.diagonalMatrix, let v) = self[a], shape(b).kind == .vector, !shape(v).isScalar {
            return hadamard(v, b)
        }
        if let x = numberValue(a), let y = numberValue(b) { return number(x * y) }
        let product = !shape(a).isScalar && !shape(b).isScalar
        if numberValue(a) == .one || (isIdentity(a) && product) { return b }
        if numberValue(b) == .one || (isIdentity(b) && product) { return a }
        if numberValue(a) == .minusOne { return negate(b) }
        if numberValue(b) == .minusOne { return negate(a) }
        return intern(.multiply(a, b))
    }

    /// `a .* b`, which is scaling when either side is a scalar; `ones .* b = b`, and
    /// `a .* b.^(-c)` is written `a ./ b.^c`.
    func hadamard(_ a: ExprID, _ b: ExprID) -> ExprID {
        if shape(a).isScalar || shape(b).isScalar { return multiply(a, b) }
        if case .ones = self[a] { return b }
        if case .ones = self[b] { return a }
        if case .elementwisePower(let base, let exponent) = self[b], exponent.isNegative {
            return intern(.elementwiseDivide(a, elementwisePower(base, -exponent)))
        }
        if case .elementwisePower(let base, let exponent) = self[a], exponent.isNegative {
            return intern(.elementwiseDivide(b, elementwisePower(base, -exponent)))
        }
        return intern(.hadamard(a, b))
    }

    /// `a .^ c` (`a ^ c` for a scalar), with `a.^1 = a`.
    func elementwisePower(_ a: ExprID, _ exponent: Rational) -> ExprID {
        if exponent.isOne { return a }
        if shape(a).isScalar { return power(a, exponent) }
        if case .elementwisePower(let base, let inner) = self[a], inner.isInteger, exponent.isInteger {
            return elementwisePower(base, inner * exponent)
        }
        return intern(.elementwisePower(a, exponent))
    }

    /// `s ^ c` for a scalar `s`, with `s^1 = s` and numbers raised exactly when rational.
    func power(_ a: ExprID, _ exponent: Rational) -> ExprID {
        if exponent.isOne { return a }
        if let value = numberValue(a), let result = value.power(exponent) { return number(result) }
        if case .power(let base, let inner) = self[a], inner.isInteger, exponent.isInteger {
            return power(base, inner * exponent)
        }
        return intern(.power(a, exponent))
    }

    /// `a + b`, with zero terms dropped.
    func add(_ a: ExprID, _ b: ExprID) -> ExprID {
        if numberValue(a) == .zero { return b }
        if numberValue(b) == .zero { return a }
        if case .negate(let inner) = self[b] { return intern(.subtract(a, inner)) }
        return intern(.add(a, b))
    }

    /// `a - b`, with zero terms dropped.
    func subtract(_ a: ExprID, _ b: ExprID) -> ExprID {
        if numberValue(b) == .zero { return a }
        if numberValue(a) == .zero { return negate(b) }
        return intern(.subtract(a, b))
    }

    /// `f(a)`, with `inv(inv(a)) = a`, `sum(M*ones) = sum(M)`, and a transpose dropped under
    /// `tr`, `sum` and `diagv`, which it does not change.
    func apply(_ function: MatrixFunction, _ a: ExprID) -> ExprID {
        if case .transpose(let inner) = self[a], [.trace, .sum, .diagonalVector].contains(function) {
            return apply(function, inner)
        }
        if function == .inverse, case .apply(.inverse, let inner) = self[a] { return inner }
        if function == .sum, case .multiply(let matrix, let ones) = self[a], case .ones = self[ones] {
            return apply(.sum, matrix)
        }
        return intern(.apply(function, a))
    }

    /// True for `I(n)`.
    func isIdentity(_ id: ExprID) -> Bool {
        if case .identity = self[id] { return true }
        return false
    }
}
