// Lowering: an entry of a matrix expression as a product of indexed factors.

extension IndexContext {
    /// The entry `id[indices]` written as one product term, opening every multiplicative
    /// operation and keeping sums and non-linear functions closed:
    ///
    /// - `(A B)[i,k] = Σ_j A[i,j] B[j,k]` (a fresh summed `j`), `(A')[i,j] = A[j,i]`,
    ///   `(A ⊙ B)[i,j] = A[i,j] B[i,j]`, `(s A)[i,j] = s A[i,j]`, `(A ./ B)[i,j] = A[i,j] B[i,j]⁻¹`,
    ///   `tr(M) = Σ_i M[i,i]`, `sum(M) = Σ_{i,j} M[i,j]`, `diagm(v)[i,j] = v[i] δ[i,j]`,
    ///   `diagv(M)[i] = M[i,i]`, `I[i,j] = δ[i,j]`, numbers into the coefficient;
    /// - `(A + B)[i,j]`, `exp(A)[i,j]`, `inv(A)[i,j]`, `det(A)`, `norm2(A)` … stay one factor
    ///   each: a sub-expression that is not opened keeps the form the input gave it, so a
    ///   result reads `2 Xᵀ(X W − Y)` and not `2 XᵀX W − 2 XᵀY`.
    ///
    /// An entry that would open into more than ``longestOpenedEntry`` factors stays one
    /// closed factor instead (an entry of a long product is still that entry): a term never
    /// grows with the depth of what it refers to, so derivations stay linear in the input.
    ///
    /// Every summed index the term introduces is fresh. `indices` has one index per axis of
    /// `id`'s shape (``Shape/axes``).
    func lower(_ id: ExprID, _ indices: [Index]) -> Term {
        measured(profile, .lower) {
            var term = Term(.one)
            // Room for the factors of a typical opened entry: one allocation, not several.
            term.factors.reserveCapacity(4)
            appendEntry(id, indices, to: &term)
            return term
        }
    }

    /// The most factors an entry is opened into by ``lower(_:_:)``.
    static let longestOpenedEntry = 16

    /// Multiplies `term` by the entry `id[indices]`: opened (see ``lower(_:_:)``) when it opens
    /// into at most ``longestOpenedEntry`` factors, one closed factor otherwise.
    private func appendEntry(_ id: ExprID, _ indices: [Index], to term: inout Term) {
        if table.opensInto(id, atMost: Self.longestOpenedEntry) {
            appendOpened(id, indices, to: &term)
        } else {
            term.factors.append(.entry(id, IndexList(indices), exponent: .one))
        }
    }

    /// Multiplies `term` by the opened entry `id[indices]`. Every factor goes into the one
    /// term being built: no term per node, no joining of factor lists. (Whatever lies below
    /// an entry that opens into few factors opens into fewer, so the bound is checked once,
    /// at the top.)
    private func appendOpened(_ id: ExprID, _ indices: [Index], to term: inout Term) {
        let table = self.table
        precondition(indices.count == table.shape(id).axisCount, "index count does not fit the shape")
        switch table[id] {
        case .number(let value):
            term.coefficient *= value
        case .variable, .add, .subtract, .apply(.inverse, _), .apply(.determinant, _),
            .apply(.logDeterminant, _), .apply(.norm2, _), .apply(.elementwise, _),
            .apply(.declaredElementwise, _), .apply(.declaredElementwiseDerivative, _),
            .apply(.declaredScalar, _), .apply(.declaredScalarGradient, _), .ones:
            term.factors.append(.entry(id, IndexList(indices), exponent: .one))
        case .identity:
            // I(1) is the number 1.
            if !indices.isEmpty { term.factors.append(.delta(indices[0], indices[1])) }
        case .negate(let a):
            appendOpened(a, indices, to: &term)
            term.coefficient = -term.coefficient
        case .transpose(let a):
            appendOpened(a, indices.reversed(), to: &term)
        case .multiply(let a, let b):
            let (left, right) = productSlots(a, b, indices)
            appendOpened(a, left, to: &term)
            appendOpened(b, right, to: &term)
        case .hadamard(let a, let b):
            appendOpened(a, slots(a, indices), to: &term)
            appendOpened(b, slots(b, indices), to: &term)
        case .elementwiseDivide(let a, let b):
            appendOpened(a, slots(a, indices), to: &term)
            appendPower(b, slots(b, indices), -1, to: &term)
        case .divide(let a, let b):
            appendOpened(a, indices, to: &term)
            appendPower(b, [], -1, to: &term)
        case .power(let a, let exponent):
            appendPower(a, [], exponent, to: &term)
        case .elementwisePower(let a, let exponent):
            appendPower(a, indices, exponent, to: &term)
        case .apply(.trace, let a):
            appendOpened(a, diagonalSlots(a), to: &term)
        case .apply(.sum, let a):
            appendOpened(a, freshIndices(for: a), to: &term)
        case .apply(.diagonalMatrix, let v):
            if indices.isEmpty {
                appendOpened(v, [], to: &term)
            } else {
                appendOpened(v, [indices[0]], to: &term)
                term.factors.append(.delta(indices[0], indices[1]))
            }
        case .apply(.diagonalVector, let a):
            appendOpened(a, indices.isEmpty ? [] : [indices[0], indices[0]], to: &term)
        }
    }

