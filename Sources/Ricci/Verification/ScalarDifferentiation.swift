// Derivatives of scalar expressions with respect to one symbol, and their numeric values.

import Foundation

extension ScalarGraph {
    /// The nodes reachable from `roots`, in ascending order: every node after its children.
    func reachable(from roots: [ScalarID]) -> [ScalarID] {
        var seen = [Bool](repeating: false, count: count)
        var stack = roots
        while let id = stack.popLast() {
            if seen[id.raw] { continue }
            seen[id.raw] = true
            stack.append(contentsOf: self[id].children)
        }
        // Collecting by number gives ascending order without sorting.
        var result: [ScalarID] = []
        for raw in seen.indices where seen[raw] { result.append(ScalarID(raw: raw)) }
        return result
    }

    // MARK: - Differentiation

    /// `∂r/∂s` for every root `r` and every symbol `s`, as new nodes of the graph:
    /// `result[k][i] = ∂roots[i]/∂symbols[k]`.
    ///
    /// For each symbol, every node reachable from the roots that depends on it is
    /// differentiated once, children first (ascending order is topological), so a shared
    /// sub-expression costs one derivative however many parents it has, and the result is
    /// itself a DAG that shares the original's nodes. Which symbols a node depends on is
    /// computed once for all symbols (a bit set per node), and a node that does not depend
    /// on the symbol is 0 without being visited. The rules:
    ///
    /// - `∂Σ tₖ = Σ ∂tₖ`; `∂Π fₖ = Σₖ (Π_{l≠k} f_l)·∂fₖ` (the product rule, only over factors
    ///   with a non-zero derivative); `∂(b^c) = c·b^(c−1)·∂b`;
    /// - `exp' = exp`, `log'(a) = a⁻¹`, `log1p'(a) = (1 + a)⁻¹`, `sin' = cos`, `cos' = −sin`,
    ///   `tan' = 1 + tan²`, `asin'(a) = (1 − a²)^−½ = −acos'(a)`, `atan'(a) = (1 + a²)⁻¹`,
    ///   `sinh' = cosh`, `cosh' = sinh`, `tanh' = 1 − tanh²`, `sqrt'(a) = ½·sqrt(a)⁻¹`,
    ///   `sigmoid' = σ·(1 − σ)`, `softplus' = sigmoid`;
    /// - the functions that are smooth only almost everywhere get their derivative there:
    ///   `abs' = sign`, `relu' = step`, `sign' = step' = 0`.
    ///
    /// - Throws: ``ScalarBudgetExceeded`` when the graph outgrows its budget.
    func derivatives(of roots: [ScalarID], withRespectTo symbols: [ScalarSymbol]) throws -> [[ScalarID]] {
        let order = reachable(from: roots)
        let originalCount = count
        // dependence[id·words + w], bit b: node id depends on symbols[64·w + b].
        let words = (symbols.count + 63) / 64
        var position: [ScalarSymbol: Int] = [:]
        for (k, symbol) in symbols.enumerated() where position[symbol] == nil { position[symbol] = k }
        var dependence = [UInt64](repeating: 0, count: originalCount * words)
        for id in order {
            switch self[id] {
            case .symbol(let symbol):
                if let k = position[symbol] { dependence[id.raw * words + k / 64] |= 1 << UInt64(k % 64) }
            case .number, .sum, .product, .power, .function:
                for child in self[id].children {
                    for w in 0..<words { dependence[id.raw * words + w] |= dependence[child.raw * words + w] }
                }
            }
        }

        // Indexed by node number; nodes created here are never looked up (they are not
        // children of the nodes being differentiated). Entries written for one symbol are
        // reset to 0 before the next.
        var derivative = [ScalarID](repeating: zero, count: originalCount)
        var result: [[ScalarID]] = []
        for symbol in symbols {
            // A symbol listed twice has the bit of its first place.
            let k = position[symbol] ?? 0
            let (word, bit) = (k / 64, UInt64(1) << UInt64(k % 64))
            let dependent = order.filter { dependence[$0.raw * words + word] & bit != 0 }
            for id in dependent {
                derivative[id.raw] = localDerivative(of: id, withRespectTo: symbol) { derivative[$0.raw] }
                try checkBudget("the derivative with respect to \(symbol)")
            }
            result.append(roots.map { derivative[$0.raw] })
            for id in dependent { derivative[id.raw] = zero }
        }
        return result
    }

