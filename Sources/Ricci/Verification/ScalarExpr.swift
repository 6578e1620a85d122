// Scalar expressions as a hash-consed DAG: the entries of an element-wise expansion.

import Foundation

/// The number of a node in a ``ScalarGraph``.
///
/// A node's children always have smaller numbers than the node (a node is interned after its
/// children), so ascending order is a topological order of the DAG: passes over it are
/// loops, not recursions, whatever the depth of the expression.
struct ScalarID: Hashable, Comparable, Sendable {
    let raw: Int
    static func < (a: ScalarID, b: ScalarID) -> Bool { a.raw < b.raw }
}

/// A scalar symbol: the entry `[row, column]` (zero-based) of a variable, the seeds' `x₁₂`
/// (which is `ScalarSymbol(variable: "X", row: 0, column: 1)`).
///
/// Every entry is its own symbol, also for a symmetric variable: `S[0,1]` and `S[1,0]` are
/// independent, as in the corpus (a gradient counts them as independent entries).
struct ScalarSymbol: Hashable, Sendable, CustomStringConvertible {
    /// The variable's name.
    let variable: String
    /// Zero-based row.
    let row: Int
    /// Zero-based column.
    let column: Int

    /// `X[1,2]`, one-based as the seeds write `x₁₂`.
    var description: String { "\(variable)[\(row + 1),\(column + 1)]" }
}

/// An elementary function of one scalar: the language's element-wise functions. `sign`
/// (−1, 0 or 1, the derivative of `abs` almost everywhere) and `step` (1 for `x > 0`, else 0,
/// the derivative of `relu`) are functions, not `x/|x|`, so that they are defined at 0 too.
typealias ScalarFunction = ElementwiseFunction

extension ElementwiseFunction {
    /// The value at `x`, by the ``Evaluator``'s own definitions (`sigmoid` through `tanh`,
    /// `softplus` without overflow), so the expansion and the evaluator agree to the last bit
    /// wherever they compute the same thing.
    func callAsFunction(_ x: Double) -> Double { Evaluator.function(self)(x) }
}

/// One node of a scalar expression; children are nodes of the same ``ScalarGraph``.
///
/// Sums and products are n-ary and are never multiplied out: `(a + b)·(c + d)` stays a
/// product of two sums, so expanding a matrix expression costs about as many nodes as
/// evaluating it costs operations, with no expression swell.
enum ScalarExpr: Hashable {
    /// A number.
    case number(Double)
    /// A symbol, `x₁₂`.
    case symbol(ScalarSymbol)
    /// `Σ terms`; at least two, at most one of them a number (the last, never 0).
    case sum([ScalarID])
    /// `Π factors`; at least two, at most one of them a number (the first, never 0 or 1).
    case product([ScalarID])
    /// `base ^ exponent` for a constant exponent other than 0 and 1.
    case power(ScalarID, Double)
    /// `f(argument)`.
    case function(ScalarFunction, ScalarID)

    /// The direct children.
    var children: [ScalarID] {
        switch self {
        case .number, .symbol: return []
        case .sum(let terms): return terms
        case .product(let factors): return factors
        case .power(let base, _): return [base]
        case .function(_, let argument): return [argument]
        }
    }
}

/// The expansion's work grew past ``ScalarGraph/nodeBudget``: the symbolic check is given up
/// (verification still compares against finite differences).
struct ScalarBudgetExceeded: Error, Hashable {
    /// The budget that was exceeded.
    let budget: Int
    /// What was being built: "expansion", "derivative", a cofactor expansion's size.
    let stage: String
}

