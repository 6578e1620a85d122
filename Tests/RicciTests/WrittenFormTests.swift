// The rules that write results as a person does: each before ⇒ after, both sides equal.

import Testing
@testable import Ricci

@Suite struct WrittenFormTests {
    /// A derivative, the form a rule rewrote (`before`, a valid expression of the language)
    /// and the form Ricci prints (`after`). The result must be `after`, verified against the
    /// element-wise expansion, and equal to `before` at random test points.
    struct Rewrite: CustomTestStringConvertible, Sendable {
        let rule: String
        let expression: String
        let variables: [String]
        let declarations: [String]
        let before: String
        let after: String
        /// Test-point hints: variables with positive entries, sizes in increasing order.
        var positive: Set<String> = []
        var increasing: [String] = []
        var testDescription: String { "\(rule): \(before) ⇒ \(after)" }
    }

    static let rewrites: [Rewrite] = [
        Rewrite(rule: "logistic", expression: "sum(log(1 + exp(x)))", variables: ["x"], declarations: [],
                before: "exp(x)./(1 + exp(x))", after: "sigmoid(x)"),
        Rewrite(rule: "logistic", expression: "sum(log(1 + exp(-y.*(X*w))))", variables: ["w"], declarations: [],
                before: "-X'*(y.*exp(-y.*(X*w))./(1 + exp(-y.*(X*w))))", after: "-X'*(y.*sigmoid(-y.*(X*w)))"),
        Rewrite(rule: "logistic, 1 - sigmoid(-z) = sigmoid(z)", expression: "sum(log(1 + exp(-y.*(X*w))))",
                variables: ["w", "w"], declarations: [],
                before: "X'*diagm(exp(-y.*(X*w))./(1 + exp(-y.*(X*w))).*y.^2 - y.^2.*exp(-y.*(X*w)).^2./(1 + exp(-y.*(X*w))).^2)*X",
                after: "X'*diagm(sigmoid(y.*(X*w)).*sigmoid(-y.*(X*w)).*y.^2)*X"),
        Rewrite(rule: "logistic", expression: "sum(1./(1 + exp(-x)))", variables: ["x"], declarations: [],
                before: "exp(-x)./(1 + exp(-x)).^2", after: "sigmoid(x).*sigmoid(-x)"),
        Rewrite(rule: "diagonal-sandwich", expression: "a'*log(A*exp(X)*B)*b", variables: ["X"], declarations: [],
                before: "exp(X).*(A'*diagm(a)*(A*exp(X)*B).^(-1)*diagm(b)*B')",
                after: "exp(X).*(A'*(a*b'./(A*exp(X)*B))*B')", positive: ["A", "B"]),
        Rewrite(rule: "pseudo-inverse", expression: "logdet(X'*X)", variables: ["X"], declarations: ["X:m,k"],
                before: "2*X*inv(X'*X)", after: "2*pinv(X)'", increasing: ["k", "m"]),
        Rewrite(rule: "reciprocal-as-division, coefficient-into-denominator", expression: "sum(sqrt(x))",
                variables: ["x"], declarations: [], before: "1/2*x.^(-1/2)", after: "1./(2*sqrt(x))"),
        Rewrite(rule: "reciprocal-as-division", expression: "sqrt(alpha)", variables: ["alpha"], declarations: [],
                before: "1/2*alpha^(-1/2)", after: "1/(2*sqrt(alpha))"),
        Rewrite(rule: "reciprocal-as-division", expression: "sum(acos(x))", variables: ["x"], declarations: [],
                before: "-(1 - x.^2).^(-1/2)", after: "-1./sqrt(1 - x.^2)"),
        Rewrite(rule: "division-by-reciprocal", expression: "sum(log(A*exp(X)*B))", variables: ["X"], declarations: [],
                before: "exp(X).*(A'*(A*exp(X)*B).^(-1)*B')", after: "exp(X).*(A'*(1./(A*exp(X)*B))*B')",
                positive: ["A", "B"]),
        Rewrite(rule: "sum-of-squares", expression: "alpha*sum(x.^2)", variables: ["alpha"], declarations: [],
                before: "sum(x.^2)", after: "x'*x"),
        Rewrite(rule: "merge-diagonals", expression: "sum(log(1 + exp(X*w)))", variables: ["w", "w"], declarations: [],
                before: "X'*(diagm(sigmoid(X*w)) - diagm(sigmoid(X*w).^2))*X",
                after: "X'*diagm(sigmoid(X*w).*(1 - sigmoid(X*w)))*X"),
        Rewrite(rule: "diagonal products", expression: "sum(sin(X).*exp(X))", variables: ["X", "X"], declarations: [],
                before: "2*diagm(vec(exp(X)))*diagm(vec(cos(X)))", after: "2*diagm(vec(exp(X).*cos(X)))"),
        Rewrite(rule: "diagonal products, merge-vecs, merge-diagonals", expression: "sum(exp(X)./(1 + X.^2))",
                variables: ["X", "X"], declarations: [],
                before: "diagm(vec(exp(X)))*diagm(vec(1./(1 + X.^2)) - 2*vec(1./(1 + X.^2).^2)) + 8*diagm(vec(X.^2))*diagm(vec(exp(X)))*diagm(vec(1./(1 + X.^2).^3)) - 4*diagm(vec(X))*diagm(vec(exp(X)))*diagm(vec(1./(1 + X.^2).^2))",
                after: "diagm(vec(8*(X.^2.*exp(X)./(1 + X.^2).^3) + exp(X)./(1 + X.^2) - 4*(X.*exp(X)./(1 + X.^2).^2) - 2*(exp(X)./(1 + X.^2).^2)))"),
        Rewrite(rule: "factor-left-multiplier through v = diagm(v) 1, broadcast-operand", expression: "V*softmax(K'*q)",
                variables: ["q"], declarations: ["K:d,n", "V:p,n", "q:d"],
                before: "V*diagm(softmax(K'*q))*K' - V*softmax(K'*q)*(softmax(K'*q)'*K')",
                after: "V*diagm(softmax(K'*q))*(K - K*softmax(K'*q))'"),
        Rewrite(rule: "factor-right-multiplier through kron(A, B) K = K kron(B, A)", expression: "X'*X",
                variables: ["X"], declarations: [],
                before: "kron(X', I(n))*commutation(m,n) + kron(I(n), X')",
                after: "(kron(I(n), I(n)) + commutation(n,n))*kron(I(n), X')"),
        Rewrite(rule: "factor-right-multiplier through kron(A, B) K = K kron(B, A)", expression: "X*pinv(X)",
                variables: ["X"], declarations: ["X:m,n"],
                before: "kron(pinv(X)', I(m) - X*pinv(X)) + kron(I(m) - X*pinv(X), pinv(X)')*commutation(m,n)",
                after: "(kron(I(m), I(m)) + commutation(m,m))*kron(pinv(X)', I(m) - X*pinv(X))"),
    ]

