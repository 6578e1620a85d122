// Hash-consed matrix expressions: the sub-expressions the index layer refers to by number.

/// The number of an interned expression in an ``ExpressionTable``.
struct ExprID: Hashable, Comparable, Sendable {
    let raw: Int32
    static func < (a: ExprID, b: ExprID) -> Bool { a.raw < b.raw }
}

/// One node of an interned expression: a ``MatrixExpr`` case whose children are ``ExprID``s.
///
/// It differs from ``MatrixExpr`` where shapes decide what a node is: a power of a square
/// matrix is ``matrixPower(_:_:)``, never ``power(_:_:)`` (which is a scalar's), and
/// `diag(·)` and size-less constants never occur (a checked expression has neither).
enum ExprNode: Hashable {
    case number(Rational)
    case variable(String)
    case add(ExprID, ExprID)
    case subtract(ExprID, ExprID)
    case negate(ExprID)
    case multiply(ExprID, ExprID)
    case hadamard(ExprID, ExprID)
    case elementwiseDivide(ExprID, ExprID)
    case divide(ExprID, ExprID)
    /// `s^c` for a scalar `s`.
    case power(ExprID, Rational)
    /// `X^k` for a square matrix `X`: `X·X·…·X`, `inv(X)^-k` for a negative `k`.
    case matrixPower(ExprID, Int)
    case elementwisePower(ExprID, Rational)
    case powerBy(ExprID, ExprID)
    case elementwisePowerBy(ExprID, ExprID)
    case transpose(ExprID)
    case apply(MatrixFunction, ExprID)
    case apply2(BinaryFunction, ExprID, ExprID)
    case identity(Dimension)
    case ones(Dimension, Dimension)
    case zeros(Dimension, Dimension)
    case commutation(Dimension, Dimension)

    /// The direct children, left to right (kept inline: walks over the DAG ask for them at
    /// every node).
    var children: ChildList {
        switch self {
        case .number, .variable, .identity, .ones, .zeros, .commutation: return ChildList(nil, nil)
        case .negate(let a), .power(let a, _), .matrixPower(let a, _), .elementwisePower(let a, _),
            .transpose(let a), .apply(_, let a):
            return ChildList(a, nil)
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b),
            .hadamard(let a, let b), .elementwiseDivide(let a, let b), .divide(let a, let b),
            .powerBy(let a, let b), .elementwisePowerBy(let a, let b), .apply2(_, let a, let b):
            return ChildList(a, b)
        }
    }

    /// The node with each child `c` replaced by `map(c)`.
    func mappingChildren(_ map: (ExprID) -> ExprID) -> ExprNode {
        switch self {
        case .number, .variable, .identity, .ones, .zeros, .commutation: return self
        case .add(let a, let b): return .add(map(a), map(b))
        case .subtract(let a, let b): return .subtract(map(a), map(b))
        case .negate(let a): return .negate(map(a))
        case .multiply(let a, let b): return .multiply(map(a), map(b))
        case .hadamard(let a, let b): return .hadamard(map(a), map(b))
        case .elementwiseDivide(let a, let b): return .elementwiseDivide(map(a), map(b))
        case .divide(let a, let b): return .divide(map(a), map(b))
        case .power(let a, let c): return .power(map(a), c)
        case .matrixPower(let a, let k): return .matrixPower(map(a), k)
        case .elementwisePower(let a, let c): return .elementwisePower(map(a), c)
        case .powerBy(let a, let b): return .powerBy(map(a), map(b))
        case .elementwisePowerBy(let a, let b): return .elementwisePowerBy(map(a), map(b))
        case .transpose(let a): return .transpose(map(a))
        case .apply(let function, let a): return .apply(function, map(a))
        case .apply2(let function, let a, let b): return .apply2(function, map(a), map(b))
        }
    }
}

/// The children of a node: none, one or two.
struct ChildList: RandomAccessCollection {
    private let first: ExprID?
    private let second: ExprID?

    init(_ first: ExprID?, _ second: ExprID?) {
        self.first = first
        self.second = second
    }

