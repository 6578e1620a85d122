// Writing a list of lifted terms as one matrix expression.

extension IndexContext {
    /// `Σ_k c_k Π s^e M_k` as one expression of shape `shape`: terms in order, a negative
    /// coefficient written as a subtraction, scalars with negative exponents as a division,
    /// zero as `0*ones(m,n)` (the language has no zero matrix; the form keeps the shape).
    func expression(of terms: [LiftedTerm], shape: Shape) -> ExprID {
        guard let first = terms.first else {
            return shape.isScalar ? table.number(.zero) : table.multiply(table.number(.zero), table.ones(shape))
        }
        var sum = expression(of: first)
        for term in terms.dropFirst() {
            if term.coefficient.isNegative {
                var positive = term
                positive.coefficient = -term.coefficient
                sum = table.subtract(sum, expression(of: positive))
            } else {
                sum = table.add(sum, expression(of: term))
            }
        }
        return sum
    }

    /// `c × Π s^e × M` for one term: the coefficient and numerator scalars first, then the
    /// matrix (see ``ExpressionTable/product(_:)``), then one division by the product of the
    /// scalars with negative exponents.
    func expression(of term: LiftedTerm) -> ExprID {
        let numerators = term.scalars.filter { !$0.exponent.isNegative }
            .map { table.power($0.base, $0.exponent) }
        let denominators = term.scalars.filter { $0.exponent.isNegative }
            .map { table.power($0.base, -$0.exponent) }
        var factors = [table.number(term.coefficient)] + numerators
        if let matrix = term.matrix { factors.append(matrix) }
        let value = table.product(factors)
        guard let first = denominators.first else { return value }
        return table.intern(.divide(value, denominators.dropFirst().reduce(first, table.multiply)))
    }
}
