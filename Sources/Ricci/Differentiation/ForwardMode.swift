// Forward accumulation of the chain rule: Jacobians of non-scalar functions.

extension IndexContext {
    /// `∂ root[indices] / ∂ X[variableIndices]` for the variable `X` named `variable`, by
    /// forward accumulation: the derivative rules applied from the root down to every
    /// occurrence of the variable, deltas contracted, like terms merged. Free indices are
    /// `indices` then `variableIndices`. Used where the function is not a scalar, so that
    /// no adjoint can be a matrix: Jacobians, and the second step of a Hessian.
    func forwardDerivative(
        of root: ExprID, at indices: [Index], withRespectTo variable: String, variableIndices: [Index]
    ) throws -> [Term] {
        let variableNode = table.intern(.variable(variable))
        let target = DerivativeTarget(node: variableNode, indices: variableIndices, recursive: true, variable: variable)
        guard root == variableNode || table.depends(root, on: variable) else { return [] }
        let saved = beginForwardDerivative(of: [root], variable: variable)
        defer { endForwardDerivative(restoring: saved) }
        let terms = try derivative(of: root, at: indices, target)
        let result = merged(terms, free: indices + variableIndices)
        if let trace {
            let print = { (terms: [Term]) in
                IndexPrinter.print(self.notation(of: terms, functionIndices: indices, variableIndices: variableIndices))
            }
            trace.record("with deltas", print(terms))
            trace.record("contracted", print(result.map { canonical($0, free: indices + variableIndices) }))
        }
        return result
    }
}

extension IndexContext {
    /// `∂ T[free] / ∂ Y[variableIndices]` of an index sum `T` (the terms of a derivative taken
    /// so far) for the variable `Y` named `variable`: the product rule over each term's
    /// factors, `∂(E[a]^c) = c E[a]^(c−1) ∂E[a]` with `∂E[a]` by the derivative rules, deltas
    /// constant; then deltas contracted and like terms merged. Free indices are `free` then
    /// `variableIndices`. This is how a derivative of any order is taken: each step
    /// differentiates the result so far, whatever its shape.
    func derivative(
        of terms: [Term], free: [Index], withRespectTo variable: String, variableIndices: [Index]
    ) throws -> [Term] {
        let variableNode = table.intern(.variable(variable))
        let target = DerivativeTarget(node: variableNode, indices: variableIndices, recursive: true, variable: variable)
        var result: [Term] = []
        let roots = terms.flatMap { term in term.factors.compactMap { factor -> ExprID? in
            if case .entry(let id, _, _) = factor { return id } else { return nil }
        } }
        let saved = beginForwardDerivative(of: roots, variable: variable)
        defer { endForwardDerivative(restoring: saved) }
        for term in terms {
            for (position, factor) in term.factors.enumerated() {
                guard case .entry(let id, let indices, let exponent) = factor,
                      id == variableNode || table.depends(id, on: variable)
                else { continue }
                var rest = term
                rest.factors.remove(at: position)
                rest.coefficient *= exponent
                let lowered = exponent - .one
                if !lowered.isZero { rest.factors.append(.entry(id, indices, exponent: lowered)) }
                for change in try derivative(of: id, at: Array(indices), target) {
                    result.append(product(rest, change))
                }
            }
        }
        return merged(result, free: free + variableIndices)
    }
}

extension ExpressionTable {
    /// The expression with the scalar factors of every product gathered in front as one
    /// scalar: `2 β s G / t²` (a matrix `G`, scalars `β`, `s`, `t`) becomes `(2 β s / t²) G`,
    /// and `(a A)(b B)` becomes `(a b)(A B)`, the matrix factors kept in their order and
    /// grouping. The value is the same.
    ///
    /// Forward accumulation differentiates a product by the product rule, one term per
    /// factor: a written result scatters its scalars through the chain (the printer puts
    /// them on the leftmost factor, a quotient last), so each scalar that depends on the
    /// variable makes its own terms (`d(s G / t²)` gives `ds` and `dt` apart, with `dt = 2 s
    /// ds` the same derivative again). Gathered, the scalars are one entry-wise block
    /// (``IndexContext/entrywiseBlock(_:dependingOn:)``), differentiated once per base.
    func gatheringScalars(_ root: ExprID) -> ExprID {
        var rewritten: [ExprID: ExprID] = [:]
        /// The scalar factors, the scalar divisors and the matrix part of a product.
        func parts(_ id: ExprID) -> (factors: [ExprID], divisors: [ExprID], matrix: ExprID?) {
            if shape(id).isScalar { return ([id], [], nil) }
            switch self[id] {
            case .multiply(let a, let b):
                let (left, right) = (parts(a), parts(b))
                let matrix: ExprID?
                if let l = left.matrix, let r = right.matrix { matrix = multiply(l, r) } else { matrix = left.matrix ?? right.matrix }
                return (left.factors + right.factors, left.divisors + right.divisors, matrix)
            case .divide(let a, let s):
                let inner = parts(a)
                return (inner.factors, inner.divisors + [s], inner.matrix)
            case .negate(let a):
                let inner = parts(a)
                return ([number(.minusOne)] + inner.factors, inner.divisors, inner.matrix)
            default:
                return ([], [], id)
            }
        }
        for id in topologicalOrder(from: root).reversed() where !self[id].children.isEmpty {
            var node = self[id]
            if node.children.contains(where: { rewritten[$0] != nil }) {
                node = node.mappingChildren { rewritten[$0] ?? $0 }
            }
            var written = intern(node)
            let isProduct: Bool
            switch node {
            case .multiply, .divide, .negate: isProduct = !shape(written).isScalar
            default: isProduct = false
            }
            let (factors, divisors, matrix) = isProduct ? parts(written) : ([], [], nil)
            if let matrix, !factors.isEmpty || !divisors.isEmpty {
                var scalar = factors.dropFirst().reduce(factors.first ?? number(.one)) { multiply($0, $1) }
                if let first = divisors.first {
                    scalar = intern(.divide(scalar, divisors.dropFirst().reduce(first) { multiply($0, $1) }))
                }
                written = multiply(scalar, matrix)
            }
            if written != id { rewritten[id] = written }
        }
        return rewritten[root] ?? root
    }
}
