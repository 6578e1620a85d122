// The last pass over a result: the forms a person writes for what the algebra keeps as powers.

extension ExpressionTable {
    /// `root` rewritten bottom-up by the written-form rules, each of which keeps the value and
    /// the cost and writes the result as a person does:
    ///
    /// - `reciprocal-as-division`: `u.^(-k) = 1 ./ u.^k` and `s^(-k) = 1/s^k` (the algebra
    ///   keeps negative powers because they merge, `u u⁻² = u⁻¹`; a reader wants a fraction),
    ///   `-(n ./ v) = (-n) ./ v`, and `u.^(1/2) = sqrt(u)`;
    /// - `coefficient-into-denominator`: `(p/q)*(n ./ v) = (p n) ./ (q*v)` and
    ///   `(p/q) ./ v = p ./ (q*v)`, so that `½ (√x)^⊙(−1)` reads `1 ⊘ (2√x)`;
    /// - `division-by-reciprocal`: `a .* (1 ./ v) = a ./ v`;
    /// - `sum-of-squares`: `sum(v.^2) = v'*v` for a vector `v` (`v*v'` for a row vector), the
    ///   inner product as it is written;
    /// - `broadcast-operand`: `M − v 𝟏ᵀ = M − v` and `M + 𝟏 r = M + r` for a column `v` (a row
    ///   `r`) and an `M` of the sum's shape, the stretching left to broadcasting;
    /// - the chain rules of ``rewrittenChain(_:)`` on every product (`diagonal-sandwich`,
    ///   `pseudo-inverse`).
    ///
    /// Shrinks: none of these adds an operator; each turns a power into the operation it
    /// stands for.
    func writtenForm(_ root: ExprID) -> ExprID {
        var rewritten: [ExprID: ExprID] = [:]
        for id in topologicalOrder(from: root).reversed() {
            // Most nodes are written as they are: those whose operands stayed and that no rule
            // looks at are passed over without building anything.
            guard mayBeRewritten(id) || self[id].children.contains(where: { rewritten[$0] != nil }) else { continue }
            // Leaves are written as they are.
            if self[id].children.isEmpty { continue }
            let node = self[id].mappingChildren { rewritten[$0] ?? $0 }
            let written = writtenNode(node)
            if written != id { rewritten[id] = written }
        }
        return rewritten[root] ?? root
    }

    /// True when a rule of ``writtenForm(_:)`` may apply to the node as it is (a cheap test:
    /// a `false` is certain, a `true` is checked by the rule).
    private func mayBeRewritten(_ id: ExprID) -> Bool {
        func isNumberOver(_ operand: ExprID) -> Bool {
            switch self[operand] {
            case .elementwiseDivide(let n, _), .divide(let n, _): return numberValue(n) != nil
            default: return false
            }
        }
        switch self[id] {
        case .elementwisePower(_, let c): return c.isNegative || c == .half
        case .power(let a, let c): return (c.isNegative || c == .half) && numberValue(a) == nil
        case .hadamard(let a, let b): return isNumberOver(a) || isNumberOver(b)
        case .divide(let n, _), .elementwiseDivide(let n, _): return numberValue(n).map { $0.denominator != 1 } ?? false
        case .negate(let a): return isNumberOver(a)
        case .apply(.sum, let a):
            if case .elementwisePower(_, let c) = self[a] { return c == Rational(2) }
            return false
        case .add(let a, let b), .subtract(let a, let b):
            return broadcastOperand(a, against: b) != nil || broadcastOperand(b, against: a) != nil
        case .multiply(let a, let b):
            if (numberValue(a) != nil && isNumberOver(b)) || (numberValue(b) != nil && isNumberOver(a)) { return true }
            // The chain rules start at a diagonal matrix, an inverse, a pseudo-inverse or a
            // Kronecker product.
            guard let factors = productFactors(id, atMost: Self.longestOptimizedChain) else { return false }
            return factors.contains {
                switch self[$0] {
                case .apply(.diagonalMatrix, _), .apply(.inverse, _), .apply(.pseudoInverse, _), .apply2(.kron, _, _): return true
                case .transpose(let inner):
                    if case .apply(let function, _) = self[inner] { return function == .inverse || function == .pseudoInverse }
                    if case .apply2(.kron, _, _) = self[inner] { return true }
                    return false
                default: return false
                }
            }
        default:
            return false
        }
    }

    /// `a .* b` with `a .* (1 ./ v) = a ./ v`, either order (the broadcast is the same).
    func writtenHadamard(_ a: ExprID, _ b: ExprID) -> ExprID {
        func reciprocal(_ id: ExprID) -> ExprID? {
            guard case .elementwiseDivide(let n, let v) = self[id], numberValue(n) == .one else { return nil }
            return v
        }
        if let v = reciprocal(b) { return intern(.elementwiseDivide(a, v)) }
        if let v = reciprocal(a) { return intern(.elementwiseDivide(b, v)) }
        return hadamard(a, b)
    }