    var startIndex: Int { 0 }
    var endIndex: Int { second != nil ? 2 : first != nil ? 1 : 0 }

    subscript(position: Int) -> ExprID {
        guard let child = position == 0 ? first : position == 1 ? second : nil else {
            preconditionFailure("child \(position) of \(count)")
        }
        return child
    }
}

/// Interned matrix expressions of one derivation, with the shape and symmetry of each.
///
/// Equal sub-expressions get one ``ExprID`` (hash-consing), so the input
/// `tr((X*W - Y)*(X*W - Y)')` is a DAG in which `X*W - Y` is one node with two parents, and
/// comparing two factors of an index term is comparing two integers. The table belongs to one
/// derivation (it is a class for cheap sharing between the passes of that derivation and is
/// never shared between threads).
final class ExpressionTable {
    /// The variables and functions of the problem.
    let environment: Environment
    // The table belongs to one derivation on one thread, so the run-time exclusivity checks
    // Swift makes on a class's stored properties are turned off for these hot ones.
    @exclusivity(unchecked) private(set) var nodes: [ExprNode] = []
    @exclusivity(unchecked) private(set) var shapes: [Shape] = []
    /// Symmetry, computed when first asked for.
    @exclusivity(unchecked) private var symmetric: [Bool?] = []
    @exclusivity(unchecked) private var ids = NodeIndex()
    /// Operator counts of nodes already counted by ``operatorCount(_:)``, −1 for one not yet
    /// counted (by node, as the other per-node facts: a dictionary's hashing cost more).
    @exclusivity(unchecked) var operatorCounts: [Int32] = []
    /// Entry-wise polynomials already worked out by ``entrywisePolynomial(_:limit:)``, with the
    /// limit they were worked out under (`nil` for a node not yet expanded); grown to the
    /// table's size when asked, since most derivations never expand one.
    @exclusivity(unchecked) var entrywisePolynomials: [(limit: Int, polynomial: Polynomial?)?] = []
    /// The evaluation cost of each node by itself, once computed (see ``flops(of:)``).
    @exclusivity(unchecked) var ownFlopsByNode: [Double?] = []
    /// The expression of each product term already written by ``expression(of:)-(ProductTerm)``.
    @exclusivity(unchecked) var termExpressions: [ProductTerm: ExprID] = [:]
    /// Trees of nodes already converted by ``expression(_:)``.
    @exclusivity(unchecked) private var trees: [MatrixExpr?] = []
    /// Memoised "does this node depend on the variable" for ``dependenceVariable``.
    @exclusivity(unchecked) private var dependence: [Bool?] = []
    @exclusivity(unchecked) private(set) var dependenceVariable: String?
    /// True once a pseudo-inverse is interned: the Penrose conditions have nothing to act on
    /// before (most derivations), so the contraction of every term skips them at once.
    @exclusivity(unchecked) private(set) var holdsPseudoInverse = false
    /// The first node of the input, bottom-up, that divides by the number 0 or takes a
    /// negative power of it (`(alpha - alpha)^(-1)` once `x - x` is 0), noted as
    /// ``intern(tree:)`` builds it: such a function is infinite or undefined everywhere.
    @exclusivity(unchecked) private(set) var divisionByZero: ExprID?

