// Component-wise derivative rules: ∂ M[i,j] / ∂ T[p,q] for every kind of node M.

/// A derivative Ricci cannot take, with the reason.
public struct DifferentiationError: RicciError {
    public let message: String
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .unsupported }

    /// "cannot take this derivative because" + `reason`.
    init(because reason: String) {
        message = "cannot take this derivative because " + reason
    }
}

/// What a derivative is taken with respect to: the entry `node[indices]` of an interned
/// expression (a variable, or in reverse mode a child node treated as the variable).
struct DerivativeTarget {
    /// The expression differentiated against.
    let node: ExprID
    /// The indices of its entry, `[p, q]`.
    let indices: [Index]
    /// Forward mode descends into every sub-expression that depends on `variable`; a local
    /// derivative (reverse mode) stops at the direct children: a child other than `node` is
    /// a constant there, its own dependence being accounted for by its own adjoint.
    let recursive: Bool
    /// The variable whose dependence decides where recursion goes.
    let variable: String
}

extension IndexContext {
    /// The largest `|k|` of a matrix power `X^k` that is differentiated: its derivative has
    /// `|k|` terms (`d(X³) = dX X² + X dX X + X² dX`), as many as the longest product of
    /// `X`s the parser accepts has factors.
    static let largestDifferentiatedMatrixPower = Parser.maximumHeight

    /// `∂ id[indices] / ∂ target.node[target.indices]` as a list of terms (their sum), free
    /// indices `indices` followed by `target.indices`, deltas not yet contracted.
    ///
    /// The only base rule is `∂X[i,j]/∂X[p,q] = δ[i,p] δ[j,q]`. Sums differentiate term by
    /// term (a broadcast operand by its own, fewer, indices); every multiplicative node is a
    /// product of entries of its children (``oneLevelProduct(_:_:)``) and follows the product
    /// rule; the non-linear functions follow the chain rule with their known derivatives:
    /// `∂A⁻¹ = −A⁻¹ ∂A A⁻¹`, `∂det A = det A · tr(A⁻¹ ∂A)`, `∂logdet A = tr(A⁻¹ ∂A)`,
    /// `∂‖A‖ = ‖A‖⁻¹ Σ A ⊙ ∂A`, `∂‖A‖₁ = Σ sign(A) ⊙ ∂A`, `∂f(A) = f'(A) ⊙ ∂A` entry-wise,
    /// `∂λ(A) = Σ ∇λ(A) ⊙ ∂A`, `∂(X^k) = Σ_r X^r ∂X X^(k−1−r)`, `∂(s^t) = t s^(t−1) ∂s +
    /// s^t log(s) ∂t`, `∂ max(A, B) = step(A − B) ⊙ ∂A + (1 − step(A − B)) ⊙ ∂B`,
    /// `∂softmax(A) = s ⊙ (∂A − 𝟏 (sᵀ∂A))` column by column, `∂logsumexp(A) = Σ G ⊙ ∂A`
    /// (`G = softmax(A)` for a vector, `exp(A − logsumexp(A))` otherwise), and Golub and
    /// Pereyra's `∂A⁺ = −A⁺ ∂A A⁺ + A⁺A⁺ᵀ ∂Aᵀ (I − AA⁺) + (I − A⁺A) ∂Aᵀ A⁺ᵀA⁺` (for a matrix of
    /// locally constant rank).
    func derivative(of id: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        try measured(profile, .differentiate) { try differentiate(id, at: indices, target) }
    }

    private func differentiate(_ id: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        if id == target.node {
            return [Term(.one, zip(indices, target.indices).map { .delta($0, $1) })]
        }
        if target.recursive, let closed = try closedJacobian(id, at: indices, target, derive: { own in
            try openDerivative(id, at: own, target)
        }) {
            return closed
        }
        return try openDerivative(id, at: indices, target)
    }