/// A DAG of scalar expressions, hash-consed: equal nodes are one node, so `x₁₁·y₁₁`
/// built twice is built once and a shared sub-expression is differentiated and evaluated once.
///
/// The constructors (``sum(_:)``, ``product(_:)``, ``power(_:_:)``, ``apply(_:_:)``) fold
/// numbers, drop zero terms and unit factors, make a product with a zero factor zero, and
/// sort the operands of sums and products (so `a·b` and `b·a` are one node); they never
/// distribute a product over a sum. A zero factor makes a product zero even when another
/// factor is infinite at some point: the symbolic convention, which keeps derivatives of
/// constants exactly zero.
///
/// The graph belongs to one verification (a class so that expansion, differentiation and
/// evaluation share it without copying); it is never shared between threads.
final class ScalarGraph {
    /// The most nodes the graph may hold before ``checkBudget(_:)`` throws.
    let nodeBudget: Int
    private(set) var nodes: [ScalarExpr] = []
    private var ids: [ScalarExpr: ScalarID] = [:]
    /// The value of each number node, nil for the others: the constructors ask for every
    /// operand, and reading this avoids copying the node.
    private var numbers: [Double?] = []

    /// The one NaN node, once there is one.
    private var notANumber: ScalarID?

    /// The number 0.
    private(set) var zero = ScalarID(raw: 0)
    /// The number 1.
    private(set) var one = ScalarID(raw: 0)

    /// An empty graph (but for 0 and 1) that allows `nodeBudget` nodes.
    init(nodeBudget: Int = 200_000) {
        self.nodeBudget = nodeBudget
        zero = intern(.number(0))
        one = intern(.number(1))
    }

    /// The number of nodes.
    var count: Int { nodes.count }

    /// The node `id`.
    subscript(id: ScalarID) -> ScalarExpr { nodes[id.raw] }

    /// Throws ``ScalarBudgetExceeded`` when the graph holds more than ``nodeBudget`` nodes.
    /// Callers check after each bounded step (one matrix node, one node's derivative), so
    /// the graph never grows far past the budget.
    func checkBudget(_ stage: @autoclosure () -> String) throws {
        if nodes.count > nodeBudget { throw ScalarBudgetExceeded(budget: nodeBudget, stage: stage()) }
    }

    /// The node, created if new. Its children must be nodes of this graph.
    private func intern(_ node: ScalarExpr) -> ScalarID {
        if let id = ids[node] { return id }
        let id = ScalarID(raw: nodes.count)
        nodes.append(node)
        ids[node] = id
        if case .number(let value) = node { numbers.append(value) } else { numbers.append(nil) }
        return id
    }

    /// The numeric value of a number node.
    func numberValue(_ id: ScalarID) -> Double? { numbers[id.raw] }

    // MARK: - Constructors

    /// The number `value`.
    func number(_ value: Double) -> ScalarID {
        guard value.isNaN else { return intern(.number(value)) }
        // NaN is not equal to itself, so a dictionary never finds it again: one node stands
        // for every NaN (a number folded outside its function's domain).
        if let nan = notANumber { return nan }
        let nan = intern(.number(.nan))
        notANumber = nan
        return nan
    }

    /// The symbol `symbol`.
    func symbol(_ symbol: ScalarSymbol) -> ScalarID { intern(.symbol(symbol)) }

    /// `Σ terms`: numbers added into one, zero terms dropped, a single term returned as is.
    func sum(_ terms: [ScalarID]) -> ScalarID {
        var constant = 0.0
        var rest: [ScalarID] = []
        for term in terms {
            if let value = numberValue(term) { constant += value } else { rest.append(term) }
        }
        if rest.isEmpty { return number(constant) }
        if rest.count == 1 && constant == 0 { return rest[0] }
        // Sorted operands make `a + b` and `b + a` one node; the constant comes last.
        return intern(.sum(constant == 0 ? ScalarGraph.sorted(rest) : ScalarGraph.sorted(rest) + [number(constant)]))
    }