    @Test(arguments: rewrites)
    func ruleGivesThePersonsForm(_ rewrite: Rewrite) throws {
        let declarations = try Declarations(parsingVariables: rewrite.declarations, functions: [])
        let checked = try CheckedExpression(parsing: rewrite.expression, declarations: declarations)
        let derivative = try Ricci.derivative(of: checked, withRespectTo: rewrite.variables)
        #expect(derivative.plain == rewrite.after)
        #expect(derivative.verify(VerificationOptions(positive: rewrite.positive, increasing: rewrite.increasing)).verdict == .passed)
        // The form before the rule is the same function: the result equals it numerically.
        try CorpusRunner.compare(
            derivative, expected: rewrite.before, inIndexForm: false, expectedGradient: nil,
            declarations: declarations, positive: rewrite.positive, increasing: rewrite.increasing,
            environment: checked.environment)
    }

    /// An outer product costs one multiplication per entry, not two: `a bᵀ` with `m = n = 100`
    /// is 10⁴ flops, the same as the two diagonal scalings it replaces.
    @Test func outerProductCostsOneFlopPerEntry() throws {
        let checked = try CheckedExpression(parsing: "a*b'", declarations: Declarations(parsingVariables: ["a:m", "b:n"], functions: []))
        #expect(checked.expression.flops(in: checked.environment) == 10_000)
    }

    /// A multiple of a diagonal matrix still scales: `s diagm(v) M` (the scalar in front, as
    /// products are built) with `m = 100` is the scaling of `M`'s 10⁴ entries by `v` and by
    /// `s`, not a dense 100×100 product (2·10⁶).
    @Test func aMultipleOfADiagonalMatrixScales() throws {
        let checked = try CheckedExpression(
            parsing: "(s*diagm(v))*M", declarations: Declarations(parsingVariables: ["s:", "v:m", "M:m,m"], functions: []))
        #expect(checked.expression.flops(in: checked.environment) == 20_000)
    }

    /// `kron-mixed-product`: `kron(A, B) kron(C, D) = kron(A C, B D)`, and its transposed
    /// spelling; both sides equal at random values.
    @Test(arguments: [
        ("kron(A, B)*kron(C, D)", "kron(A*C, B*D)"),
        ("kron(C, D)'*kron(A, B)'", "kron(C'*A', D'*B')"),
    ])
    func kroneckerProductsMultiplyFactorByFactor(input: String, written: String) throws {
        let declarations = try Declarations(parsingVariables: ["A:2,3", "B:4,2", "C:3,2", "D:2,3"], functions: [])
        let checked = try CheckedExpression(parsing: input, declarations: declarations)
        let table = ExpressionTable(environment: checked.environment)
        let result = table.expression(table.writtenForm(table.intern(tree: checked.expression)))
        #expect(PlainPrinter.print(result) == written)
        var generator = SeededGenerator(seed: 7)
        let values = Dictionary(uniqueKeysWithValues: [("A", [2, 3]), ("B", [4, 2]), ("C", [3, 2]), ("D", [2, 3])].map { name, axes in
            (name, Tensor(shape: axes, scalars: (0..<axes.reduce(1, *)).map { _ in Double.random(in: -1...1, using: &generator) }))
        })
        let evaluator = Evaluator(values: values)
        let difference = try evaluator.evaluate(checked.expression) - evaluator.evaluate(result)
        #expect(difference.frobeniusNorm < 1e-12)
    }

    /// A product by a sum of permutations, `(I + K) M = M + K M`, costs two copies of `M`'s
    /// entries, not a dense m²×m² product: with `m = 100`, the Kronecker product (10⁸ entries)
    /// and twice that.
    @Test func aSumOfPermutationsIsAppliedNotFormed() throws {
        let checked = try CheckedExpression(
            parsing: "(kron(I(m), I(m)) + commutation(m,m))*kron(A, B)",
            declarations: Declarations(parsingVariables: ["A:m,m", "B:m,m"], functions: []))
        #expect(checked.expression.flops(in: checked.environment) == 3e8)
    }
}