    /// ``differentiate(_:at:_:)`` by the rule of the node, its Jacobian not closed.
    private func openDerivative(_ id: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        // An entry-wise block reaching a base more than once: per base, one term per term of
        // its derivative (forward mode, where the recursion would make one per path).
        if target.recursive, let block = entrywiseBlock(id, dependingOn: target.variable),
           block.uses > block.bases.count,
           let terms = try blockRule(id, block, at: indices, variable: target.variable, baseDerivative: { base in
               try childDerivative(base, indices, target)
           })
        {
            return terms
        }
        switch table[id] {
        case .number, .variable, .identity, .ones, .zeros, .commutation:
            return []
        case .add(let a, let b):
            return try summandDerivative(a, of: id, indices, target) + summandDerivative(b, of: id, indices, target)
        case .subtract(let a, let b):
            if target.recursive, indices.count == 2, let (matrix, isRowSide) = table.projectorComplement(id) {
                return try complementRule(id, of: matrix, isRowSide: isRowSide, at: indices, target)
            }
            return try summandDerivative(a, of: id, indices, target)
                + summandDerivative(b, of: id, indices, target).map { Term(-$0.coefficient, $0.factors) }
        case .apply(let function, let a) where !function.isMultiplicative:
            return try chainRule(function, of: id, argument: a, at: indices, target)
        case .apply2(.maximum, let a, let b), .apply2(.minimum, let a, let b):
            return try extremumRule(id, a, b, at: indices, target)
        case .matrixPower(let a, let k):
            return try matrixPowerRule(id, base: a, exponent: k, at: indices, target)
        case .powerBy(let a, let t), .elementwisePowerBy(let a, let t):
            return try powerByRule(id, base: a, exponent: t, at: indices, target)
        case .negate, .multiply, .hadamard, .elementwiseDivide, .divide, .power,
            .elementwisePower, .transpose, .apply, .apply2:
            return try productRule(oneLevelProduct(id, indices), target)
        }
    }

    /// The derivative of a summand of the sum `id`: its own derivative at the indices it
    /// keeps, times `1` over every index it is broadcast along (`∂(X + b)[i,j]/∂b[p] =
    /// δ[i,p]·1[j]`): the index stays in the term, so that a sum over it counts its size
    /// (`Σ_j 1 = n`) instead of vanishing.
    private func summandDerivative(_ child: ExprID, of id: ExprID, _ indices: [Index], _ target: DerivativeTarget)
        throws -> [Term]
    {
        let kept = broadcastSlots(child, in: id, indices)
        let terms = try childDerivative(child, kept, target)
        guard kept.count < indices.count, !terms.isEmpty else { return terms }
        let stretched = indices.filter { !kept.contains($0) }.map { index -> Factor in
            .entry(table.ones(.vector(range(of: index))), [index], exponent: .one)
        }
        return terms.map { Term($0.coefficient, $0.factors + stretched) }
    }

    /// True when the child is the target or depends on its variable (in reverse mode too,
    /// where the other child's own dependence reaches the variable by its own adjoint).
    private func dependsOnTarget(_ child: ExprID, _ target: DerivativeTarget) -> Bool {
        child == target.node || table.depends(child, on: target.variable)
    }

    /// The derivative of a child: the base rule when it is the target, nothing when it is a
    /// constant, else (forward mode only) its own derivative.
    private func childDerivative(_ child: ExprID, _ indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        if child == target.node { return try derivative(of: child, at: indices, target) }
        guard target.recursive, table.depends(child, on: target.variable) else { return [] }
        return try derivative(of: child, at: indices, target)
    }

    /// One operand of a product form: `child[indices]^exponent`.
    struct ProductSlot {
        let child: ExprID
        let indices: [Index]
        let exponent: Rational
    }

