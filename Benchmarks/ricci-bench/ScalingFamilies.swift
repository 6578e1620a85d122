// Families of problems that grow with a size, to measure how time grows with the expression.

import Ricci

/// A family of differentiation problems indexed by a size `n` (layers, factors, terms,
/// nesting depth), whose expression grows linearly with `n`.
struct ScalingFamily: Sendable {
    /// A short name (`network`), used by `--families`.
    var name: String
    /// The expression with its size left open, for the report.
    var template: String
    /// The problem of size `n ≥ 1`.
    var problem: @Sendable (Int) -> DerivativeRequest

    /// The five families: a deep network's loss, a product chain, a sum of quadratic forms,
    /// nested element-wise functions, and the Hessian of the network's loss by its last layer. Dimension names are few and shared across the
    /// variables, so that verification draws small sizes whatever `n` is.
    static let all: [ScalingFamily] = [network, productChain, quadraticForms, nestedFunctions, networkHessian]

    /// The logistic loss of an `L`-layer network with `tanh` between layers, by the first
    /// layer's weights: `W1` is `h×n` (`m×n` for one layer), the middle layers `h×h`, the
    /// last `m×h`. The language has no scalar-plus-vector broadcasting, hence `ones(m) +`.
    static let network = ScalingFamily(
        name: "network",
        template: "sum(log(ones(m) + exp(-y.*(WL*tanh(…tanh(W1*x)…))))) by W1") { layers in
            var variables = [
                VariableDeclaration(name: "x", shape: .vector(.named("n"))),
                VariableDeclaration(name: "y", shape: .vector(.named("m"))),
            ]
            var output = "x"
            for layer in 1...layers {
                let rows: Dimension = layer == layers ? .named("m") : .named("h")
                let columns: Dimension = layer == 1 ? .named("n") : .named("h")
                variables.append(VariableDeclaration(name: "W\(layer)", shape: Shape(rows, columns)))
                output = layer == 1 ? "W1*x" : "W\(layer)*tanh(\(output))"
            }
            return DerivativeRequest(
                expression: "sum(log(ones(m) + exp(-y.*(\(output)))))", variable: "W1",
                declarations: Declarations(variables: variables), isHessian: false)
        }

    /// The Hessian of the same `L`-layer network's loss by its last layer `WL` (an `m×h`
    /// matrix, `h×n` for one layer): the vec convention's Kronecker-structured matrix
    /// `∂vec(G)/∂vec(WL)ᵀ`, whose factors are the output of the layers below.
    static let networkHessian = ScalingFamily(
        name: "hessian",
        template: "sum(log(ones(m) + exp(-y.*(WL*tanh(…tanh(W1*x)…))))) twice by WL") { layers in
            let loss = network.problem(layers)
            return DerivativeRequest(
                expression: loss.expression, variable: "W\(layers)", declarations: loss.declarations, isHessian: true)
        }

    /// The trace of a product of `n` square matrices, by the first.
    static let productChain = ScalingFamily(
        name: "chain", template: "tr(A1*A2*…*An) by A1") { factors in
            let names = (1...factors).map { "A\($0)" }
            return DerivativeRequest(
                expression: "tr(" + names.joined(separator: "*") + ")", variable: "A1",
                declarations: Declarations(variables: names.map {
                    VariableDeclaration(name: $0, shape: Shape(.named("k"), .named("k")))
                }),
                isHessian: false)
        }

    /// A sum of `n` quadratic forms around different centres, by the point.
    static let quadraticForms = ScalingFamily(
        name: "quadratic", template: "(x - c1)'*A1*(x - c1) + … + (x - cn)'*An*(x - cn) by x") { terms in
            var variables = [VariableDeclaration(name: "x", shape: .vector(.named("k")))]
            for term in 1...terms {
                variables.append(VariableDeclaration(name: "A\(term)", shape: Shape(.named("k"), .named("k"))))
                variables.append(VariableDeclaration(name: "c\(term)", shape: .vector(.named("k"))))
            }
            return DerivativeRequest(
                expression: (1...terms).map { "(x - c\($0))'*A\($0)*(x - c\($0))" }.joined(separator: " + "),
                variable: "x", declarations: Declarations(variables: variables), isHessian: false)
        }

    /// `n` element-wise functions nested around `W*x`, summed, by `W`. The cycle keeps every
    /// value bounded (each function's argument lies in a bounded interval: `exp` only ever
    /// sees a `tanh`), so that verification finds finite values at any depth.
    static let nestedFunctions = ScalingFamily(
        name: "nested", template: "sum(f_n(…f_2(f_1(W*x))…)), f cycling sin tanh exp sigmoid cos, by W") { depth in
            let cycle = ["sin", "tanh", "exp", "sigmoid", "cos"]
            var expression = "W*x"
            for level in 0..<depth { expression = "\(cycle[level % cycle.count])(\(expression))" }
            return DerivativeRequest(
                expression: "sum(\(expression))", variable: "W",
                declarations: Declarations(variables: [
                    VariableDeclaration(name: "W", shape: Shape(.named("m"), .named("n"))),
                    VariableDeclaration(name: "x", shape: .vector(.named("n"))),
                ]),
                isHessian: false)
        }

    /// The sizes 1, 2, 4, … up to `maximum`, and `maximum` itself when it is not a power of 2.
    static func sizes(upTo maximum: Int) -> [Int] {
        var sizes: [Int] = []
        var size = 1
        while size <= maximum {
            sizes.append(size)
            size *= 2
        }
        if let last = sizes.last, last != maximum { sizes.append(maximum) }
        return sizes
    }
}
