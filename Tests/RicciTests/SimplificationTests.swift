// Matrix-level simplification: each rule, before ⇒ after, both sides equal numerically.

import Testing
@testable import Ricci

/// Variables of the rule tables (square matrices so every product fits, vectors, scalars).
private let declarations = try! Declarations(
    parsingVariables: ["A:n,n", "B:n,n", "C:n,n", "X:n,n", "S:n,n:symmetric", "u:n", "v:n", "w:n", "z:n",
                       "s:", "t:", "y:m", "q:m"],
    functions: [])

/// Simplifies `text` (a sum) the way lifted results are simplified, recording the rules.
private func simplified(_ text: String) throws -> (result: MatrixExpr, rules: [String], environment: Environment) {
    let checked = try CheckedExpression(parsing: text, declarations: declarations)
    let context = IndexContext(table: ExpressionTable(environment: checked.environment))
    let root = context.table.intern(tree: checked.expression)
    let sum = context.summands(root).map { summand -> ProductTerm in
        var term = context.table.productTerm(summand.id)
        term.coefficient *= summand.sign
        return term
    }
    let simplifier = MatrixSimplifier(table: context.table, recording: true)
    let result = simplifier.simplify(sum, shape: checked.shape)
    return (context.table.expression(result), simplifier.steps.map(\.rule), checked.environment)
}

/// The two expressions have the same value at a random point.
private func sameValue(_ a: MatrixExpr, _ b: MatrixExpr, in environment: Environment) throws -> Bool {
    var generator = SeededGenerator(seed: 11)
    let sizes = ["n": 3, "m": 4]
    let evaluator = Evaluator(sizes: sizes, values: try TestPoint.drawValues(for: environment, sizes: sizes, positive: ["y", "q"], using: &generator))
    return try evaluator.evaluate(a).relativeDistance(to: evaluator.evaluate(b)) < 1e-12
}

@Suite struct SimplificationTests {
    @Test(arguments: [
        ("A*B + A*B", "2*A*B", "merge-like-terms"),
        ("A*B + C - A*B", "C", "merge-like-terms"),
        ("pinv(A)*(I(n) - A*pinv(A))*B + C", "C", "drop-zero-terms"),
        ("(I(n) - pinv(A)*A)*pinv(A)*B + C", "C", "drop-zero-terms"),
        ("A'*(I(n) - A*pinv(A)) + C", "C", "drop-zero-terms"),
        ("zeros(n,n)*B + C", "C", "drop-zero-terms"),
        ("A*B + A*C", "A*(B + C)", "factor-left-multiplier"),
        ("2*A*B + 2*A*C", "2*A*(B + C)", "factor-left-multiplier"),
        ("2*A*B + 3*A*C", "A*(2*B + 3*C)", "factor-left-multiplier"),
        ("B*A + C*A", "(B + C)*A", "factor-right-multiplier"),
        ("s*A + s*B", "s*(A + B)", "pull-common-scalar"),
        ("2*A + 2*B", "2*(A + B)", "pull-common-coefficient"),
        ("-A - B", "-(A + B)", "pull-common-coefficient"),
        ("inv(X)*X*A", "A", "cancel-inverse"),
        ("B*inv(A*X*B)*A", "inv(X)", "cancel-inverse"),
        ("X'*inv(X)'", "I(n)", "cancel-inverse"),
        ("B'*X' + X'*B'", "(X*B + B*X)'", "collect-transposes"),
        ("y.*(ones(m) - q) - q.*(ones(m) - y)", "y - q", "expand-entrywise-polynomial"),
        ("S*u*t + S'*u*t", "2*t*S*u", "merge-like-terms"),
        // A square root is a half power among the atoms: exp(y) ⊘ √exp(y) is √exp(y).
        ("exp(y)./sqrt(exp(y)) - q.*sqrt(exp(y))", "sqrt(exp(y)) - sqrt(exp(y)).*q", "expand-entrywise-polynomial"),
    ])
    func rule(before: String, after: String, rule: String) throws {
        let (result, rules, environment) = try simplified(before)
        #expect(PlainPrinter.print(result) == after)
        #expect(rules.contains(rule), "\(rules)")
        let original = try CheckedExpression(parsing: before, declarations: declarations).expression
        #expect(try sameValue(original, result, in: environment))
    }

    /// Factoring that would turn cheap products of vectors into a full matrix product is not
    /// done: `A u vᵀ + A w zᵀ` stays two outer products.
    @Test func factoringNeverMakesEvaluationCostlier() throws {
        let (result, rules, environment) = try simplified("A*u*v' + A*w*z'")
        #expect(!rules.contains("factor-left-multiplier"))
        let checked = try CheckedExpression(parsing: "A*u*v' + A*w*z'", declarations: declarations)
        #expect(result.flops(in: environment) <= checked.expression.flops(in: environment))
    }

    /// Every scalar the terms of a group share is pulled out in one step, not one scalar per
    /// step (each step would simplify the group again); a scalar of only some terms stays.
    @Test func sharedScalarsArePulledTogether() throws {
        let (result, rules, environment) = try simplified("s*t*u + s*t*v + s*w")
        #expect(PlainPrinter.print(result) == "s*(t*(u + v) + w)")
        #expect(rules.filter { $0 == "pull-common-scalar" }.count == 2, "\(rules)")
        let (both, bothRules, _) = try simplified("s*t*A*B + t*s*C")
        #expect(PlainPrinter.print(both) == "s*t*(A*B + C)")
        #expect(bothRules == ["pull-common-scalar"], "\(bothRules)")
        let original = try CheckedExpression(parsing: "s*t*u + s*t*v + s*w", declarations: declarations).expression
        #expect(try sameValue(original, result, in: environment))
    }

    /// Nothing applies: the driver stops at a fixpoint and leaves the sum as it was.
    @Test func aSumWithNothingToDoStaysAsItIs() throws {
        let (result, rules, _) = try simplified("A*B + C*X")
        #expect(PlainPrinter.print(result) == "A*B + C*X")
        #expect(rules.isEmpty)
    }

    @Test func theBudgetStopsTheDriver() throws {
        let checked = try CheckedExpression(parsing: "A*B + A*C + A*X", declarations: declarations)
        let context = IndexContext(table: ExpressionTable(environment: checked.environment))
        let sum = context.summands(context.table.intern(tree: checked.expression)).map { context.table.productTerm($0.id) }
        let simplifier = MatrixSimplifier(table: context.table, budget: 0)
        let result = simplifier.simplify(sum, shape: checked.shape)
        #expect(simplifier.stopReason == .budgetExhausted)
        #expect(PlainPrinter.print(context.table.expression(result)) == "A*B + A*C + A*X")
    }

    @Test func repeatedSubexpressionsAreNamedWhereThatIsShorter() throws {
        let repeated = try CheckedExpression(
            parsing: "sigmoid(W*X).*(ones(m,n) - sigmoid(W*X)).*sigmoid(W*X)",
            declarations: Declarations(parsingVariables: ["W:m,k", "X:k,n"], functions: [])).expression
        #expect(PrettyPrinter.printNamingRepeats(repeated) == "T₁ ⊙ (𝟏ₘₓₙ − T₁) ⊙ T₁ where T₁ = sigmoid(W X)")
        let short = try CheckedExpression(parsing: "A*B + A*B*C", declarations: declarations).expression
        #expect(PrettyPrinter.printNamingRepeats(short) == PrettyPrinter.print(short))
    }
}
