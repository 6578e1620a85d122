// Hash-consing in the expression table, and the numbering of index dimensions.

import Testing
@testable import Ricci

@Suite struct InterningTests {
    /// A table over a matrix `A` and a vector `x`.
    private func table() throws -> ExpressionTable {
        let environment = try CheckedExpression(
            parsing: "A*x", declarations: Declarations(parsingVariables: ["A:n,n", "x:n"], functions: [])
        ).environment
        return ExpressionTable(environment: environment)
    }

    /// Thousands of distinct nodes (well past the table's first allocation, so the index grows
    /// several times) each get their own number, and interning any of them again returns it.
    @Test func equalNodesShareANumberAndDistinctOnesDoNot() throws {
        let table = try table()
        let a = table.intern(.variable("A"))
        let x = table.intern(.variable("x"))
        var numbers: [ExprID] = []
        var chain = x
        for power in 1...3000 {
            chain = table.intern(.multiply(a, chain))
            numbers.append(chain)
            numbers.append(table.intern(.elementwisePower(x, Rational(power))))
            numbers.append(table.intern(.number(Rational(power, 7))))
        }
        #expect(Set(numbers).count == numbers.count)
        chain = x
        for power in 1...3000 {
            chain = table.intern(.multiply(a, chain))
            #expect(chain == numbers[3 * (power - 1)])
            #expect(table.intern(.elementwisePower(x, Rational(power))) == numbers[3 * (power - 1) + 1])
            #expect(table.intern(.number(Rational(power, 7))) == numbers[3 * (power - 1) + 2])
        }
        #expect(table.intern(.variable("A")) == a)
        #expect(table.nodes.count == 2 + numbers.count)
    }

    /// Nodes that differ only in an operand's order, an operator, an exponent or a name are
    /// different nodes.
    @Test func nodesDifferingInOneOperandAreDistinct() throws {
        let table = try table()
        let a = table.intern(.variable("A"))
        let x = table.intern(.variable("x"))
        let candidates: [ExprNode] = [
            .multiply(a, x), .multiply(x, a), .hadamard(a, x), .add(a, x), .subtract(a, x),
            .elementwisePower(x, 2), .elementwisePower(x, 3), .power(x, 2), .transpose(x), .negate(x),
            .apply(.trace, a), .apply(.determinant, a), .apply(.elementwise(.exp), a),
            .apply(.declaredElementwise("f"), a), .apply(.declaredElementwise("g"), a),
            .identity(.named("n")), .identity(.fixed(3)), .ones(.named("n"), .one), .ones(.one, .named("n")),
        ]
        let numbers = candidates.map { table.intern($0) }
        #expect(Set(numbers).count == candidates.count)
        #expect(candidates.map { table.intern($0) } == numbers)
    }

    /// An index keeps the number of its dimension; the context reads the dimension back, and
    /// equal dimensions share a number.
    @Test func indicesReadTheirDimensionBack() throws {
        let context = IndexContext(table: try table())
        let i = context.freshIndex(.named("n"))
        let j = context.freshIndex(.fixed(3))
        let k = context.freshIndex(.named("n"))
        #expect(context.range(of: i) == .named("n"))
        #expect(context.range(of: j) == .fixed(3))
        #expect(context.range(of: k) == .named("n"))
        #expect(i.rangeNumber == k.rangeNumber && i.rangeNumber != j.rangeNumber)
        #expect(i != k)
    }
    /// A power of an inverse as the input spells it, `inv(A)^2`, is the node that a product
    /// of inverses becomes, `A^-2`: one node, so that a derivation differentiates it once.
    @Test func powersOfAnInverseAreOneNode() throws {
        let table = try table()
        func node(_ text: String) throws -> ExprID {
            let declarations = try Declarations(parsingVariables: ["A:n,n"], functions: [])
            return table.intern(tree: try CheckedExpression(parsing: text, declarations: declarations).expression)
        }
        let square = try node("inv(A)^2")
        #expect(try node("A^(-2)") == square)
        #expect(try node("inv(A)*inv(A)") == square)
        #expect(try node("inv(A)^3") != square)
    }
}
