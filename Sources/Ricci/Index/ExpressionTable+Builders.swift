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

    /// `a` broadcast to `target` (a shape `a`'s broadcasts to) as a person writes it: a scalar
    /// times `ones`, a column `v 𝟏ᵀ`, a row `𝟏 r`; `a` itself when the shapes agree.
    func stretched(_ a: ExprID, to target: Shape) -> ExprID {
        let own = shape(a)
        if own == target { return a }
        if own.isScalar { return multiply(a, ones(target)) }
        if own.columns.isOne, !target.columns.isOne { return multiply(a, ones(Shape(.fixed(1), target.columns))) }
        if own.rows.isOne, !target.rows.isOne { return multiply(ones(Shape(target.rows, .fixed(1))), a) }
        return a
    }

    /// `zeros` shaped like `shape` (the number 0 for a scalar).
    func zeros(_ shape: Shape) -> ExprID {
        shape.isScalar ? number(.zero) : intern(.zeros(shape.rows, shape.columns))
    }

    /// `I(n)`; the identity over a product dimension is the Kronecker product of identities
    /// (`I(m·n) = kron(I(m), I(n))`), since the language writes sizes as names or integers.
    func identity(_ n: Dimension) -> ExprID {
        if case .product(let outer, let inner) = n { return intern(.apply2(.kron, identity(outer), identity(inner))) }
        return intern(.identity(n))
    }

    /// The size of `dimension` as a scalar expression: `tr(I(n))` for a symbol, the number
    /// for a literal, a product of those for a product dimension.
    func size(of dimension: Dimension) -> ExprID {
        switch dimension {
        case .fixed(let size): return number(Rational(size))
        case .named: return apply(.trace, intern(.identity(dimension)))
        case .product(let outer, let inner): return multiply(size(of: outer), size(of: inner))
        }
    }

    /// True when `a` has the shape of the broadcasting operation of `a` and `b`: an
    /// identity of one operand that drops the other may drop it only then.
    private func keepsShape(_ a: ExprID, with b: ExprID) -> Bool {
        shape(a) == Shape.broadcast(shape(a), shape(b))
    }

    /// True for the number 0 and for `zeros(m, n)`.
    func isZero(_ id: ExprID) -> Bool {
        switch self[id] {
        case .number(let value): return value.isZero
        case .zeros: return true
        default: return false
        }
    }

    /// `a'`, with `(a')' = a`, `f(a')' = f(a)` for an entry-wise `f`, `s' = s` for scalars, `S' = S` for symmetric `S`, and the
    /// transposes of `sum(M, 2)` and `sum(M, 1)` written as the other sum of `M'` (so that a
    /// transpose stays outside: `sum(M, 1)'`, not `sum(M', 2)`).
    func transpose(_ a: ExprID) -> ExprID {
        if case .transpose(let inner) = self[a] { return inner }
        // f(Xᵀ)ᵀ = f(X) for an entry-wise f: the two transposes cancel.
        if case .apply(let function, let argument) = self[a], function.isElementwise,
           case .transpose(let inner) = self[argument]
        {
            return apply(function, inner)
        }
        if isSymmetric(a) { return a }
        if case .zeros(let m, let n) = self[a] { return zeros(Shape(n, m)) }
        return intern(.transpose(a))
    }

    /// True when `a` is written as a negation: `-b`, or a product or entry-wise product with a
    /// negated operand or a negative number (`-y .* u`, `-2*x`); ``negate(_:)`` shortens it.
    func isNegation(_ a: ExprID) -> Bool {
        switch self[a] {
        case .negate: return true
        case .hadamard(let b, let c), .multiply(let b, let c):
            if case .negate = self[b] { return true }
            if case .negate = self[c] { return true }
            return (numberValue(b).map { $0.isNegative } ?? false) || (numberValue(c).map { $0.isNegative } ?? false)
        default: return false
        }
    }

    /// `-a`, with `-(-a) = a`, numbers negated, `-0 = 0`, and the sign of a negated operand
    /// or a negative number of a product taken off (`-(-y .* u) = y .* u`, `-(-2*x) = 2*x`).
    func negate(_ a: ExprID) -> ExprID {
        if case .negate(let inner) = self[a] { return inner }
        if case .hadamard(let b, let c) = self[a] {
            if case .negate(let inner) = self[b] { return hadamard(inner, c) }
            if case .negate(let inner) = self[c] { return hadamard(b, inner) }
        }
        if case .multiply(let b, let c) = self[a] {
            if case .negate(let inner) = self[b] { return multiply(inner, c) }
            if case .negate(let inner) = self[c] { return multiply(b, inner) }
            if let value = numberValue(b), value.isNegative { return multiply(number(-value), c) }
            if let value = numberValue(c), value.isNegative { return multiply(b, number(-value)) }
        }
        if let value = numberValue(a) { return number(-value) }
        if case .zeros = self[a] { return a }
        return intern(.negate(a))
    }

    /// `a*b` (matrix product, or scaling when a side is a scalar), with `1*b = b`, `a*1 = a`,
    /// numbers multiplied, `I*B = B`, `A*I = A` for a matrix product (`s*I` keeps its `I`:
    /// it is what makes the result a matrix), `diagm(v)*w = v .* w` for a vector `w`, and
    /// powers of one matrix added (`X^a X^b = X^(a+b)`, `X X^b = X^(b+1)`).
    func multiply(_ a: ExprID, _ b: ExprID) -> ExprID {
        if case .apply(.diagonalMatrix, let v) = self[a], shape(b).kind == .vector, shape(v).kind == .vector {
            return hadamard(v, b)
        }
        if let v = diagonalOfVector(a), let w = diagonalOfVector(b) { return apply(.diagonalMatrix, hadamard(v, w)) }
        if let x = numberValue(a), let y = numberValue(b) { return number(x * y) }
        let product = !shape(a).isScalar && !shape(b).isScalar
        if isZero(a) || isZero(b) {
            let (sa, sb) = (shape(a), shape(b))
            return zeros(product ? Shape(sa.rows, sb.columns) : (sa.isScalar ? sb : sa))
        }
        if product, annihilates(a, b) { return zeros(Shape(shape(a).rows, shape(b).columns)) }
        if numberValue(a) == .one || (isIdentity(a) && product) { return b }
        if numberValue(b) == .one || (isIdentity(b) && product) { return a }
        if numberValue(a) == .minusOne { return negate(b) }
        if numberValue(b) == .minusOne { return negate(a) }
        if product, let (base, left) = powerOfOne(a), let (other, right) = powerOfOne(b), base == other {
            return matrixPower(base, left + right)
        }
        return intern(.multiply(a, b))
    }

    /// `v` when `id` is `diagm(v)` of a column vector `v`: the diagonal matrices whose
    /// products are Hadamard products of their diagonals, `diagm(v) diagm(w) = diagm(v ⊙ w)`.
    func diagonalOfVector(_ id: ExprID) -> ExprID? {
        guard case .apply(.diagonalMatrix, let v) = self[id], shape(v).kind == .vector else { return nil }
        return v
    }

    /// `(X, k)` when `id` is `X^k` (`(X, 1)` for a square matrix `X` itself, `(X, -1)` for
    /// `inv(X)`); `nil` otherwise.
    /// With `anySquare`, every other square matrix is its own first power (`(A + B, 1)`).
    func powerOfOne(_ id: ExprID, anySquare: Bool = false) -> (ExprID, Int)? {
        switch self[id] {
        case .matrixPower(let base, let k): return (base, k)
        case .apply(.inverse, let base): return (base, -1)
        case .variable where shape(id).isSquare: return (id, 1)
        default: return anySquare && shape(id).isSquare && !shape(id).isScalar ? (id, 1) : nil
        }
    }

    /// `X^k` for a square matrix: `X^0 = I`, `X^1 = X`, `X^-1 = inv(X)`, a power of a power
    /// multiplied out.
    func matrixPower(_ a: ExprID, _ k: Int) -> ExprID {
        switch k {
        case 0: return identity(shape(a).rows)
        case 1: return a
        case -1: return apply(.inverse, a)
        default:
            if case .matrixPower(let base, let inner) = self[a] { return matrixPower(base, inner * k) }
            if case .apply(.inverse, let base) = self[a] { return matrixPower(base, -k) }
            return intern(.matrixPower(a, k))
        }
    }

    /// `a .* b`, which is scaling when either side is a scalar; `ones .* b = b` where `b`
    /// has the product's shape, and `a .* b.^(-c)` is written `a ./ b.^c`.
    func hadamard(_ a: ExprID, _ b: ExprID) -> ExprID {
        if shape(a).isScalar || shape(b).isScalar { return multiply(a, b) }
        if isZero(a) || isZero(b) { return zeros(Shape.broadcast(shape(a), shape(b))) }
        if case .ones = self[a], keepsShape(b, with: a) { return b }
        if case .ones = self[b], keepsShape(a, with: b) { return a }
        // vec(A) ⊙ vec(B) = vec(A ⊙ B): one vec for two.
        if case .apply(.vec, let x) = self[a], case .apply(.vec, let y) = self[b], shape(x) == shape(y) {
            return apply(.vec, hadamard(x, y))
        }
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

    /// `a + b`, with zero terms dropped where the other term has the sum's shape, and an
    /// all-ones matrix written as the number 1 that broadcasts (`1 + exp(x)`, not
    /// `ones(m) + exp(x)`).
    func add(_ a: ExprID, _ b: ExprID) -> ExprID {
        if isZero(a), keepsShape(b, with: a) { return b }
        if isZero(b), keepsShape(a, with: b) { return a }
        if case .negate(let inner) = self[b] { return subtract(a, inner) }
        return intern(.add(broadcastOne(a, with: b), broadcastOne(b, with: a)))
    }

    /// The scalar `t − 1` with its numbers folded: `3 − 1 = 2`, `(u − 1) − 1 = u − 2`,
    /// `(u + 1) − 1 = u` (the exponent a power rule lowers, once per order).
    func decremented(_ t: ExprID) -> ExprID {
        if let value = numberValue(t) { return number(value - .one) }
        if case .subtract(let u, let c) = self[t], let value = numberValue(c) { return subtract(u, number(value + .one)) }
        if case .add(let u, let c) = self[t], let value = numberValue(c) {
            return value.isOne ? u : add(u, number(value - .one))
        }
        return subtract(t, number(.one))
    }

    /// `a - b`, with zero terms dropped where the other term has the difference's shape, an
    /// all-ones matrix written as the number 1 that broadcasts (`1 - tanh(X).^2`), and
    /// `1 - sigmoid(-z) = sigmoid(z)`.
    func subtract(_ a: ExprID, _ b: ExprID) -> ExprID {
        if a == b { return zeros(shape(a)) }
        // 1 − sigmoid(−z) = sigmoid(z) for an argument written as a negation (`sigmoid(z)` is
        // shorter; `1 − sigmoid(z)` itself stays, as it reuses `sigmoid(z)`).
        if case .apply(.elementwise(.sigmoid), let z) = self[b], isNegation(z),
            numberValue(a) == .one || isOnesMatrix(a, keeping: b)
        {
            return apply(.elementwise(.sigmoid), negate(z))
        }
        if isZero(b), keepsShape(a, with: b) { return a }
        if isZero(a), keepsShape(b, with: a) { return negate(b) }
        return intern(.subtract(broadcastOne(a, with: b), broadcastOne(b, with: a)))
    }

    /// True when `a` is `ones(…)` and `b` has the shape of their broadcast.
    private func isOnesMatrix(_ a: ExprID, keeping b: ExprID) -> Bool {
        guard case .ones = self[a] else { return false }
        return keepsShape(b, with: a)
    }

    /// The number 1 in place of `ones(…)` where the other operand of a sum has the sum's
    /// shape, so that the 1 broadcasts to it; `a` itself otherwise.
    func broadcastOne(_ a: ExprID, with other: ExprID) -> ExprID {
        guard case .ones = self[a], keepsShape(other, with: a) else { return a }
        return number(.one)
    }

    /// `f(a)`, with `inv(inv(a)) = a`, `sum(M*ones) = sum(sum(M, d)) = sum(M)`, a transpose dropped under
    /// `tr`, `sum` and `diagv`, which it does not change, `numel` and `size` of a shape with
    /// literal sizes as numbers, and `f(s) = s` for the functions that leave a scalar as it is
    /// (`tr`, `diagv`, `diagm`, `sum`, `vec`).
    func apply(_ function: MatrixFunction, _ a: ExprID) -> ExprID {
        if case .transpose(let inner) = self[a], [.trace, .sum, .diagonalVector].contains(function) {
            return apply(function, inner)
        }
        if function == .inverse, case .apply(.inverse, let inner) = self[a] { return inner }
        if function == .sum, case .multiply(let matrix, let ones) = self[a], case .ones = self[ones] {
            return apply(.sum, matrix)
        }
        if function == .sum, case .apply(let inner, let matrix) = self[a], inner == .rowSums || inner == .columnSums {
            return apply(.sum, matrix)
        }
        let argument = shape(a)
        func literalSize(_ dimension: Dimension) -> Int? {
            dimension.components.reduce(1 as Int?) { product, component in
                guard let product, case .fixed(let size) = component else { return nil }
                return product * size
            }
        }
        switch function {
        case .numel:
            if let rows = literalSize(argument.rows), let columns = literalSize(argument.columns) {
                return number(Rational(rows * columns))
            }
            // `numel(exp(X))` is `numel(X)`, `numel(X*w)` is `size(X, 1)`, `numel(exp(X*Y))`
            // is `numel(X*Y)`.
            if let count = countReadOffVariable(in: a, shape: argument, whole: true) { return count }
            if let smallest = smallestPart(of: a, shaped: argument), smallest != a {
                return intern(.apply(.numel, smallest))
            }
        case .size(let axis):
            let dimension = axis == 1 ? argument.rows : argument.columns
            if let size = literalSize(dimension) { return number(Rational(size)) }
            if let size = countReadOffVariable(in: a, shape: Shape(dimension, .one), whole: false) { return size }
        case .trace, .diagonalVector, .diagonalMatrix, .sum, .vec:
            if argument.isScalar { return a }
        case .rowSums, .columnSums:
            // Summing along an axis of size 1 leaves the matrix as it is, and the only axis of
            // a vector sums to sum(v); the sums of a transpose are the transposed other sums;
            // the rows of M − mean(M, 2) sum to 0.
            if (function == .rowSums ? argument.columns : argument.rows).isOne { return a }
            if (function == .rowSums ? argument.rows : argument.columns).isOne { return apply(.sum, a) }
            if case .transpose(let inner) = self[a] {
                return transpose(apply(function == .rowSums ? .columnSums : .rowSums, inner))
            }
            if isCentred(a, along: function) {
                return zeros(function == .rowSums ? Shape(argument.rows, .one) : Shape(.one, argument.columns))
            }
        default:
            break
        }
        // The exact entry-wise functions of a number are numbers (step(0) = 0).
        if case .elementwise(let builtin) = function, let value = numberValue(a) {
            switch builtin {
            case .step: return number(value.isNegative || value.isZero ? .zero : .one)
            case .sign: return number(value.isZero ? .zero : value.isNegative ? .minusOne : .one)
            case .abs: return number(value.magnitude)
            case .relu: return number(value.isNegative ? .zero : value)
            default: break
            }
        }
        if isZero(a) {
            let result = intern(.apply(function, a))
            if !function.isElementwise || function == .elementwise(.sin) || function == .elementwise(.tanh) {
                // Linear functions of 0 (and the odd ones among entry-wise functions) are 0.
                switch function {
                case .trace, .sum, .columnSums, .rowSums, .mean, .columnMeans, .rowMeans, .vec, .diagonalMatrix,
                    .diagonalVector, .norm1, .norm2, .elementwise(.sin), .elementwise(.tanh):
                    return zeros(shape(result))
                default:
                    break
                }
            }
            return result
        }
        return intern(.apply(function, a))
    }

    /// `f(a, b)`.
    func apply(_ function: BinaryFunction, _ a: ExprID, _ b: ExprID) -> ExprID {
        intern(.apply2(function, a, b))
    }

    /// The number of entries of a value of `shape` (the length of a vector), read off the
    /// first variable inside `a` that has it: `numel(v)` for a variable of that shape (with
    /// `whole`), else `size(v, 1)` or `size(v, 2)` for a vector's length; `nil` when `a` is a
    /// variable itself or none has it. The same number, written shorter (`size(exp(X), 2)` is
    /// `size(X, 2)`, `numel(X*w)` is `size(X, 1)`).
    private func countReadOffVariable(in a: ExprID, shape wanted: Shape, whole: Bool) -> ExprID? {
        if case .variable = self[a] { return nil }
        let length: Dimension? = wanted.columns.isOne ? wanted.rows : wanted.rows.isOne ? wanted.columns : nil
        for id in topologicalOrder(from: a) {
            guard case .variable = self[id] else { continue }
            let own = shape(id)
            if whole, own == wanted { return intern(.apply(.numel, id)) }
            guard let length, !length.isOne else { continue }
            if own.rows == length { return intern(.apply(.size(axis: 1), id)) }
            if own.columns == length { return intern(.apply(.size(axis: 2), id)) }
        }
        return nil
    }

    /// The sub-expression of `a` (or `a`) of shape `wanted` with the fewest operators, the
    /// first met among equals: what `numel` of a shape is best written of.
    private func smallestPart(of a: ExprID, shaped wanted: Shape) -> ExprID? {
        var best: (id: ExprID, operators: Int)?
        for id in topologicalOrder(from: a) where shape(id) == wanted {
            let operators = operatorCount(id)
            if operators < best?.operators ?? .max { best = (id, operators) }
        }
        return best?.id
    }

    /// True when `a` is `M − mean(M, 2)` and `sums` the row sums (or `M − mean(M, 1)` and
    /// the column sums): the centred rows (columns) sum to 0.
    private func isCentred(_ a: ExprID, along sums: MatrixFunction) -> Bool {
        guard case .subtract(let matrix, let means) = self[a] else { return false }
        let expected: MatrixFunction = sums == .rowSums ? .rowMeans : .columnMeans
        if case .apply(expected, matrix) = self[means] { return true }
        return false
    }

    /// True when the matrix product `a b` is zero by the Penrose conditions (`A⁺AA⁺ = A⁺`,
    /// `AA⁺A = A`, `AA⁺` and `A⁺A` symmetric): `A⁺(I − AA⁺)`, `(I − A⁺A)A⁺`, `A(I − A⁺A)`,
    /// `(I − AA⁺)A`, and their transposes, `(I − AA⁺)A⁺ᵀ`, `A⁺ᵀ(I − A⁺A)`, `(I − A⁺A)Aᵀ`,
    /// `Aᵀ(I − AA⁺)`.
    func annihilates(_ a: ExprID, _ b: ExprID) -> Bool {
        let complement = projectorComplement
        /// `(A, isPseudoInverse, isTransposed)` for `A`, `A'`, `A⁺`, `A⁺'`.
        func factor(_ id: ExprID) -> (matrix: ExprID, isPseudoInverse: Bool, isTransposed: Bool) {
            var node = id
            var transposed = false
            if case .transpose(let inner) = self[node] {
                node = inner
                transposed = true
            }
            if case .apply(.pseudoInverse, let inner) = self[node] { return (inner, true, transposed) }
            return (node, false, transposed)
        }
        if let (matrix, isLeft) = complement(b) {
            let left = factor(a)
            guard left.matrix == matrix else { return false }
            // A⁺(I − AA⁺), Aᵀ(I − AA⁺); A(I − A⁺A), A⁺ᵀ(I − A⁺A).
            return isLeft ? left.isPseudoInverse != left.isTransposed : left.isPseudoInverse == left.isTransposed
        }
        if let (matrix, isLeft) = complement(a) {
            let right = factor(b)
            guard right.matrix == matrix else { return false }
            // (I − AA⁺)A, (I − AA⁺)A⁺ᵀ; (I − A⁺A)A⁺, (I − A⁺A)Aᵀ.
            return isLeft ? right.isPseudoInverse == right.isTransposed : right.isPseudoInverse != right.isTransposed
        }
        return false
    }

    /// `(A, true)` when `id` is `I − AA⁺`, the projector onto the complement of `A`'s column
    /// space (it acts on `A`'s rows), `(A, false)` when it is `I − A⁺A`; else `nil`. Both are
    /// symmetric and idempotent.
    func projectorComplement(_ id: ExprID) -> (matrix: ExprID, isRowSide: Bool)? {
        guard case .subtract(let identity, let product) = self[id], isIdentity(identity),
            case .multiply(let first, let second) = self[product]
        else { return nil }
        if case .apply(.pseudoInverse, let inner) = self[second], inner == first { return (first, true) }
        if case .apply(.pseudoInverse, let inner) = self[first], inner == second { return (second, false) }
        return nil
    }

    /// True for `I(n)`.
    func isIdentity(_ id: ExprID) -> Bool {
        switch self[id] {
        case .identity: return true
        // I(m·n) is written kron(I(m), I(n)).
        case .apply2(.kron, let a, let b): return isIdentity(a) && isIdentity(b)
        default: return false
        }
    }

    /// `kron(a, b)`, with a scalar side written as scaling, a zero side making zeros, and
    /// the Kronecker product of identities the identity over the product dimension.
    func kron(_ a: ExprID, _ b: ExprID) -> ExprID {
        if shape(a).isScalar || shape(b).isScalar { return multiply(a, b) }
        let (sa, sb) = (shape(a), shape(b))
        let result = Shape(Dimension.times(sa.rows, sb.rows), Dimension.times(sa.columns, sb.columns))
        if isZero(a) || isZero(b) { return zeros(result) }
        return intern(.apply2(.kron, a, b))
    }
}