    /// `∂root/∂symbol`.
    func derivative(of root: ScalarID, withRespectTo symbol: ScalarSymbol) throws -> ScalarID {
        try derivatives(of: [root], withRespectTo: [symbol])[0][0]
    }

    /// The derivative of node `id`, given the derivatives `d` of its children.
    private func localDerivative(of id: ScalarID, withRespectTo symbol: ScalarSymbol,
                                 _ d: (ScalarID) -> ScalarID) -> ScalarID {
        switch self[id] {
        case .number:
            return zero
        case .symbol(let other):
            return other == symbol ? one : zero
        case .sum(let terms):
            return sum(terms.map(d))
        case .product(let factors):
            var terms: [ScalarID] = []
            for k in factors.indices {
                let inner = d(factors[k])
                if inner == zero { continue }
                var others = factors
                others[k] = inner
                terms.append(product(others))
            }
            return sum(terms)
        case .power(let base, let exponent):
            let inner = d(base)
            if inner == zero { return zero }
            return product([number(exponent), power(base, exponent - 1), inner])
        case .function(let function, let argument):
            let inner = d(argument)
            if inner == zero { return zero }
            return product([outerDerivative(function, of: id, argument: argument), inner])
        }
    }

    /// `f'(argument)` for the node `id = f(argument)`.
    private func outerDerivative(_ function: ScalarFunction, of id: ScalarID, argument: ScalarID) -> ScalarID {
        switch function {
        case .exp: return id
        case .log: return power(argument, -1)
        case .log1p: return power(sum([one, argument]), -1)
        case .sin: return apply(.cos, argument)
        case .cos: return negate(apply(.sin, argument))
        case .tan: return sum([one, power(id, 2)])
        case .asin: return power(difference(one, power(argument, 2)), -0.5)
        case .acos: return negate(power(difference(one, power(argument, 2)), -0.5))
        case .atan: return power(sum([one, power(argument, 2)]), -1)
        case .sinh: return apply(.cosh, argument)
        case .cosh: return apply(.sinh, argument)
        case .tanh: return difference(one, power(id, 2))
        case .sqrt: return product([number(0.5), power(id, -1)])
        case .abs: return apply(.sign, argument)
        case .sigmoid: return product([id, difference(one, id)])
        case .relu: return apply(.step, argument)
        case .softplus: return apply(.sigmoid, argument)
        case .sign, .step: return zero
        }
    }

    // MARK: - Numeric evaluation

    /// The values of the roots when every symbol takes its value in `symbols` (NaN for a
    /// symbol without one). Each reachable node is computed once, children first, in
    /// floating point with the ``Evaluator``'s semantics: `log` of a negative number, a
    /// fractional power of a negative number are NaN; `0⁻¹` is infinite.
    func values(of roots: [ScalarID], at symbols: [ScalarSymbol: Double]) -> [Double] {
        var value = [Double](repeating: .nan, count: count)
        for id in reachable(from: roots) {
            switch self[id] {
            case .number(let number):
                value[id.raw] = number
            case .symbol(let symbol):
                value[id.raw] = symbols[symbol] ?? .nan
            case .sum(let terms):
                value[id.raw] = terms.reduce(0) { $0 + value[$1.raw] }
            case .product(let factors):
                value[id.raw] = factors.reduce(1) { $0 * value[$1.raw] }
            case .power(let base, let exponent):
                value[id.raw] = Foundation.pow(value[base.raw], exponent)
            case .function(let function, let argument):
                value[id.raw] = function(value[argument.raw])
            }
        }
        return roots.map { value[$0.raw] }
    }

    /// The value of `root` at these symbol values.
    func value(of root: ScalarID, at symbols: [ScalarSymbol: Double]) -> Double {
        values(of: [root], at: symbols)[0]
    }
}