    /// An empty table for a problem whose shapes are all known.
    init(environment: Environment) {
        self.environment = environment
        // A derivation interns a few dozen to a few hundred nodes: room for them up front
        // spares the arrays below their first half-dozen reallocations.
        let capacity = 128
        nodes.reserveCapacity(capacity)
        shapes.reserveCapacity(capacity)
        symmetric.reserveCapacity(capacity)
        trees.reserveCapacity(capacity)
        dependence.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    subscript(id: ExprID) -> ExprNode { nodes[Int(id.raw)] }

    /// The shape of the value of `id`.
    func shape(_ id: ExprID) -> Shape { shapes[Int(id.raw)] }

    /// True when the value of `id` is a symmetric matrix (or a scalar) by its structure:
    /// declared properties, `M'M`, `A + A'`, `B'SB` with symmetric `S`, `inv` of a symmetric
    /// matrix, element-wise functions of one, `I`, `diagm`, square `ones`.
    func isSymmetric(_ id: ExprID) -> Bool {
        if let known = symmetric[Int(id.raw)] { return known }
        let computed = computeSymmetry(of: self[id], shape: shape(id))
        symmetric[Int(id.raw)] = computed
        return computed
    }

    /// The interned node, created if new. The node's children must already be in the table
    /// and fit each other's shapes (the input was checked; derived nodes are built by rules
    /// that keep shapes right).
    func intern(_ node: ExprNode) -> ExprID {
        let hash = node.indexHash
        if let id = ids.find(node, hash: hash, in: nodes) { return id }
        let id = ExprID(raw: Int32(nodes.count))
        let shape = computeShape(of: node)
        nodes.append(node)
        shapes.append(shape)
        ids.insert(id, hash: hash)
        if case .apply(.pseudoInverse, _) = node { holdsPseudoInverse = true }
        symmetric.append(nil)
        dependence.append(nil)
        trees.append(nil)
        operatorCounts.append(-1)
        return id
    }

    /// `a*b` as written, except that a power of a matrix next to a power of the same matrix
    /// joins it (`A*A*A` is `A^3`, `B*A*A^2` is `B*A^3`), and so do integer powers of one
    /// scalar (`alpha*alpha` is `alpha^2`): one step per factor, so a chain of thousands of
    /// `A`s is one node rather than a product the later passes walk.
    private func internProduct(_ a: ExprID, _ b: ExprID) -> ExprID {
        if shape(b).isScalar {
            guard let (base, right) = integerPowerOfScalar(b) else { return intern(.multiply(a, b)) }
            if let (other, left) = integerPowerOfScalar(a), other == base, !(left + right).isZero {
                return power(base, left + right)
            }
            if case .multiply(let rest, let last) = self[a], let (other, left) = integerPowerOfScalar(last),
               other == base, !(left + right).isZero
            {
                return internProduct(rest, power(base, left + right))
            }
            return intern(.multiply(a, b))
        }
        // Any square matrix is its own first power here: `(A + B)*(A + B)` is `(A + B)^2`.
        func ownPower(_ id: ExprID) -> (ExprID, Int)? { powerOfOne(id, anySquare: true) }
        guard let (base, right) = ownPower(b) else { return intern(.multiply(a, b)) }
        if let (other, left) = ownPower(a), other == base {
            return matrixPower(base, left + right)
        }
        if case .multiply(let rest, let last) = self[a], !shape(a).isScalar,
           let (other, left) = ownPower(last), other == base
        {
            return internProduct(rest, matrixPower(base, left + right))
        }
        return intern(.multiply(a, b))
    }

    /// The product of `factors` as written, neighbouring powers joined
    /// (``internProduct(_:_:)``); in a product of scalars alone, which commute, every integer
    /// power of one scalar joins the first (`alpha*beta*alpha` is `alpha^2*beta`).
    private func internChain(_ factors: [ExprID]) -> ExprID {
        var factors = factors
        if factors.count > 2, factors.allSatisfy({ shape($0).isScalar }) {
            var totals: [ExprID: Rational] = [:]
            for factor in factors {
                if let (base, k) = integerPowerOfScalar(factor) { totals[base, default: .zero] += k }
            }
            var placed: Set<ExprID> = []
            factors = factors.compactMap { factor in
                guard let (base, _) = integerPowerOfScalar(factor), let total = totals[base], !total.isZero else {
                    return factor
                }
                return placed.insert(base).inserted ? power(base, total) : nil
            }
        }
        return factors.dropFirst().reduce(factors[0]) { internProduct($0, $1) }
    }

    /// `(s, k)` when `id` is a scalar variable `s` (`k = 1`) or its integer power `s^k`.
    private func integerPowerOfScalar(_ id: ExprID) -> (ExprID, Rational)? {
        switch self[id] {
        case .variable where shape(id).isScalar: return (id, .one)
        case .power(let base, let k) where k.isInteger && shape(base).isScalar:
            if case .variable = self[base] { return (base, k) }
            return nil
        default: return nil
        }
    }

    /// Interns a whole expression tree, bottom-up, as written (no simplification: the
    /// user's input keeps its form), with four exceptions: `x - x` is zero; an all-ones
    /// operand of a sum that broadcasts is the number 1 (`ones(m) - y` is `1 - y`), as derived
    /// expressions write it, so that the two are one node; `vec` moves out of sums and
    /// entry-wise functions (`vec(X) - vec(Y)` is `vec(X - Y)`, `exp(vec(X))` is
    /// `vec(exp(X))`), where index notation can open it; and neighbouring powers of one
    /// matrix join (``internProduct(_:_:)``). The tree is a checked one: `diag(·)` is read by the
    /// shape of its argument, and it has no size-less constant.
    func intern(tree expr: MatrixExpr) -> ExprID {
        switch expr {
        case .number(let value): return intern(.number(value))
        case .variable(let name): return intern(.variable(name))
        case .add(let a, let b):
            let (left, right) = (intern(tree: a), intern(tree: b))
            if let (x, y) = vecOperands(left, right) { return intern(.apply(.vec, intern(.add(x, y)))) }
            return intern(.add(broadcastOne(left, with: right), broadcastOne(right, with: left)))
        case .subtract(let a, let b):
            let (left, right) = (intern(tree: a), intern(tree: b))
            // x - x is zero whatever x is (its derivative, of a norm of it say, is zero too).
            if left == right { return zeros(shape(left)) }
            if let (x, y) = vecOperands(left, right) { return intern(.apply(.vec, intern(.subtract(x, y)))) }
            return intern(.subtract(broadcastOne(left, with: right), broadcastOne(right, with: left)))
        case .negate(let a): return intern(.negate(intern(tree: a)))
        case .multiply:
            // The factors of the chain (left-associative as parsed), without recursing down it.
            var rightOperands: [MatrixExpr] = []
            var leftmost = expr
            while case .multiply(let left, let right) = leftmost {
                rightOperands.append(right)
                leftmost = left
            }
            let factors = [intern(tree: leftmost)] + rightOperands.reversed().map { intern(tree: $0) }
            return internChain(factors)
        case .hadamard(let a, let b): return intern(.hadamard(intern(tree: a), intern(tree: b)))
        case .elementwiseDivide(let a, let b):
            let (dividend, divisor) = (intern(tree: a), intern(tree: b))
            return notingDivisionByZero(intern(.elementwiseDivide(dividend, divisor)), isZero(divisor))
        case .divide(let a, let b):
            let (dividend, divisor) = (intern(tree: a), intern(tree: b))
            return notingDivisionByZero(intern(.divide(dividend, divisor)), isZero(divisor))
        case .power(let a, let c):
            let base = intern(tree: a)
            // The builder's canonical form: `inv(A)^2` is the node `A^-2` that products of
            // inverses become, so that both spellings are one node, differentiated once.
            guard shape(base).isScalar else { return matrixPower(base, c.numerator) }
            return notingDivisionByZero(intern(.power(base, c)), c.isNegative && isZero(base))
        case .elementwisePower(let a, let c):
            let base = intern(tree: a)
            return notingDivisionByZero(intern(.elementwisePower(base, c)), c.isNegative && isZero(base))
        case .powerBy(let a, let b): return intern(.powerBy(intern(tree: a), intern(tree: b)))
        case .elementwisePowerBy(let a, let b): return intern(.elementwisePowerBy(intern(tree: a), intern(tree: b)))
        case .transpose(let a): return intern(.transpose(intern(tree: a)))
        case .apply(.diagonal, let a):
            let argument = intern(tree: a)
            let function: MatrixFunction = shape(argument).kind == .matrix ? .diagonalVector : .diagonalMatrix
            return intern(.apply(function, argument))
        case .apply(let function, let a):
            let argument = intern(tree: a)
            if function.isElementwise, case .apply(.vec, let inner) = self[argument] {
                return intern(.apply(.vec, intern(.apply(function, inner))))
            }
            return intern(.apply(function, argument))
        case .apply2(let function, let a, let b): return intern(.apply2(function, intern(tree: a), intern(tree: b)))
        case .identity(let n): return intern(.identity(n))
        case .ones(let m, let n): return intern(.ones(m, n))
        case .zeros(let m, let n): return intern(.zeros(m, n))
        case .commutation(let m, let n): return intern(.commutation(m, n))
        case .sizeless:
            preconditionFailure("a checked expression has no size-less constant")
        }
    }

    /// `id`, noted as ``divisionByZero`` when it divides by zero and is the first to.
    private func notingDivisionByZero(_ id: ExprID, _ dividesByZero: Bool) -> ExprID {
        if dividesByZero && divisionByZero == nil { divisionByZero = id }
        return id
    }

    /// `(A, B)` when `left` is `vec(A)` and `right` is `vec(B)` for `A` and `B` of one
    /// shape: a sum of the two is `vec(A ± B)`, which index notation opens.
    private func vecOperands(_ left: ExprID, _ right: ExprID) -> (ExprID, ExprID)? {
        guard case .apply(.vec, let a) = self[left], case .apply(.vec, let b) = self[right], shape(a) == shape(b)
        else { return nil }
        return (a, b)
    }

    /// The expression tree of `id`. Each node is built once and then shared (a tree of
    /// `MatrixExpr` shares equal sub-trees by reference), so converting many results that
    /// have parts in common costs the number of distinct nodes.
    func expression(_ id: ExprID) -> MatrixExpr {
        if let known = trees[Int(id.raw)] { return known }
        let tree = buildExpression(id)
        trees[Int(id.raw)] = tree
        return tree
    }

    private func buildExpression(_ id: ExprID) -> MatrixExpr {
        switch self[id] {
        case .number(let value): return .number(value)
        case .variable(let name): return .variable(name)
        case .add(let a, let b): return .add(expression(a), expression(b))
        case .subtract(let a, let b): return .subtract(expression(a), expression(b))
        case .negate(let a): return .negate(expression(a))
        case .multiply(let a, let b): return .multiply(expression(a), expression(b))
        case .hadamard(let a, let b): return .hadamard(expression(a), expression(b))
        case .elementwiseDivide(let a, let b): return .elementwiseDivide(expression(a), expression(b))
        case .divide(let a, let b): return .divide(expression(a), expression(b))
        case .power(let a, let c): return .power(expression(a), c)
        case .matrixPower(let a, let k): return .power(expression(a), Rational(k))
        case .elementwisePower(let a, let c): return .elementwisePower(expression(a), c)
        case .powerBy(let a, let b): return .powerBy(expression(a), expression(b))
        case .elementwisePowerBy(let a, let b): return .elementwisePowerBy(expression(a), expression(b))
        case .transpose(let a): return .transpose(expression(a))
        case .apply(let function, let a): return .apply(function, expression(a))
        case .apply2(let function, let a, let b): return .apply2(function, expression(a), expression(b))
        case .identity(let n): return .identity(n)
        case .ones(let m, let n): return .ones(m, n)
        case .zeros(let m, let n): return .zeros(m, n)
        case .commutation(let m, let n): return .commutation(m, n)
        }
    }

    /// True when a number or an exponent of `id`'s expression is ``Rational/invalid`` (an
    /// overflow). Looks at each distinct node once.
    func containsInvalidNumber(_ id: ExprID) -> Bool {
        var seen = [Bool](repeating: false, count: nodes.count)
        var pending = [id]
        while let next = pending.popLast() {
            guard !seen[Int(next.raw)] else { continue }
            seen[Int(next.raw)] = true
            switch self[next] {
            case .number(let value) where !value.isValid: return true
            case .power(_, let exponent) where !exponent.isValid: return true
            case .matrixPower(_, let exponent) where exponent == Int.min: return true
            case .elementwisePower(_, let exponent) where !exponent.isValid: return true
            case let node: pending += node.children
            }
        }
        return false
    }

    /// True when some sub-expression with an operator (other than a transpose of a variable)
    /// is written more than once in the tree of `id`. The tree is walked occurrence by
    /// occurrence and the walk stops at the first operator node met twice, so it visits each
    /// operator node at most once (and each leaf at most twice as often).
    func repeatsSubexpressions(_ id: ExprID) -> Bool {
        // Node numbers are dense: a flag per node is cheaper than a set.
        var seen = [Bool](repeating: false, count: nodes.count)
        var pending = [id]
        while let next = pending.popLast() {
            let children = self[next].children
            if children.isEmpty { continue }
            if case .transpose(let inner) = self[next], self[inner].children.isEmpty { continue }
            if seen[Int(next.raw)] { return true }
            seen[Int(next.raw)] = true
            pending.append(contentsOf: children)
        }
        return false
    }

    /// The nodes reachable from `root` through nodes that satisfy `including`, every node
    /// after all of its parents (the reverse post-order of a depth-first walk, with an explicit
    /// stack so that deep input cannot overflow the call stack).
    func topologicalOrder(from root: ExprID, including: (ExprID) -> Bool = { _ in true }) -> [ExprID] {
        var postOrder: [ExprID] = []
        postOrder.reserveCapacity(32)
        // Node numbers are dense: a flag per node is cheaper than a set.
        var visited = [Bool](repeating: false, count: nodes.count)
        var stack: [(node: ExprID, expanded: Bool)] = []
        stack.reserveCapacity(32)
        stack.append((root, false))
        while let entry = stack.popLast() {
            if entry.expanded {
                postOrder.append(entry.node)
                continue
            }
            guard !visited[Int(entry.node.raw)], including(entry.node) else { continue }
            visited[Int(entry.node.raw)] = true
            stack.append((entry.node, true))
            for child in self[entry.node].children.reversed() where !visited[Int(child.raw)] {
                stack.append((child, false))
            }
        }
        return postOrder.reversed()
    }

    /// True when lowering `id` opens it into at most `limit` factors: the leaves reachable
    /// through the operations lowering opens (products, transposes, Hadamard products, entry-wise
    /// and scalar divisions, powers, `tr`, `sum`, `diagm`, `diagv`) number at most `limit`.
    /// The walk stops as soon as it has seen more, so it costs at most `limit` steps.
    func opensInto(_ id: ExprID, atMost limit: Int) -> Bool {
        var leaves = 0
        var pending: [ExprID] = []
        pending.reserveCapacity(min(limit, 64))
        pending.append(id)
        while let next = pending.popLast() {
            switch self[next] {
            case .multiply(let a, let b), .hadamard(let a, let b), .elementwiseDivide(let a, let b),
                .divide(let a, let b), .apply2(.kron, let a, let b):
                pending.append(a)
                pending.append(b)
            case .transpose(let a), .negate(let a), .power(let a, _), .elementwisePower(let a, _),
                .apply(.trace, let a), .apply(.sum, let a), .apply(.diagonalMatrix, let a),
                .apply(.diagonalVector, let a), .apply(.columnSums, let a), .apply(.rowSums, let a),
                .apply(.vec, let a):
                pending.append(a)
            case .apply(.mean, let a), .apply(.columnMeans, let a), .apply(.rowMeans, let a):
                // The count is one factor more.
                leaves += 1
                pending.append(a)
            case .number, .variable, .add, .subtract, .apply, .apply2, .identity, .ones, .zeros, .commutation,
                .matrixPower, .powerBy, .elementwisePowerBy:
                leaves += 1
                if leaves > limit { return false }
            }
        }
        return true
    }

    // MARK: Dependence on a variable

    /// True when the value of `id` depends on the variable `name`. Memoised for one variable
    /// at a time (a derivation differentiates with respect to one variable).
    func depends(_ id: ExprID, on name: String) -> Bool {
        if dependenceVariable != name {
            dependenceVariable = name
            dependence = Array(repeating: nil, count: nodes.count)
        }
        return computeDependence(id, on: name)
    }

    private func computeDependence(_ id: ExprID, on name: String) -> Bool {
        if let known = dependence[Int(id.raw)] { return known }
        let result: Bool
        switch self[id] {
        case .variable(let variable):
            result = variable == name
        case .apply(let function, _) where function.dependsOnShapeOnly:
            // `numel(X)` and `size(X, d)` are constants: only X's shape matters.
            result = false
        case let node:
            result = node.children.contains { computeDependence($0, on: name) }
        }
        dependence[Int(id.raw)] = result
        return result
    }

    // MARK: Shapes and symmetry

    private func computeShape(of node: ExprNode) -> Shape {
        switch node {
        case .number: return .scalar
        case .variable(let name):
            guard let variable = environment.variables[name] else {
                preconditionFailure("variable \(name) interned without a shape")
            }
            return variable.shape
        case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .elementwiseDivide(let a, let b),
            .apply2(.maximum, let a, let b), .apply2(.minimum, let a, let b):
            return Shape.broadcast(shape(a), shape(b))
        case .negate(let a), .elementwisePower(let a, _), .divide(let a, _), .matrixPower(let a, _),
            .elementwisePowerBy(let a, _):
            return shape(a)
        case .multiply(let a, let b):
            let (sa, sb) = (shape(a), shape(b))
            if !sa.isScalar, !sb.isScalar { return Shape(sa.rows, sb.columns) }
            return sa.isScalar ? sb : sa
        case .power, .powerBy: return .scalar
        case .transpose(let a): return shape(a).transposed
        case .apply(let function, let a):
            let argument = shape(a)
            switch function {
            case .trace, .determinant, .logDeterminant, .sum, .mean, .norm2, .norm1, .logSumExp, .numel, .size,
                .declaredScalar:
                return .scalar
            case .inverse, .elementwise, .declaredElementwise, .declaredElementwiseDerivative,
                .declaredScalarGradient, .softmax:
                return argument
            case .pseudoInverse: return argument.transposed
            case .columnSums, .columnMeans: return Shape(.one, argument.columns)
            case .rowSums, .rowMeans: return Shape(argument.rows, .one)
            case .vec: return Shape(Dimension.times(argument.columns, argument.rows), .one)
            case .diagonalMatrix:
                let side = argument.rows.isOne ? argument.columns : argument.rows
                return Shape(side, side)
            case .diagonalVector: return .vector(argument.rows)
            case .diagonal: preconditionFailure("diag is read as diagm or diagv when interned")
            }
        case .apply2(.kron, let a, let b):
            let (sa, sb) = (shape(a), shape(b))
            return Shape(Dimension.times(sa.rows, sb.rows), Dimension.times(sa.columns, sb.columns))
        case .identity(let n): return Shape(n, n)
        case .ones(let m, let n), .zeros(let m, let n): return Shape(m, n)
        case .commutation(let m, let n): return Shape(Dimension.times(m, n), Dimension.times(n, m))
        }
    }

    /// True when the chain is `C A A⁺ Cᵀ` or `C A⁺ A Cᵀ` (`C` possibly empty): symmetric, as
    /// `A A⁺` and `A⁺ A` are.
    private func isSymmetricAroundProjector(_ chain: [ChainLink]) -> Bool {
        guard chain.count >= 2, chain.count % 2 == 0 else { return false }
        let middle = chain.count / 2
        let (left, right) = (chain[middle - 1], chain[middle])
        guard left.transposed == right.transposed else { return false }
        let isProjector: Bool
        if case .apply(.pseudoInverse, let inner) = self[right.id], inner == left.id {
            isProjector = true
        } else if case .apply(.pseudoInverse, let inner) = self[left.id], inner == right.id {
            isProjector = true
        } else {
            isProjector = false
        }
        return isProjector && Array(chain[..<(middle - 1)]) == transposedChain(Array(chain[(middle + 1)...]))
    }

    private func computeSymmetry(of node: ExprNode, shape: Shape) -> Bool {
        if shape.isScalar { return true }
        guard shape.isSquare else { return false }
        switch node {
        case .number: return true
        case .variable(let name): return environment.variables[name]?.isSymmetric ?? false
        case .identity, .ones, .zeros, .commutation: return true
        case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b),
            .elementwiseDivide(let a, let b), .apply2(_, let a, let b):
            if isSymmetric(a) && isSymmetric(b) { return true }
            // A + A' and A' + A are symmetric.
            if case .add = node { return isTransposePair(a, b) }
            return false
        case .negate(let a), .elementwisePower(let a, _), .divide(let a, _), .transpose(let a),
            .matrixPower(let a, _), .elementwisePowerBy(let a, _):
            return isSymmetric(a)
        case .power, .powerBy: return true
        case .multiply:
            // A long product is not examined (its symmetry would cost its length every time
            // a longer product is built on it); it counts as not known to be symmetric.
            let id = intern(node)
            guard hasProductFactors(id, atMost: ExpressionTable.longestOptimizedChain) else { return false }
            let chain = productChain(of: id)
            if chain == transposedChain(chain) { return true }
            // A A⁺ and A⁺ A are symmetric (a Penrose condition), and so is C A A⁺ Cᵀ.
            return isSymmetricAroundProjector(chain)
        case .apply(let function, let a):
            switch function {
            case .inverse, .pseudoInverse, .elementwise, .declaredElementwise, .declaredElementwiseDerivative,
                .declaredScalarGradient:
                return isSymmetric(a)
            case .diagonalMatrix: return true
            case .softmax:
                // Columns are scaled separately.
                return false
            case .trace, .determinant, .logDeterminant, .sum, .norm2, .declaredScalar, .diagonalVector,
                .columnSums, .rowSums, .mean, .columnMeans, .rowMeans, .norm1, .logSumExp, .vec, .numel, .size,
                .diagonal:
                return true  // scalars and vectors are handled above; kept exhaustive
            }
        }
    }