    /// A multiplicative node's entry as `coefficient × Π slots × Π deltas`, one level deep:
    /// `(A B)[i,k] = Σ_j A[i,j] B[j,k]`, `(A ./ B)[i,j] = A[i,j] B[i,j]⁻¹`,
    /// `tr(M) = Σ_i M[i,i]`, `diagm(v)[i,j] = v[i] δ[i,j]`, `kron(A, B)[(a,b),(c,d)] =
    /// A[a,c] B[b,d]`, `mean(M) = Σ M[i,j] numel(M)⁻¹`, and so on (see ``lower(_:_:)``).
    func oneLevelProduct(_ id: ExprID, _ indices: [Index]) -> (Rational, [ProductSlot], [Factor]) {
        func slot(_ child: ExprID, _ childIndices: [Index], _ exponent: Rational = .one) -> ProductSlot {
            ProductSlot(child: child, indices: childIndices, exponent: exponent)
        }
        switch table[id] {
        case .negate(let a):
            return (.minusOne, [slot(a, indices)], [])
        case .multiply(let a, let b):
            let (left, right) = productSlots(a, b, indices)
            return (.one, [slot(a, left), slot(b, right)], [])
        case .hadamard(let a, let b):
            return (.one, [slot(a, broadcastSlots(a, in: id, indices)), slot(b, broadcastSlots(b, in: id, indices))], [])
        case .elementwiseDivide(let a, let b):
            return (.one, [slot(a, broadcastSlots(a, in: id, indices)), slot(b, broadcastSlots(b, in: id, indices), -1)], [])
        case .divide(let a, let b):
            return (.one, [slot(a, indices), slot(b, [], -1)], [])
        case .power(let a, let exponent):
            return (.one, [slot(a, [], exponent)], [])
        case .elementwisePower(let a, let exponent):
            return (.one, [slot(a, indices, exponent)], [])
        case .transpose(let a):
            return (.one, [slot(a, transposedSlots(a, indices))], [])
        case .apply(.trace, let a):
            return (.one, [slot(a, diagonalSlots(a))], [])
        case .apply(.sum, let a):
            return (.one, [slot(a, freshIndices(for: a))], [])
        case .apply(.mean, let a):
            return (.one, [slot(a, freshIndices(for: a)), slot(table.apply(.numel, a), [], -1)], [])
        case .apply(.columnSums, let a):
            return (.one, [slot(a, freshIndices(over: table.shape(a).rows) + indices)], [])
        case .apply(.rowSums, let a):
            return (.one, [slot(a, indices + freshIndices(over: table.shape(a).columns))], [])
        case .apply(.columnMeans, let a):
            let rows = table.shape(a).rows
            return (.one, [slot(a, freshIndices(over: rows) + indices), slot(table.apply(.size(axis: 1), a), [], -1)], [])
        case .apply(.rowMeans, let a):
            let columns = table.shape(a).columns
            return (.one, [slot(a, indices + freshIndices(over: columns)), slot(table.apply(.size(axis: 2), a), [], -1)], [])
        case .apply(.vec, let a):
            let columnCount = table.shape(a).columns.indexCount
            return (.one, [slot(a, Array(indices.dropFirst(columnCount) + indices.prefix(columnCount)))], [])
        case .apply(.diagonalMatrix, let v):
            if indices.isEmpty { return (.one, [slot(v, [])], []) }
            return (.one, [slot(v, [indices[0]])], [.delta(indices[0], indices[1])])
        case .apply(.diagonalVector, let a):
            return (.one, [slot(a, indices.isEmpty ? [] : [indices[0], indices[0]])], [])
        case .apply2(.kron, let a, let b):
            let (left, right) = kroneckerSlots(a, b, indices)
            return (.one, [slot(a, left), slot(b, right)], [])
        case .number, .variable, .add, .subtract, .apply, .apply2, .identity, .ones, .zeros, .commutation,
            .matrixPower, .powerBy, .elementwisePowerBy:
            preconditionFailure("not a multiplicative node")
        }
    }