    /// `Π factors`: numbers multiplied into one, unit factors dropped, zero when a factor is
    /// the number 0, a single factor returned as is.
    func product(_ factors: [ScalarID]) -> ScalarID {
        var constant = 1.0
        var rest: [ScalarID] = []
        for factor in factors {
            if let value = numberValue(factor) {
                if value == 0 { return zero }
                constant *= value
            } else {
                rest.append(factor)
            }
        }
        if rest.isEmpty { return number(constant) }
        if rest.count == 1 && constant == 1 { return rest[0] }
        // Sorted operands make `a·b` and `b·a` one node; the coefficient leads, as written.
        return intern(.product(constant == 1 ? ScalarGraph.sorted(rest) : [number(constant)] + ScalarGraph.sorted(rest)))
    }

    /// `ids` in ascending order. Most operand lists have two or three entries, which an
    /// insertion sort orders without the standard sort's generic machinery; long ones (a sum
    /// over every entry of a matrix) go to the standard sort.
    private static func sorted(_ ids: [ScalarID]) -> [ScalarID] {
        if ids.count > 16 { return ids.sorted() }
        var result = ids
        for i in result.indices.dropFirst() {
            let id = result[i]
            var j = i
            while j > 0 && result[j - 1].raw > id.raw {
                result[j] = result[j - 1]
                j -= 1
            }
            result[j] = id
        }
        return result
    }

    /// `base ^ exponent`: `x⁰ = 1`, `x¹ = x`, numbers raised.
    func power(_ base: ScalarID, _ exponent: Double) -> ScalarID {
        if exponent == 0 { return one }
        if exponent == 1 { return base }
        if let value = numberValue(base) { return number(Foundation.pow(value, exponent)) }
        return intern(.power(base, exponent))
    }

    /// `f(argument)`, computed when the argument is a number.
    func apply(_ function: ScalarFunction, _ argument: ScalarID) -> ScalarID {
        if let value = numberValue(argument) { return number(function(value)) }
        return intern(.function(function, argument))
    }

    /// `−a`, as `(−1)·a`.
    func negate(_ a: ScalarID) -> ScalarID { product([number(-1), a]) }

    /// `a − b`.
    func difference(_ a: ScalarID, _ b: ScalarID) -> ScalarID { sum([a, negate(b)]) }

    /// `a / b`, as `a · b⁻¹`.
    func quotient(_ a: ScalarID, _ b: ScalarID) -> ScalarID { product([a, power(b, -1)]) }

    // MARK: - Printing

    /// The expression of `id` written out as a tree (`X[1,1]*Y[1,1] + X[1,2]*Y[2,1]`), for
    /// messages and tests; cut at `limit` characters because a DAG written as a tree can be
    /// exponentially long.
    func text(of id: ScalarID, limit: Int = 2_000) -> String {
        /// Where a node is written: parentheses go around sums in a product, and around
        /// sums, products and negative numbers as the base of a power.
        enum Position { case top, factor, base }
        var output = ""
        func format(_ value: Double) -> String {
            value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        func write(_ id: ScalarID, _ position: Position) {
            if output.utf8.count > limit { return }
            switch self[id] {
            case .number(let value):
                output += position != .top && value < 0 ? "(" + format(value) + ")" : format(value)
            case .symbol(let symbol):
                output += symbol.description
            case .sum(let terms):
                if position != .top { output += "(" }
                for (offset, term) in terms.enumerated() {
                    if offset > 0 { output += " + " }
                    write(term, .top)
                }
                if position != .top { output += ")" }
            case .product(let factors):
                if position == .base { output += "(" }
                for (offset, factor) in factors.enumerated() {
                    if offset > 0 { output += "*" }
                    write(factor, .factor)
                }
                if position == .base { output += ")" }
            case .power(let base, let exponent):
                write(base, .base)
                output += "^" + (exponent < 0 ? "(" + format(exponent) + ")" : format(exponent))
            case .function(let function, let argument):
                output += function.rawValue + "("
                write(argument, .top)
                output += ")"
            }
        }
        write(id, .top)
        return output.utf8.count > limit ? String(output.prefix(limit)) + "…" : output
    }
}