    /// `(id[indices])^power` as one term: an integer power is applied factor by factor when
    /// the lowered term has no summed index and no delta (`(2 A ⊙ B).^2 = 4 A.^2 ⊙ B.^2`);
    /// otherwise the entry stays one closed factor raised to the power. A fractional power is
    /// never split, since `(x²)^½ = |x|`, not `x`.
    func lower(_ id: ExprID, _ indices: [Index], power exponent: Rational) -> Term {
        var term = Term(.one)
        appendPower(id, indices, exponent, to: &term)
        return term
    }

    /// Multiplies `term` by ``lower(_:_:power:)``.
    private func appendPower(_ id: ExprID, _ indices: [Index], _ exponent: Rational, to term: inout Term) {
        if exponent.isOne { return appendEntry(id, indices, to: &term) }
        let closed = Factor.entry(id, IndexList(indices), exponent: exponent)
        guard exponent.isInteger else { return term.factors.append(closed) }
        let base = lower(id, indices)
        guard let coefficient = base.coefficient.power(exponent), !coefficient.isZero,
            base.factors.allSatisfy({ factor in
                guard case .entry(_, let innerIndices, _) = factor else { return false }
                // The entry's own indices are at most two: a search beats a set.
                return innerIndices.allSatisfy(indices.contains)
            })
        else { return term.factors.append(closed) }
        term.coefficient *= coefficient
        for case .entry(let inner, let innerIndices, let innerExponent) in base.factors {
            term.factors.append(.entry(inner, innerIndices, exponent: innerExponent * exponent))
        }
    }

    /// The product of two terms whose summed indices are fresh (as ``lower(_:_:)`` makes
    /// them), so the factors can simply be joined.
    func product(_ a: Term, _ b: Term) -> Term {
        Term(a.coefficient * b.coefficient, a.factors + b.factors)
    }

    /// The indices of the operands of `a*b` whose entry has `indices`: scaling passes the
    /// indices to the non-scalar side; a matrix product shares a fresh summed index over the
    /// inner dimension (none when the inner dimension is 1: an outer product).
    func productSlots(_ a: ExprID, _ b: ExprID, _ indices: [Index]) -> ([Index], [Index]) {
        let (shapeA, shapeB) = (table.shape(a), table.shape(b))
        if shapeA.isScalar { return ([], indices) }
        if shapeB.isScalar { return (indices, []) }
        var remaining = indices[...]
        let row = shapeA.rows.isOne ? nil : remaining.popFirst()
        let column = shapeB.columns.isOne ? nil : remaining.popFirst()
        let inner = shapeA.columns.isOne ? nil : freshIndex(shapeA.columns)
        return ([row, inner].compactMap { $0 }, [inner, column].compactMap { $0 })
    }

    /// The indices of an operand of an entry-wise operation: the entry's own, or none for a
    /// scalar operand (scaling).
    func slots(_ operand: ExprID, _ indices: [Index]) -> [Index] {
        table.shape(operand).isScalar ? [] : indices
    }

    /// `[i, i]` with a fresh `i` for a square matrix; `[]` for a scalar (`tr(s) = s`).
    func diagonalSlots(_ square: ExprID) -> [Index] {
        let shape = table.shape(square)
        if shape.isScalar { return [] }
        let index = freshIndex(shape.rows)
        return [index, index]
    }
}
