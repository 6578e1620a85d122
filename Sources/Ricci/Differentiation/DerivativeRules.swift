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
    /// `∂ id[indices] / ∂ target.node[target.indices]` as a list of terms (their sum), free
    /// indices `indices` followed by `target.indices`, deltas not yet contracted.
    ///
    /// The only base rule is `∂X[i,j]/∂X[p,q] = δ[i,p] δ[j,q]`. Sums differentiate term by
    /// term; every multiplicative node is a product of entries of its children
    /// (``oneLevelProduct(_:_:)``) and follows the product rule; the non-linear functions
    /// follow the chain rule with their known derivatives:
    /// `∂A⁻¹ = −A⁻¹ ∂A A⁻¹`, `∂det A = det A · tr(A⁻¹ ∂A)`, `∂logdet A = tr(A⁻¹ ∂A)`,
    /// `∂‖A‖ = ‖A‖⁻¹ Σ A ⊙ ∂A`, `∂f(A) = f'(A) ⊙ ∂A` entry-wise, `∂λ(A) = Σ ∇λ(A) ⊙ ∂A`.
    func derivative(of id: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        try measured(profile, .differentiate) { try differentiate(id, at: indices, target) }
    }

    private func differentiate(_ id: ExprID, at indices: [Index], _ target: DerivativeTarget) throws -> [Term] {
        if id == target.node {
            return [Term(.one, zip(indices, target.indices).map { .delta($0, $1) })]
        }
        switch table[id] {
        case .number, .variable, .identity, .ones:
            return []
        case .add(let a, let b):
            return try childDerivative(a, indices, target) + childDerivative(b, indices, target)
        case .subtract(let a, let b):
            return try childDerivative(a, indices, target)
                + childDerivative(b, indices, target).map { Term(-$0.coefficient, $0.factors) }
        case .apply(let function, let a) where !function.isMultiplicative:
            return try chainRule(function, of: id, argument: a, at: indices, target)
        case .negate, .multiply, .hadamard, .elementwiseDivide, .divide, .power,
            .elementwisePower, .transpose, .apply:
            return try productRule(oneLevelProduct(id, indices), target)
        }
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
    /// `tr(M) = Σ_i M[i,i]`, `diagm(v)[i,j] = v[i] δ[i,j]`, and so on (see ``lower(_:_:)``).
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
            return (.one, [slot(a, slots(a, indices)), slot(b, slots(b, indices))], [])
        case .elementwiseDivide(let a, let b):
            return (.one, [slot(a, slots(a, indices)), slot(b, slots(b, indices), -1)], [])
        case .divide(let a, let b):
            return (.one, [slot(a, indices), slot(b, [], -1)], [])
        case .power(let a, let exponent):
            return (.one, [slot(a, [], exponent)], [])
        case .elementwisePower(let a, let exponent):
            return (.one, [slot(a, indices, exponent)], [])
        case .transpose(let a):
            return (.one, [slot(a, indices.reversed())], [])
        case .apply(.trace, let a):
            return (.one, [slot(a, diagonalSlots(a))], [])
        case .apply(.sum, let a):
            return (.one, [slot(a, freshIndices(for: a))], [])
        case .apply(.diagonalMatrix, let v):
            if indices.isEmpty { return (.one, [slot(v, [])], []) }
            return (.one, [slot(v, [indices[0]])], [.delta(indices[0], indices[1])])
        case .apply(.diagonalVector, let a):
            return (.one, [slot(a, indices.isEmpty ? [] : [indices[0], indices[0]])], [])
        case .number, .variable, .add, .subtract, .apply, .identity, .ones:
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

    /// The chain rule through a non-linear function `id = function(a)`.
    private func chainRule(
        _ function: MatrixFunction, of id: ExprID, argument a: ExprID, at indices: [Index],
        _ target: DerivativeTarget
    ) throws -> [Term] {
        // Entry-wise functions: ∂f(a)[i,j] = f'(a)[i,j] ∂a[i,j].
        if function.isElementwise {
            let outer = try elementwiseDerivative(function, of: id, argument: a, at: indices)
            return try childDerivative(a, indices, target).map { product(outer, $0) }
        }
        // The rest contract the argument's derivative against a matrix G:
        // ∂f = Σ_{k,l} G[k,l] ∂a[k,l] (G[l,k] where the rule reads tr(G ∂a)).
        let argumentIndices = freshIndices(for: a)
        let transposedIndices = Array(argumentIndices.reversed())
        let outer: Term
        switch function {
        case .inverse:
            // ∂(A⁻¹)[i,j] = −Σ A⁻¹[i,k] ∂A[k,l] A⁻¹[l,j]
            let (row, column): ([Index], [Index]) =
                indices.isEmpty ? ([], []) : ([indices[0], argumentIndices[0]], [argumentIndices[1], indices[1]])
            outer = Term(.minusOne, lower(id, row).factors + lower(id, column).factors)
        case .determinant:
            // ∂det A = det A Σ A⁻¹[l,k] ∂A[k,l]
            outer = product(lower(id, []), lower(table.apply(.inverse, a), transposedIndices))
        case .logDeterminant:
            outer = lower(table.apply(.inverse, a), transposedIndices)
        case .norm2:
            // ∂‖A‖ = ‖A‖⁻¹ Σ A[k,l] ∂A[k,l]
            outer = product(lower(id, [], power: .minusOne), lower(a, argumentIndices))
        case .declaredScalar(let name):
            outer = lower(table.apply(.declaredScalarGradient(name), a), argumentIndices)
        case .declaredScalarGradient(let name):
            throw DifferentiationError(
                because: "grad_\(name) is the gradient of the declared scalar function \(name), whose second derivative has no name in the language")
        case .trace, .sum, .diagonalMatrix, .diagonalVector, .elementwise, .declaredElementwise,
            .declaredElementwiseDerivative:
            preconditionFailure("handled as a product or an entry-wise function")
        }
        return try childDerivative(a, argumentIndices, target).map { product(outer, $0) }
    }

    /// `f'(a)[indices]` for an entry-wise function `id = f(a)`, as a term:
    /// `exp' = exp`, `log'(a) = a⁻¹`, `sin' = cos`, `cos' = −sin`, `tanh' = 1 − tanh²`,
    /// `sqrt'(a) = ½ sqrt(a)⁻¹`, `abs'(a) = a ⊘ |a|`, `sigmoid' = σ ⊙ (1 − σ)`,
    /// `relu'(a) = relu(a) ⊘ a` (1 for positive entries, 0 for negative ones),
    /// `softplus' = sigmoid`, and `sigma'` for a declared `sigma`.
    private func elementwiseDerivative(
        _ function: MatrixFunction, of id: ExprID, argument a: ExprID, at indices: [Index]
    ) throws -> Term {
        let shape = table.shape(id)
        switch function {
        case .elementwise(.exp):
            return lower(id, indices)
        case .elementwise(.log):
            return lower(a, indices, power: .minusOne)
        case .elementwise(.sin):
            return lower(table.apply(.elementwise(.cos), a), indices)
        case .elementwise(.cos):
            return Term(.minusOne, lower(table.apply(.elementwise(.sin), a), indices).factors)
        case .elementwise(.tanh):
            let squared = table.elementwisePower(id, 2)
            return lower(table.subtract(table.ones(shape), squared), indices)
        case .elementwise(.sqrt):
            return Term(.half, lower(id, indices, power: .minusOne).factors)
        case .elementwise(.abs):
            return product(lower(a, indices), lower(id, indices, power: .minusOne))
        case .elementwise(.sigmoid):
            return product(lower(id, indices), lower(table.subtract(table.ones(shape), id), indices))
        case .elementwise(.relu):
            return product(lower(id, indices), lower(a, indices, power: .minusOne))
        case .elementwise(.softplus):
            return lower(table.apply(.elementwise(.sigmoid), a), indices)
        case .declaredElementwise(let name):
            return lower(table.apply(.declaredElementwiseDerivative(name), a), indices)
        case .declaredElementwiseDerivative(let name):
            throw DifferentiationError(
                because: "\(name)' is the derivative of the declared function \(name), whose second derivative has no name in the language")
        case .trace, .determinant, .logDeterminant, .inverse, .sum, .norm2, .diagonalMatrix,
            .diagonalVector, .declaredScalar, .declaredScalarGradient:
            preconditionFailure("not an entry-wise function")
        }
    }
}

extension MatrixFunction {
    /// True for functions whose entries are products of the argument's entries (`tr`,
    /// `sum`, `diagm`, `diagv`): they differentiate by the product rule.
    var isMultiplicative: Bool {
        switch self {
        case .trace, .sum, .diagonalMatrix, .diagonalVector: return true
        case .determinant, .logDeterminant, .inverse, .norm2, .elementwise, .declaredElementwise,
            .declaredElementwiseDerivative, .declaredScalar, .declaredScalarGradient:
            return false
        }
    }
}
