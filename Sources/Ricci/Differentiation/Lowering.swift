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
            table.opensInto(id, atMost: Self.longestOpenedEntry)
                ? lowerEntry(id, indices) : Term(.one, [.entry(id, IndexList(indices), exponent: .one)])
        }
    }

    /// The most factors an entry is opened into by ``lower(_:_:)``.
    static let longestOpenedEntry = 16

    private func lowerEntry(_ id: ExprID, _ indices: [Index]) -> Term {
        let table = self.table
        precondition(indices.count == table.shape(id).axisCount, "index count does not fit the shape")
        switch table[id] {
        case .number(let value):
            return Term(value)
        case .variable, .add, .subtract, .apply(.inverse, _), .apply(.determinant, _),
            .apply(.logDeterminant, _), .apply(.norm2, _), .apply(.elementwise, _),
            .apply(.declaredElementwise, _), .apply(.declaredElementwiseDerivative, _),
            .apply(.declaredScalar, _), .apply(.declaredScalarGradient, _), .ones:
            return Term(.one, [.entry(id, IndexList(indices), exponent: .one)])
        case .identity:
            // I(1) is the number 1.
            return indices.isEmpty ? Term(.one) : Term(.one, [.delta(indices[0], indices[1])])
        case .negate(let a):
            var term = lower(a, indices)
            term.coefficient = -term.coefficient
            return term
        case .transpose(let a):
            return lower(a, indices.reversed())
        case .multiply(let a, let b):
            let (left, right) = productSlots(a, b, indices)
            return product(lower(a, left), lower(b, right))
        case .hadamard(let a, let b):
            return product(lower(a, slots(a, indices)), lower(b, slots(b, indices)))
        case .elementwiseDivide(let a, let b):
            return product(lower(a, slots(a, indices)), lower(b, slots(b, indices), power: -1))
        case .divide(let a, let b):
            return product(lower(a, indices), lower(b, [], power: -1))
        case .power(let a, let exponent):
            return lower(a, [], power: exponent)
        case .elementwisePower(let a, let exponent):
            return lower(a, indices, power: exponent)
        case .apply(.trace, let a):
            return lower(a, diagonalSlots(a))
        case .apply(.sum, let a):
            return lower(a, freshIndices(for: a))
        case .apply(.diagonalMatrix, let v):
            if indices.isEmpty { return lower(v, []) }
            var term = lower(v, [indices[0]])
            term.factors.append(.delta(indices[0], indices[1]))
            return term
        case .apply(.diagonalVector, let a):
            return lower(a, indices.isEmpty ? [] : [indices[0], indices[0]])
        }
    }

    /// `(id[indices])^power` as one term: an integer power is applied factor by factor when
    /// the lowered term has no summed index and no delta (`(2 A ⊙ B).^2 = 4 A.^2 ⊙ B.^2`);
    /// otherwise the entry stays one closed factor raised to the power. A fractional power is
    /// never split, since `(x²)^½ = |x|`, not `x`.
    func lower(_ id: ExprID, _ indices: [Index], power exponent: Rational) -> Term {
        if exponent.isOne { return lower(id, indices) }
        let closed = Term(.one, [.entry(id, IndexList(indices), exponent: exponent)])
        guard exponent.isInteger else { return closed }
        let term = lower(id, indices)
        let own = Set(indices)
        guard let coefficient = term.coefficient.power(exponent), !coefficient.isZero else { return closed }
        var factors: [Factor] = []
        for factor in term.factors {
            guard case .entry(let inner, let innerIndices, let innerExponent) = factor,
                innerIndices.allSatisfy(own.contains)
            else { return closed }
            factors.append(.entry(inner, innerIndices, exponent: innerExponent * exponent))
        }
        return Term(coefficient, factors)
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