    /// True when one of `a`, `b` is the transpose of the other.
    private func isTransposePair(_ a: ExprID, _ b: ExprID) -> Bool {
        if case .transpose(let inner) = self[a], inner == b { return true }
        if case .transpose(let inner) = self[b], inner == a { return true }
        return false
    }

    // MARK: Product chains

    /// A factor of a matrix product chain: an expression, possibly transposed.
    struct ChainLink: Hashable {
        var id: ExprID
        var transposed: Bool
    }

    /// The non-scalar factors of a product, flattened, with transposes pushed onto them:
    /// `(A*B')'` is `[B, A']`. Symmetric factors never carry a transpose, so two chains of
    /// the same value compare equal. Scalar factors are dropped (they do not change symmetry
    /// or the chain's shape).
    func productChain(of id: ExprID, transposed: Bool = false) -> [ChainLink] {
        var chain: [ChainLink] = []
        appendProductChain(of: id, transposed: transposed, to: &chain)
        return chain
    }

    /// Appends the links of ``productChain(of:transposed:)`` to `chain` (one array for the
    /// whole walk, rather than one per node joined on the way up).
    private func appendProductChain(of id: ExprID, transposed: Bool, to chain: inout [ChainLink]) {
        switch self[id] {
        case .multiply(let a, let b):
            let (first, second) = transposed ? (b, a) : (a, b)
            if !shape(first).isScalar { appendProductChain(of: first, transposed: transposed, to: &chain) }
            if !shape(second).isScalar { appendProductChain(of: second, transposed: transposed, to: &chain) }
        case .transpose(let a):
            appendProductChain(of: a, transposed: !transposed, to: &chain)
        case .negate(let a):
            appendProductChain(of: a, transposed: transposed, to: &chain)
        default:
            chain.append(ChainLink(id: id, transposed: transposed && !isSymmetric(id)))
        }
    }

    /// The chain of the transpose: reversed, each link transposed.
    func transposedChain(_ chain: [ChainLink]) -> [ChainLink] {
        chain.reversed().map { ChainLink(id: $0.id, transposed: !$0.transposed && !isSymmetric($0.id)) }
    }
}