    /// `∂ Π_k c_k^{e_k} = Σ_k (Π_{l≠k} c_l^{e_l}) e_k c_k^{e_k − 1} ∂c_k`: the product rule,
    /// every factor that is not differentiated kept closed as the input wrote it.
    private func productRule(_ form: (Rational, [ProductSlot], [Factor]), _ target: DerivativeTarget) throws -> [Term] {
        let (coefficient, slots, deltas) = form
        var terms: [Term] = []
        for (k, slot) in slots.enumerated() {
            let childTerms = try childDerivative(slot.child, slot.indices, target)
            if childTerms.isEmpty { continue }
            var rest = Term(coefficient * slot.exponent, deltas)
            for (l, other) in slots.enumerated() where l != k {
                rest = product(rest, lower(other.child, other.indices, power: other.exponent))
            }
            if slot.exponent != .one {
                rest = product(rest, lower(slot.child, slot.indices, power: slot.exponent - .one))
            }
            terms += childTerms.map { product(rest, $0) }
        }
        return terms
    }

    /// `∂ max(a, b) = step(a − b) ⊙ ∂a + step(b − a) ⊙ ∂b`, and for `min` the steps of
    /// `b − a` and `a − b`: each side counts where it is the one taken. Where both sides depend
    /// on the variable, `b`'s weight is `1 − step(a − b)` instead, so that the weights add up
    /// to 1 also where `a = b` and `max(a, a) = a` has the derivative of `a`; elsewhere a tie
    /// is an isolated kink with no derivative.
    private func extremumRule(
        _ id: ExprID, _ a: ExprID, _ b: ExprID, at indices: [Index], _ target: DerivativeTarget
    ) throws -> [Term] {
        guard case .apply2(let function, _, _) = table[id] else { preconditionFailure("an extremum") }
        func wins(_ side: ExprID, over other: ExprID) -> ExprID {
            table.apply(.elementwise(.step), function == .maximum ? table.subtract(side, other) : table.subtract(other, side))
        }
        // Where only one side depends on the variable, its weight is its own step (the tie
        // is a kink there); where both do, the weights are a step and its complement.
        let (aDepends, bDepends) = (dependsOnTarget(a, target), dependsOnTarget(b, target))
        let aSide = wins(a, over: b)
        let bSide = aDepends && bDepends ? table.subtract(table.number(.one), aSide) : wins(b, over: a)
        let aTerms = try childDerivative(a, broadcastSlots(a, in: id, indices), target)
            .map { product(lower(aSide, indices), $0) }
        let bTerms = try childDerivative(b, broadcastSlots(b, in: id, indices), target)
            .map { product(lower(bSide, indices), $0) }
        return aTerms + bTerms
    }

    /// `∂(X^k)[i,j] = Σ_{r=0}^{k−1} X^r[i,p] ∂X[p,q] X^(k−1−r)[q,j]` for `k > 0`, and for
    /// `k < 0` `−Σ_{r=1}^{−k} X^(−r)[i,p] ∂X[p,q] X^(k−1+r)[q,j]` (from `∂X⁻¹ = −X⁻¹ ∂X X⁻¹`).
    private func matrixPowerRule(
        _ id: ExprID, base a: ExprID, exponent k: Int, at indices: [Index], _ target: DerivativeTarget
    ) throws -> [Term] {
        guard abs(k) <= Self.largestDifferentiatedMatrixPower else {
            throw DifferentiationError(
                because: "the derivative of the matrix power \(PlainPrinter.print(table.expression(id))) has \(abs(k)) terms; Ricci differentiates powers up to \(Self.largestDifferentiatedMatrixPower)")
        }
        if k == 0 { return [] }
        let argumentIndices = freshIndices(for: a)
        let inner = try childDerivative(a, argumentIndices, target)
        if inner.isEmpty { return [] }
        let powers: [(left: Int, right: Int)] = k > 0
            ? (0..<k).map { ($0, k - 1 - $0) }
            : (1...(-k)).map { (-$0, k - 1 + $0) }
        let sign: Rational = k > 0 ? .one : .minusOne
        var terms: [Term] = []
        for (left, right) in powers {
            // X^0 is I, X^1 is X itself (a product opens with its coefficient): both lowered.
            var outer = product(lower(table.matrixPower(a, left), [indices[0], argumentIndices[0]]),
                                lower(table.matrixPower(a, right), [argumentIndices[1], indices[1]]))
            outer.coefficient *= sign
            terms += inner.map { product(outer, $0) }
        }
        return terms
    }

