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
