// The cost of evaluating an expression, in floating-point operations.

extension MatrixExpr {
    /// The floating-point operations needed to evaluate the expression, with every dimension
    /// symbol counted as 100 (a literal size as itself) and every distinct sub-expression
    /// evaluated once, as a program that keeps its intermediate results would.
    ///
    /// Costs: a matrix product `m×k` by `k×n` is `(2k − 1)mn` (an outer product `mn`; a
    /// product with `diagm(v)`, or a multiple of it, only scales rows or columns, one with a
    /// commutation matrix permutes them: `mn`, and one with a sum of `k` identities and
    /// commutation matrices, `(I + K) M = M + K M`, is `k` such copies added: `k·mn`, the sum
    /// itself never formed); `inv` of an `n×n` matrix `2n³`; `det` and `logdet` `⅔n³`;
    /// entry-wise operations, scaling, sums and differences one per entry; `sum` one per entry;
    /// `norm2` two per entry; `tr` one per diagonal entry; a scalar power one; transposes,
    /// `diagm`, `diagv`, `I`, `ones`, numbers and variables are free. Shapes come from
    /// `environment`; the expression must check in it.
    public func flops(in environment: Environment) -> Double {
        let table = ExpressionTable(environment: environment)
        return table.flops(of: [table.intern(tree: self)])
    }
}

extension ExpressionTable {
    /// The flops of evaluating all of `roots`, each distinct sub-expression once (see
    /// ``MatrixExpr/flops(in:)`` for the cost model).
    func flops(of roots: [ExprID]) -> Double {
        // Node numbers are dense: a flag per node is cheaper than a set; each node's own
        // cost is remembered (the simplifier asks for the same nodes many times).
        var seen = [Bool](repeating: false, count: nodes.count)
        var total = 0.0
        var stack = roots
        while let id = stack.popLast() {
            guard !seen[Int(id.raw)] else { continue }
            seen[Int(id.raw)] = true
            if case .multiply(let a, let b) = self[id], permutationCount(a) != nil || permutationCount(b) != nil {
                // A sum of permutations is applied term by term, never formed.
                for operand in [a, b] where permutationCount(operand) == nil { stack.append(operand) }
            } else {
                stack.append(contentsOf: self[id].children)
            }
            total += rememberedOwnFlops(id)
        }
        return total
    }

    /// ``ownFlops(_:)``, computed once per node.
    private func rememberedOwnFlops(_ id: ExprID) -> Double {
        if Int(id.raw) < ownFlopsByNode.count, let known = ownFlopsByNode[Int(id.raw)] { return known }
        let value = ownFlops(id)
        if ownFlopsByNode.count < nodes.count {
            ownFlopsByNode.append(contentsOf: repeatElement(nil, count: nodes.count - ownFlopsByNode.count))
        }
        ownFlopsByNode[Int(id.raw)] = value
        return value
    }

    /// The flops of the node itself, its operands being given.
    private func ownFlops(_ id: ExprID) -> Double {
        func size(_ dimension: Dimension) -> Double { Double(Self.costSize(dimension)) }
        let entries = size(shape(id).rows) * size(shape(id).columns)
        // A multiple of a diagonal matrix (`s diagm(v)`, as products are built with the
        // scalars in front) scales rows or columns all the same.
        func isDiagonalMatrix(_ operand: ExprID) -> Bool {
            switch self[operand] {
            case .apply(.diagonalMatrix, _): return true
            case .negate(let a), .transpose(let a): return isDiagonalMatrix(a)
            case .multiply(let a, let b):
                return shape(a).isScalar ? isDiagonalMatrix(b) : shape(b).isScalar && isDiagonalMatrix(a)
            default: return false
            }
        }
        switch self[id] {
        case .number, .variable, .transpose, .identity, .ones, .zeros, .commutation:
            return 0
        case .multiply(let a, let b):
            let (left, right) = (shape(a), shape(b))
            if left.isScalar || right.isScalar || isDiagonalMatrix(a) || isDiagonalMatrix(b) { return entries }
            // A commutation matrix permutes: the product is a copy in another order; a sum of
            // k permutations is k copies added.
            if let count = permutationCount(a) ?? permutationCount(b) { return Double(count) * entries }
            // k products and k − 1 additions per entry: an outer product (k = 1) is one
            // multiplication per entry.
            return (2 * size(left.columns) - 1) * size(left.rows) * size(right.columns)
        case .add, .subtract, .negate, .hadamard, .elementwiseDivide, .divide, .elementwisePower,
            .elementwisePowerBy, .apply2(.maximum, _, _), .apply2(.minimum, _, _), .apply2(.kron, _, _):
            return entries
        case .power, .powerBy:
            return 1
        case .matrixPower(let a, let k):
            // Repeated squaring: a product per bit and per set bit, an inverse for k < 0.
            let n = size(shape(a).rows)
            let magnitude = k.magnitude
            let products = Double(max(0, (UInt.bitWidth - magnitude.leadingZeroBitCount - 1) + magnitude.nonzeroBitCount - 1))
            return 2 * n * n * n * products + (k < 0 ? 2 * n * n * n : 0)
        case .apply(let function, let a):
            let n = size(shape(a).rows)
            let argumentEntries = n * size(shape(a).columns)
            switch function {
            case .inverse: return 2 * n * n * n
            case .pseudoInverse:
                // Its closed form: a Gram matrix, its inverse, and one more product.
                let (rows, columns) = (n, size(shape(a).columns))
                let (small, large) = (min(rows, columns), max(rows, columns))
                return (2 * large - 1) * small * small + 2 * small * small * small + (2 * small - 1) * small * large
            case .determinant, .logDeterminant: return 2 * n * n * n / 3
            case .trace: return n
            case .sum, .declaredScalar, .columnSums, .rowSums, .mean, .columnMeans, .rowMeans: return argumentEntries
            case .norm2, .norm1: return 2 * argumentEntries
            case .softmax, .logSumExp: return 3 * argumentEntries
            case .diagonalMatrix, .diagonalVector, .diagonal, .vec, .numel, .size: return 0
            case .elementwise, .declaredElementwise, .declaredElementwiseDerivative, .declaredScalarGradient:
                return entries
            }
        }
    }

    /// The entries of a value of `shape`, each dimension symbol counted as in the flops.
    func entryCount(of shape: Shape) -> Double {
        Double(Self.costSize(shape.rows)) * Double(Self.costSize(shape.columns))
    }

    /// `k` when `id` is a sum (or difference, negation, transpose) of `k` permutation matrices:
    /// identities (also `kron(I, I)`) and commutation matrices; `nil` otherwise.
    func permutationCount(_ id: ExprID) -> Int? {
        switch self[id] {
        case .commutation, .identity: return 1
        case .apply2(.kron, _, _): return isIdentity(id) ? 1 : nil
        case .transpose(let a), .negate(let a): return permutationCount(a)
        case .add(let a, let b), .subtract(let a, let b):
            // The right operand first: sums lean left, so a long sum of other matrices is
            // refused at its last term instead of walked down to its first.
            guard let right = permutationCount(b), let left = permutationCount(a) else { return nil }
            return left + right
        default: return nil
        }
    }
}