    /// `∂(s^t) = t s^(t−1) ∂s + s^t log(s) ∂t`, entry by entry for `X.^t`
    /// (`t X.^(t−1) ⊙ ∂X + X.^t ⊙ log(X) ∂t`).
    private func powerByRule(
        _ id: ExprID, base a: ExprID, exponent t: ExprID, at indices: [Index], _ target: DerivativeTarget
    ) throws -> [Term] {
        let lowered = table.decremented(t)
        let reduced = table.shape(id).isScalar ? intern(.powerBy(a, lowered)) : intern(.elementwisePowerBy(a, lowered))
        let baseSide = product(lower(t, []), lower(reduced, indices))
        let exponentSide = product(lower(id, indices), lower(table.apply(.elementwise(.log), a), indices))
        let baseTerms = try childDerivative(a, indices, target).map { product(baseSide, $0) }
        let exponentTerms = try childDerivative(t, [], target).map { product(exponentSide, $0) }
        return baseTerms + exponentTerms
    }

    /// An interned node (shorthand for the table's).
    private func intern(_ node: ExprNode) -> ExprID { table.intern(node) }

    /// The entry of `id` at an optional row and an optional column index, leaving out what
    /// the shape has no axis for (`M[i,j]`, `v[i]`, `s`).
    private func entry(_ id: ExprID, row: Index?, column: Index?) -> Term {
        lower(id, [row, column].compactMap { $0 })
    }

    /// The chain rule through a non-linear function `id = function(a)`.
    private func chainRule(
        _ function: MatrixFunction, of id: ExprID, argument a: ExprID, at indices: [Index],
        _ target: DerivativeTarget
    ) throws -> [Term] {
        // Entry-wise functions: ∂f(a)[i,j] = f'(a)[i,j] ∂a[i,j].
        if function.isElementwise {
            let outer = try elementwiseDerivative(function, of: id, argument: a, at: indices)
            if outer.coefficient.isZero { return [] }
            return try childDerivative(a, indices, target).map { product(outer, $0) }
        }
        if function.dependsOnShapeOnly { return [] }
        if function == .softmax { return try softmaxRule(id, a, at: indices, target) }
        // The rest contract the argument's derivative against matrices G:
        // ∂f = Σ_{k,l} G[k,l] ∂a[k,l] (G[l,k] where the rule reads tr(G ∂a)).
        let argumentIndices = freshIndices(for: a)
        let transposedIndices = Array(argumentIndices.reversed())
        let outers: [Term]
        switch function {
        case .inverse:
            // ∂(A⁻¹)[i,j] = −Σ A⁻¹[i,k] ∂A[k,l] A⁻¹[l,j]
            let (row, column): ([Index], [Index]) =
                indices.isEmpty ? ([], []) : ([indices[0], argumentIndices[0]], [argumentIndices[1], indices[1]])
            outers = [Term(.minusOne, lower(id, row).factors + lower(id, column).factors)]
        case .pseudoInverse:
            outers = pseudoInverseOuters(id, a, indices, argumentIndices)
        case .determinant:
            // ∂det A = det A Σ A⁻¹[l,k] ∂A[k,l]
            outers = [product(lower(id, []), lower(table.apply(.inverse, a), transposedIndices))]
        case .logDeterminant:
            outers = [lower(table.apply(.inverse, a), transposedIndices)]
        case .norm2:
            // ∂‖A‖ = ‖A‖⁻¹ Σ A[k,l] ∂A[k,l]
            outers = [product(lower(id, [], power: .minusOne), lower(a, argumentIndices))]
        case .norm1:
            // ∂‖A‖₁ = Σ sign(A)[k,l] ∂A[k,l]
            outers = [lower(table.apply(.elementwise(.sign), a), argumentIndices)]
        case .logSumExp:
            // ∂ log Σ exp(A) = Σ exp(A − logsumexp(A))[k,l] ∂A[k,l]: softmax for a vector.
            let shape = table.shape(a)
            let weights: ExprID
            switch shape.kind {
            case .scalar: weights = table.number(.one)
            case .vector, .rowVector: weights = table.apply(.softmax, a)
            case .matrix: weights = table.apply(.elementwise(.exp), table.subtract(a, id))
            }
            outers = [lower(weights, argumentIndices)]
        case .declaredScalar(let name):
            outers = [lower(table.apply(.declaredScalarGradient(name), a), argumentIndices)]
        case .declaredScalarGradient(let name):
            throw DifferentiationError(
                because: "grad_\(name) is the gradient of the declared scalar function \(name), whose second derivative has no name in the language")
        case .trace, .sum, .mean, .columnSums, .rowSums, .columnMeans, .rowMeans, .vec, .diagonalMatrix,
            .diagonalVector, .diagonal, .elementwise, .declaredElementwise, .declaredElementwiseDerivative, .softmax,
            .numel, .size:
            preconditionFailure("handled as a product, an entry-wise function or above")
        }
        let inner = try childDerivative(a, argumentIndices, target)
        return outers.flatMap { outer in inner.map { product(outer, $0) } }
    }

