// Writing a list of lifted terms as one matrix expression.

extension IndexContext {
    /// `Σ_k c_k Π s^e M_k` as one compact expression of shape `shape`: each lifted term as a
    /// product term, the sum rewritten by the matrix-level rules (``MatrixSimplifier``).
    /// Zero is `0*ones(m,n)` (the language has no zero matrix; the form keeps the shape).
    func expression(of terms: [LiftedTerm], shape: Shape, simplifier: MatrixSimplifier? = nil) -> ExprID {
        let sum = terms.map(productTerm)
        return (simplifier ?? MatrixSimplifier(table: table, profile: profile)).simplify(sum, shape: shape)
    }

    /// A lifted term as a product term: its coefficient and scalars joined to those the
    /// matrix part carries.
    func productTerm(_ lifted: LiftedTerm) -> ProductTerm {
        var term = lifted.matrix.map(table.productTerm) ?? ProductTerm(coefficient: .one, scalars: [], chain: [])
        term.coefficient *= lifted.coefficient
        term.scalars = (term.scalars + lifted.scalars).sorted()
        return term
    }
}
