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