    /// The three terms of `∂A⁺[i,j]` against `∂A[k,l]` (Golub and Pereyra):
    /// `−A⁺[i,k] A⁺[l,j] + (A⁺A⁺ᵀ)[i,l] (I − AA⁺)[k,j] + (I − A⁺A)[i,l] (A⁺ᵀA⁺)[k,j]`.
    /// An axis of size 1 has no index, so the same terms serve vectors.
    private func pseudoInverseOuters(_ id: ExprID, _ a: ExprID, _ indices: [Index], _ argumentIndices: [Index]) -> [Term] {
        let shape = table.shape(a)
        // A is m×n, A⁺ n×m; the indices of A⁺'s entry and of A's, by axis.
        var resultIndices = indices[...]
        let i = shape.columns.isOne ? nil : resultIndices.popFirst()
        let j = shape.rows.isOne ? nil : resultIndices.popFirst()
        var operandIndices = argumentIndices[...]
        let k = shape.rows.isOne ? nil : operandIndices.popFirst()
        let l = shape.columns.isOne ? nil : operandIndices.popFirst()
        let pinv = id
        let pinvT = table.transpose(pinv)
        // A side of size 1 has a zero complement: a⁺a = 1 for a column a, a a⁺ = 1 for a row.
        let rowProjector = shape.rows.isOne
            ? table.zeros(Shape(shape.rows, shape.rows))
            : table.subtract(table.identity(shape.rows), table.multiply(a, pinv))
        let columnProjector = shape.columns.isOne
            ? table.zeros(Shape(shape.columns, shape.columns))
            : table.subtract(table.identity(shape.columns), table.multiply(pinv, a))
        var first = product(entry(pinv, row: i, column: k), entry(pinv, row: l, column: j))
        first.coefficient = -first.coefficient
        return [
            first,
            product(entry(table.multiply(pinv, pinvT), row: i, column: l), entry(rowProjector, row: k, column: j)),
            product(entry(columnProjector, row: i, column: l), entry(table.multiply(pinvT, pinv), row: k, column: j)),
        ]
    }

