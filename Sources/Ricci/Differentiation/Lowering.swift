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
            appendClosed(id, indices, exponent: .one, to: &term)
        }
    }

    /// Multiplies `term` by the opened entry `id[indices]`. Every factor goes into the one
    /// term being built: no term per node, no joining of factor lists. (Whatever lies below
    /// an entry that opens into few factors opens into fewer, so the bound is checked once,
    /// at the top.)
    private func appendOpened(_ id: ExprID, _ indices: [Index], to term: inout Term) {
        guard indices.isEmpty, !registeredScalars.contains(id) else { return appendOpenedEntry(id, indices, to: &term) }
        let (start, before) = (term.factors.count, term.coefficient)
        appendOpenedEntry(id, indices, to: &term)
        registerOpenedScalar(id, factors: term.factors[start...], coefficient: before.isZero ? .zero : term.coefficient / before)
    }

    /// ``appendOpened(_:_:to:)`` for one node.
    private func appendOpenedEntry(_ id: ExprID, _ indices: [Index], to term: inout Term) {
        let table = self.table
        precondition(indices.count == table.shape(id).indexCount, "index count does not fit the shape")
        switch table[id] {
        case .number(let value):
            term.coefficient *= value
        case .zeros:
            term.coefficient = .zero
        case .variable, .add, .subtract, .apply(.inverse, _), .apply(.determinant, _),
            .apply(.logDeterminant, _), .apply(.norm2, _), .apply(.elementwise, _),
            .apply(.declaredElementwise, _), .apply(.declaredElementwiseDerivative, _),
            .apply(.declaredScalar, _), .apply(.declaredScalarGradient, _), .ones, .apply(.pseudoInverse, _),
            .apply(.norm1, _), .apply(.softmax, _), .apply(.logSumExp, _), .apply(.numel, _), .apply(.size, _),
            .apply2(.maximum, _, _), .apply2(.minimum, _, _), .matrixPower, .powerBy, .elementwisePowerBy:
            appendClosed(id, indices, exponent: .one, to: &term)
        case .identity:
            // I(1) is the number 1.
            if !indices.isEmpty { term.factors.append(.delta(indices[0], indices[1])) }
        case .commutation(let m, let n):
            // K[(i,j),(j',i')] = δ[i,i'] δ[j,j']: rows (m·n), columns (n·m).
            let (mCount, nCount) = (m.indexCount, n.indexCount)
            let rows = indices.prefix(mCount + nCount)
            let columns = indices.dropFirst(mCount + nCount)
            for (row, column) in zip(rows.prefix(mCount), columns.dropFirst(nCount)) {
                term.factors.append(.delta(row, column))
            }
            for (row, column) in zip(rows.dropFirst(mCount), columns.prefix(nCount)) {
                term.factors.append(.delta(row, column))
            }
        case .negate(let a):
            appendOpened(a, indices, to: &term)
            term.coefficient = -term.coefficient
        case .transpose(let a):
            appendOpened(a, transposedSlots(a, indices), to: &term)
        case .multiply(let a, let b):
            let (left, right) = productSlots(a, b, indices)
            appendOpened(a, left, to: &term)
            appendOpened(b, right, to: &term)
        case .hadamard(let a, let b):
            appendOpened(a, broadcastSlots(a, in: id, indices), to: &term)
            appendOpened(b, broadcastSlots(b, in: id, indices), to: &term)
        case .elementwiseDivide(let a, let b):
            appendOpened(a, broadcastSlots(a, in: id, indices), to: &term)
            appendPower(b, broadcastSlots(b, in: id, indices), -1, to: &term)
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
        case .apply(.mean, let a):
            appendOpened(a, freshIndices(for: a), to: &term)
            appendPower(table.apply(.numel, a), [], -1, to: &term)
        case .apply(.columnSums, let a), .apply(.columnMeans, let a):
            // sum(A, 1)[j] = Σ_i A[i,j]
            let rows = table.shape(a).rows
            appendOpened(a, freshIndices(over: rows) + indices, to: &term)
            if case .apply(.columnMeans, _) = table[id] { appendPower(table.apply(.size(axis: 1), a), [], -1, to: &term) }
        case .apply(.rowSums, let a), .apply(.rowMeans, let a):
            // sum(A, 2)[i] = Σ_j A[i,j]
            let columns = table.shape(a).columns
            appendOpened(a, indices + freshIndices(over: columns), to: &term)
            if case .apply(.rowMeans, _) = table[id] { appendPower(table.apply(.size(axis: 2), a), [], -1, to: &term) }
        case .apply(.vec, let a):
            // vec(A)[(j,i)] = A[i,j]: the column index runs slowest.
            let columnCount = table.shape(a).columns.indexCount
            appendOpened(a, Array(indices.dropFirst(columnCount) + indices.prefix(columnCount)), to: &term)
        case .apply2(.kron, let a, let b):
            let (left, right) = kroneckerSlots(a, b, indices)
            appendOpened(a, left, to: &term)
            appendOpened(b, right, to: &term)
        case .apply(.diagonalMatrix, let v):
            if indices.isEmpty {
                appendOpened(v, [], to: &term)
            } else {
                appendOpened(v, [indices[0]], to: &term)
                term.factors.append(.delta(indices[0], indices[1]))
            }
        case .apply(.diagonalVector, let a):
            appendOpened(a, indices.isEmpty ? [] : [indices[0], indices[0]], to: &term)
        case .apply(.diagonal, _):
            preconditionFailure("diag is read as diagm or diagv when interned")
        }
    }

    /// Multiplies `term` by the closed entry `id[indices]^exponent`. An expression with a
    /// product axis cannot be an entry (see ``IndexContext/compoundEntry``): it is noted, and
    /// the derivation refused when it ends.
    private func appendClosed(_ id: ExprID, _ indices: [Index], exponent: Rational, to term: inout Term) {
        if table.shape(id).hasProductAxis {
            if compoundEntry == nil { compoundEntry = id }
            term.factors.append(.entry(id, IndexList(indices.prefix(2)), exponent: exponent))
            return
        }
        term.factors.append(.entry(id, IndexList(indices), exponent: exponent))
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
        guard exponent.isInteger else { return appendClosed(id, indices, exponent: exponent, to: &term) }
        let base = lower(id, indices)
        guard let coefficient = base.coefficient.power(exponent), !coefficient.isZero,
            base.factors.allSatisfy({ factor in
                guard case .entry(_, let innerIndices, _) = factor else { return false }
                // The entry's own indices are at most two: a search beats a set.
                return innerIndices.allSatisfy(indices.contains)
            })
        else { return appendClosed(id, indices, exponent: exponent, to: &term) }
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
    /// indices to the non-scalar side; a matrix product shares fresh summed indices over the
    /// inner dimension (one per component of a product dimension; none when the inner
    /// dimension is 1: an outer product).
    func productSlots(_ a: ExprID, _ b: ExprID, _ indices: [Index]) -> ([Index], [Index]) {
        let (shapeA, shapeB) = (table.shape(a), table.shape(b))
        if shapeA.isScalar { return ([], indices) }
        if shapeB.isScalar { return (indices, []) }
        if shapeA.hasProductAxis || shapeB.hasProductAxis {
            let rowCount = shapeA.rows.indexCount
            let inner = freshIndices(over: shapeA.columns)
            return (Array(indices.prefix(rowCount)) + inner, inner + Array(indices.dropFirst(rowCount)))
        }
        var remaining = indices[...]
        let row = shapeA.rows.isOne ? nil : remaining.popFirst()
        let column = shapeB.columns.isOne ? nil : remaining.popFirst()
        let inner = shapeA.columns.isOne ? nil : freshIndex(shapeA.columns)
        return ([row, inner].compactMap { $0 }, [inner, column].compactMap { $0 })
    }

    /// The indices of an operand of an entry-wise operation `result` (which may broadcast)
    /// whose entry has `indices`: the entry's own for an operand of the result's shape; an
    /// axis the operand stretches (size 1 where the result's is not) has no index, so a
    /// broadcast operand carries fewer indices (`(X + b)[i,j]` reads `b[i]`), and a scalar
    /// operand none.
    func broadcastSlots(_ operand: ExprID, in result: ExprID, _ indices: [Index]) -> [Index] {
        let operandShape = table.shape(operand)
        if operandShape.isScalar { return [] }
        let resultShape = table.shape(result)
        if operandShape.rows.isOne == resultShape.rows.isOne && operandShape.columns.isOne == resultShape.columns.isOne {
            return indices
        }
        let rowCount = resultShape.rows.indexCount
        var kept: [Index] = []
        if !operandShape.rows.isOne { kept += indices.prefix(rowCount) }
        if !operandShape.columns.isOne { kept += indices.dropFirst(rowCount) }
        return kept
    }

    /// The indices of the operand of `a'` whose entry has `indices`: the row's and the
    /// column's swapped (each a group of indices for a product dimension).
    func transposedSlots(_ a: ExprID, _ indices: [Index]) -> [Index] {
        let shape = table.shape(a)
        guard shape.hasProductAxis else { return indices.reversed() }
        // indices are those of a' (columns of a, then rows of a).
        let columnCount = shape.columns.indexCount
        return Array(indices.dropFirst(columnCount) + indices.prefix(columnCount))
    }

    /// The indices of `a` and `b` in the entry `kron(a, b)[indices]`: the row of the product
    /// is the pair (row of `a`, row of `b`), its column (column of `a`, column of `b`).
    func kroneckerSlots(_ a: ExprID, _ b: ExprID, _ indices: [Index]) -> ([Index], [Index]) {
        let (shapeA, shapeB) = (table.shape(a), table.shape(b))
        let (aRows, bRows, aColumns) = (shapeA.rows.indexCount, shapeB.rows.indexCount, shapeA.columns.indexCount)
        let rowPart = indices.prefix(aRows + bRows)
        let columnPart = indices.dropFirst(aRows + bRows)
        return (Array(rowPart.prefix(aRows) + columnPart.prefix(aColumns)),
                Array(rowPart.dropFirst(aRows) + columnPart.dropFirst(aColumns)))
    }

    /// Fresh indices for an axis of size `dimension`: none for 1, one per component.
    func freshIndices(over dimension: Dimension) -> [Index] {
        if dimension.isOne { return [] }
        if !dimension.isProduct { return [freshIndex(dimension)] }
        return dimension.components.map(freshIndex)
    }

    /// `[i, i]` with a fresh `i` for a square matrix; `[]` for a scalar (`tr(s) = s`).
    func diagonalSlots(_ square: ExprID) -> [Index] {
        let shape = table.shape(square)
        if shape.isScalar { return [] }
        if shape.hasProductAxis {
            let diagonal = freshIndices(over: shape.rows)
            return diagonal + diagonal
        }
        let index = freshIndex(shape.rows)
        return [index, index]
    }
}
