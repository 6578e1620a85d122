// The size and cost of a derivative's matrix form, against the function's.

import Ricci

/// What the benchmark records about a result besides its time.
struct ResultSize: Sendable {
    /// Operator nodes of the matrix form as written (``MatrixExpr/operatorCount``: every
    /// repeated sub-expression counted again, as the plain printer writes it out again);
    /// `nil` when the result has no matrix form.
    var nodes: Int?
    /// Operator nodes with equal sub-expressions counted once: the size of the result as a
    /// program that keeps its intermediate values. Where ``nodes`` grows faster than this,
    /// the growth is repetition in the written form, not new work.
    var distinctNodes: Int?
    /// Flops of evaluating the matrix form and the function (``MatrixExpr/flops(in:)``:
    /// dimensions 100, shared sub-expressions once).
    var flops: Double?
    var functionFlops: Double?

    /// The flops of the result per flop of the function.
    var flopsRatio: Double? {
        guard let flops, let functionFlops, functionFlops > 0 else { return nil }
        return flops / functionFlops
    }

    /// The size of `derivative`'s matrix form.
    init(of derivative: Derivative) {
        nodes = derivative.matrix?.operatorCount
        distinctNodes = derivative.matrix.map(Self.distinctOperatorCount)
        flops = derivative.matrix?.flops(in: derivative.environment)
        functionFlops = derivative.function.flops(in: derivative.environment)
    }

    /// A size recorded elsewhere (by ``CorpusRunner``), with the distinct nodes of `matrix`.
    init(nodes: Int?, matrix: MatrixExpr?, flops: Double?, functionFlops: Double?) {
        self.nodes = nodes
        distinctNodes = matrix.map(Self.distinctOperatorCount)
        self.flops = flops
        self.functionFlops = functionFlops
    }

    /// The number of distinct operator sub-expressions of `expression` (variables and numbers
    /// are not operators, as in ``MatrixExpr/operatorCount``). Each node is numbered by its
    /// own label and its children's numbers, so the walk costs one visit per node of the tree
    /// rather than a hash of a whole sub-tree per node.
    static func distinctOperatorCount(_ expression: MatrixExpr) -> Int {
        struct Key: Hashable {
            var label: String
            var children: [Int]
        }
        var numbers: [Key: Int] = [:]
        var operators = 0
        func number(_ node: MatrixExpr) -> Int {
            let key = Key(label: label(node), children: node.children.map(number))
            if let known = numbers[key] { return known }
            numbers[key] = numbers.count
            if !node.children.isEmpty || isOperatorLeaf(node) { operators += 1 }
            return numbers.count - 1
        }
        _ = number(expression)
        return operators
    }

    /// The node's own content, without its children.
    private static func label(_ node: MatrixExpr) -> String {
        switch node {
        case .number(let value): return "#\(value)"
        case .variable(let name): return "$" + name
        case .add: return "+"
        case .subtract: return "-"
        case .negate: return "neg"
        case .multiply: return "*"
        case .hadamard: return ".*"
        case .elementwiseDivide: return "./"
        case .divide: return "/"
        case .power(_, let exponent): return "^\(exponent)"
        case .elementwisePower(_, let exponent): return ".^\(exponent)"
        case .transpose: return "'"
        case .powerBy: return "^"
        case .elementwisePowerBy: return ".^"
        case .apply(let function, _): return function.name + "(\(function.axisArgument ?? 0))"
        case .apply2(let function, _, _): return function.name + "(,)"
        case .identity(let size): return "I(\(size))"
        case .ones(let rows, let columns): return "ones(\(rows),\(columns))"
        case .zeros(let rows, let columns): return "zeros(\(rows),\(columns))"
        case .commutation(let rows, let columns): return "commutation(\(rows),\(columns))"
        case .sizeless(let constant): return constant.rawValue + "()"
        }
    }

    /// True for the leaves that ``MatrixExpr/operatorCount`` counts: `I(n)` and `ones(m,n)`.
    private static func isOperatorLeaf(_ node: MatrixExpr) -> Bool { node.isConstructor }
}