    /// The derivative of a complement projector, in two terms: with `P = I − A A⁺` and
    /// `Q = I − A⁺ A` (both symmetric, `A Q = 0`, `P A = 0`), `∂P = −(P ∂A A⁺ + (P ∂A A⁺)ᵀ)` and
    /// `∂Q = −(A⁺ ∂A Q + (A⁺ ∂A Q)ᵀ)`, the Penrose conditions applied to `−∂A A⁺ − A ∂A⁺` once
    /// and for all (the product rule and ``pseudoInverseOuters(_:_:_:_:)`` give four terms,
    /// of which the Penrose conditions leave three that the lift must bring back together).
    /// Forward mode only: it differentiates through `A A⁺` and `A⁺` to `A` at once, where a
    /// local derivative (reverse mode) stops at the complement's direct children.
    private func complementRule(
        _ id: ExprID, of a: ExprID, isRowSide: Bool, at indices: [Index], _ target: DerivativeTarget
    ) throws -> [Term] {
        let pinv = table.apply(.pseudoInverse, a)
        let (i, j) = (indices[0], indices[1])
        // A (m×n) has an index per side of size other than 1 (a vector has one).
        let shape = table.shape(a)
        let argumentIndices = freshIndices(for: a)
        var remaining = argumentIndices[...]
        let k = shape.rows.isOne ? nil : remaining.popFirst()
        let l = shape.columns.isOne ? nil : remaining.popFirst()
        func minus(_ first: Term, _ second: Term) -> Term {
            var term = product(first, second)
            term.coefficient = -term.coefficient
            return term
        }
        let outers: [Term]
        if isRowSide {
            // ∂P[i,j] = −Σ P[i,k] ∂A[k,l] A⁺[l,j] − Σ P[j,k] ∂A[k,l] A⁺[l,i]
            outers = [
                minus(entry(id, row: i, column: k), entry(pinv, row: l, column: j)),
                minus(entry(id, row: j, column: k), entry(pinv, row: l, column: i)),
            ]
        } else {
            // ∂Q[i,j] = −Σ A⁺[i,k] ∂A[k,l] Q[l,j] − Σ A⁺[j,k] ∂A[k,l] Q[l,i]
            outers = [
                minus(entry(pinv, row: i, column: k), entry(id, row: l, column: j)),
                minus(entry(pinv, row: j, column: k), entry(id, row: l, column: i)),
            ]
        }
        let inner = try childDerivative(a, argumentIndices, target)
        return outers.flatMap { outer in inner.map { product(outer, $0) } }
    }

    /// `∂softmax(A)[i,j] = s[i,j] (∂A[i,j] − Σ_k s[k,j] ∂A[k,j])` with `s = softmax(A)`:
    /// each column (a vector's one column, a row vector's one row) is normalised on its own.
    private func softmaxRule(_ id: ExprID, _ a: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        guard let normalized = indices.first else { return [] }  // the softmax of a scalar is 1
        let shared = Array(indices.dropFirst())
        let summed = freshIndex(range(of: normalized))
        let own = try childDerivative(a, indices, target).map { product(lower(id, indices), $0) }
        let coupling = Term(.minusOne, lower(id, indices).factors + lower(id, [summed] + shared).factors)
        let coupled = try childDerivative(a, [summed] + shared, target).map { product(coupling, $0) }
        return own + coupled
    }