    /// `v` when `id` is the outer product `v 𝟏ᵀ` of a column `v` (`r` for `𝟏 r`, a row `r`)
    /// and `other` has `id`'s shape: in a sum with `other`, `v` broadcasts to the same value.
    private func broadcastOperand(_ id: ExprID, against other: ExprID) -> ExprID? {
        guard shape(other) == shape(id), case .multiply(let left, let right) = self[id] else { return nil }
        func isOnes(_ operand: ExprID) -> Bool {
            if case .ones = self[operand] { return true }
            if case .transpose(let inner) = self[operand], case .ones = self[inner] { return true }
            return false
        }
        if isOnes(right), shape(right).rows.isOne, shape(left).columns.isOne, !shape(left).rows.isOne { return left }
        if isOnes(left), shape(left).columns.isOne, shape(right).rows.isOne, !shape(right).columns.isOne { return right }
        return nil
    }

    /// One node, its operands already in written form, by the rules of ``writtenForm(_:)``.
    private func writtenNode(_ node: ExprNode) -> ExprID {
        /// `(n, v)` when `id` is `n ./ v` or `n / v` with a number `n`.
        func numberOver(_ id: ExprID) -> (Rational, ExprID)? {
            switch self[id] {
            case .elementwiseDivide(let n, let v), .divide(let n, let v):
                return numberValue(n).map { ($0, v) }
            default: return nil
            }
        }
        func fraction(_ numerator: Rational, _ denominator: ExprID) -> ExprID {
            shape(denominator).isScalar
                ? intern(.divide(number(numerator), denominator))
                : intern(.elementwiseDivide(number(numerator), denominator))
        }
        /// `a.^c` (`a^c` for a scalar) with `c > 0`, a square root for `c = ½`.
        func positivePower(_ a: ExprID, _ c: Rational) -> ExprID {
            c == .half ? apply(.elementwise(.sqrt), a) : elementwisePower(a, c)
        }
        switch node {
        case .elementwisePower(let a, let c) where c.isNegative, .power(let a, let c) where c.isNegative && numberValue(a) == nil:
            return fraction(.one, positivePower(a, -c))
        case .elementwisePower(let a, let c) where c == .half, .power(let a, let c) where c == .half && numberValue(a) == nil:
            return positivePower(a, c)
        case .divide(let n, let v), .elementwiseDivide(let n, let v):
            // (p/q) / v = p / (q v): one fraction, not two.
            if let c = numberValue(n), c.denominator != 1 {
                return fraction(Rational(c.numerator), multiply(number(Rational(c.denominator)), v))
            }
        case .negate(let a):
            // -(n ./ v) = (-n) ./ v.
            if let (n, v) = numberOver(a) { return fraction(-n, v) }
        case .multiply(let a, let b):
            let product = intern(node)
            // A short product, its factors already written, may hold a run the chain rules
            // rewrite (one that spans its two operands).
            if !isScalarProductOfNonScalars(product), hasProductFactors(product, atMost: Self.longestOptimizedChain)
            {
                var term = productTerm(product)
                if let chain = rewrittenChain(term.chain) {
                    term.chain = chain
                    return expression(of: [term], shape: shape(product))
                }
            }
            // (p/q)*(n ./ v) = (p n) ./ (q v), either order.
            for (scale, other) in [(a, b), (b, a)] {
                guard let c = numberValue(scale), let (n, v) = numberOver(other) else { continue }
                let denominator = c.denominator == 1 ? v : multiply(number(Rational(c.denominator)), v)
                return fraction(n * Rational(c.numerator), denominator)
            }
        case .hadamard(let a, let b):
            return writtenHadamard(a, b)
        case .add(let a, let b), .subtract(let a, let b):
            // One operand at most: the other keeps the sum's shape (`v 𝟏ᵀ + 𝟏 𝟏ᵀ` is not `v + 𝟏`).
            var (left, right) = (a, b)
            if let stretched = broadcastOperand(b, against: a) { right = stretched } else if let stretched = broadcastOperand(a, against: b) { left = stretched }
            if case .add = node { return intern(.add(left, right)) }
            return intern(.subtract(left, right))
        case .apply(.sum, let a):
            if case .elementwisePower(let v, let c) = self[a], c == Rational(2) {
                switch shape(v).kind {
                case .vector: return multiply(transpose(v), v)
                case .rowVector: return multiply(v, transpose(v))
                default: break
                }
            }
        default:
            break
        }
        return intern(node)
    }
}
