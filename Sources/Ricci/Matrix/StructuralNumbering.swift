// Numbers for the distinct sub-expressions of trees, in constant time per node.

/// Gives equal sub-expressions one number and different ones different numbers, bottom-up:
/// a node is keyed by its own operator over its children's numbers, so a key hashes in
/// constant time however tall the tree. (Hashing a ``MatrixExpr`` itself hashes its whole
/// subtree, which makes a walk that looks up every node of a long chain quadratic.)
///
/// Numbers are dense, from 0, in the order nodes are first seen; children are numbered
/// before their parents, so a child's number is always smaller.
struct StructuralNumbering {
    private var numbers: [MatrixExpr: Int] = [:]

    /// How many distinct nodes have been numbered.
    var count: Int { numbers.count }

    /// The number of `expr`, whose children have the numbers `children` (in the order of
    /// ``MatrixExpr/children``), and whether it was seen for the first time.
    mutating func number(_ expr: MatrixExpr, children: [Int]) -> (number: Int, isNew: Bool) {
        let key = expr.replacingChildren(with: children.map { .variable("#\($0)") })
        if let known = numbers[key] { return (known, false) }
        let number = numbers.count
        numbers[key] = number
        return (number, true)
    }

    /// The number of `expr`, numbering its sub-expressions on the way (one visit per node of
    /// the tree).
    mutating func number(_ expr: MatrixExpr) -> Int {
        number(expr, children: expr.children.map { number($0) }).number
    }
}

extension MatrixExpr {
    /// The same node over other children (as many as it has).
    func replacingChildren(with newChildren: [MatrixExpr]) -> MatrixExpr {
        switch self {
        case .number, .variable, .identity, .ones, .zeros, .commutation, .sizeless: return self
        case .add: return .add(newChildren[0], newChildren[1])
        case .subtract: return .subtract(newChildren[0], newChildren[1])
        case .negate: return .negate(newChildren[0])
        case .multiply: return .multiply(newChildren[0], newChildren[1])
        case .hadamard: return .hadamard(newChildren[0], newChildren[1])
        case .elementwiseDivide: return .elementwiseDivide(newChildren[0], newChildren[1])
        case .divide: return .divide(newChildren[0], newChildren[1])
        case .power(_, let exponent): return .power(newChildren[0], exponent)
        case .elementwisePower(_, let exponent): return .elementwisePower(newChildren[0], exponent)
        case .powerBy: return .powerBy(newChildren[0], newChildren[1])
        case .elementwisePowerBy: return .elementwisePowerBy(newChildren[0], newChildren[1])
        case .transpose: return .transpose(newChildren[0])
        case .apply(let function, _): return .apply(function, newChildren[0])
        case .apply2(let function, _, _): return .apply2(function, newChildren[0], newChildren[1])
        }
    }
}