    /// `f'(a)[indices]` for an entry-wise function `id = f(a)`, as a term:
    /// `exp' = exp`, `log'(a) = a⁻¹`, `log1p'(a) = (1 + a)⁻¹`, `sin' = cos`, `cos' = −sin`,
    /// `tan' = 1 + tan²`, `asin'(a) = (1 − a²)^−½`, `acos' = −asin'`, `atan'(a) = (1 + a²)⁻¹`,
    /// `sinh' = cosh`, `cosh' = sinh`, `tanh' = 1 − tanh²`, `sqrt'(a) = ½ sqrt(a)⁻¹`,
    /// `sigmoid' = σ ⊙ (1 − σ)`, `softplus' = sigmoid`, and where the function has a kink,
    /// its derivative away from it: `abs' = sign`, `relu' = step`, `sign' = step' = 0`. A
    /// declared `sigma` has `sigma'`. The coefficient is 0 where the derivative is.
    func elementwiseDerivative(
        _ function: MatrixFunction, of id: ExprID, argument a: ExprID, at indices: [Index]
    ) throws -> Term {
        let one = table.number(.one)
        func applied(_ builtin: ElementwiseFunction, _ argument: ExprID) -> ExprID {
            table.apply(.elementwise(builtin), argument)
        }
        switch function {
        case .elementwise(.exp):
            return lower(id, indices)
        case .elementwise(.log):
            return lower(a, indices, power: .minusOne)
        case .elementwise(.log1p):
            return lower(table.add(one, a), indices, power: .minusOne)
        case .elementwise(.sin):
            return lower(applied(.cos, a), indices)
        case .elementwise(.cos):
            return Term(.minusOne, lower(applied(.sin, a), indices).factors)
        case .elementwise(.tan):
            return lower(table.add(one, table.elementwisePower(id, 2)), indices)
        case .elementwise(.asin):
            return lower(table.subtract(one, table.elementwisePower(a, 2)), indices, power: Rational(-1, 2))
        case .elementwise(.acos):
            let term = lower(table.subtract(one, table.elementwisePower(a, 2)), indices, power: Rational(-1, 2))
            return Term(-term.coefficient, term.factors)
        case .elementwise(.atan):
            return lower(table.add(one, table.elementwisePower(a, 2)), indices, power: .minusOne)
        case .elementwise(.sinh):
            return lower(applied(.cosh, a), indices)
        case .elementwise(.cosh):
            return lower(applied(.sinh, a), indices)
        case .elementwise(.tanh):
            return lower(table.subtract(one, table.elementwisePower(id, 2)), indices)
        case .elementwise(.sqrt):
            return Term(.half, lower(id, indices, power: .minusOne).factors)
        case .elementwise(.abs):
            return lower(applied(.sign, a), indices)
        case .elementwise(.sigmoid):
            return product(lower(id, indices), lower(table.subtract(one, id), indices))
        case .elementwise(.relu):
            return lower(applied(.step, a), indices)
        case .elementwise(.sign), .elementwise(.step):
            return Term(.zero)
        case .elementwise(.softplus):
            return lower(applied(.sigmoid, a), indices)
        case .declaredElementwise(let name):
            return lower(table.apply(.declaredElementwiseDerivative(name), a), indices)
        case .declaredElementwiseDerivative(let name):
            throw DifferentiationError(
                because: "\(name)' is the derivative of the declared function \(name), whose second derivative has no name in the language")
        case .trace, .determinant, .logDeterminant, .inverse, .pseudoInverse, .sum, .columnSums, .rowSums, .mean,
            .columnMeans, .rowMeans, .norm2, .norm1, .diagonalMatrix, .diagonalVector, .diagonal, .softmax, .logSumExp,
            .vec, .numel, .size, .declaredScalar, .declaredScalarGradient:
            preconditionFailure("not an entry-wise function")
        }
    }
}

extension MatrixFunction {
    /// True for functions whose entries are products of the argument's entries (`tr`,
    /// `sum` and its axis and mean forms, `vec`, `diagm`, `diagv`): they differentiate by
    /// the product rule.
    var isMultiplicative: Bool {
        switch self {
        case .trace, .sum, .columnSums, .rowSums, .mean, .columnMeans, .rowMeans, .vec, .diagonalMatrix,
            .diagonalVector:
            return true
        case .determinant, .logDeterminant, .inverse, .pseudoInverse, .norm2, .norm1, .softmax, .logSumExp,
            .numel, .size, .diagonal, .elementwise, .declaredElementwise, .declaredElementwiseDerivative,
            .declaredScalar, .declaredScalarGradient:
            return false
        }
    }
}
