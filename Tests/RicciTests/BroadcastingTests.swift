// Broadcasting in `+ - .* ./ max min`: shapes, values and derivatives, every result verified.

import Testing
@testable import Ricci

/// The derivative of `expression` by `variable`, declarations as `--var` texts.
private func derivative(_ expression: String, _ variable: String, _ declarations: [String] = []) throws -> Derivative {
    try Ricci.derivative(
        of: expression, withRespectTo: variable, declarations: Declarations(parsingVariables: declarations, functions: []))
}

@Suite struct BroadcastingTests {
    /// An axis of size 1 stretches to the other operand's size, as in NumPy.
    @Test func valuesBroadcastAsNumPy() throws {
        let evaluator = Evaluator(values: [
            "X": .matrix([[1, 2, 3], [4, 5, 6]]), "b": .vector([10, 20]), "r": .matrix([[100, 200, 300]]),
        ])
        func value(_ text: String) throws -> Tensor {
            try evaluator.evaluate(CheckedExpression(parsing: text, declarations: Declarations(parsingVariables: [
                "X:2,3", "b:2", "r:1,3",
            ], functions: [])).expression)
        }
        #expect(try value("X + b") == .matrix([[11, 12, 13], [24, 25, 26]]))
        #expect(try value("X - r") == .matrix([[-99, -198, -297], [-96, -195, -294]]))
        #expect(try value("b + r") == .matrix([[110, 210, 310], [120, 220, 320]]))
        #expect(try value("X .* b") == .matrix([[10, 20, 30], [80, 100, 120]]))
        #expect(try value("X ./ r") == .matrix([[0.01, 0.01, 0.01], [0.04, 0.025, 0.02]]))
        #expect(try value("1 - X") == .matrix([[0, -1, -2], [-3, -4, -5]]))
        #expect(try value("max(X, 3)") == .matrix([[3, 3, 3], [4, 5, 6]]))
        #expect(try value("min(X, b)") == .matrix([[1, 2, 3], [4, 5, 6]]))
    }

    /// Function, variable, declarations ⇒ the plain result: the derivative by a broadcast
    /// operand sums over the stretched axis, written as a person writes it.
    @Test(arguments: [
        ("sum(log(1 + exp(-y.*(X*w))))", "w", [], "-X'*(y.*sigmoid(-y.*(X*w)))"),
        ("norm2(W*X + b - Y)^2", "b", [], "2*sum(W*X + b - Y, 2)"),
        ("norm2(W*X + b - Y)^2", "W", [], "2*(W*X + b - Y)*X'"),
        ("sum(1 - y.*x)", "x", [], "-y"),
        ("norm2(X - mu')^2", "mu", ["X:n,d", "mu:d"], "-2*sum(X - mu', 1)'"),
        ("norm2(X.*w' - Y)^2", "w", [], "2*sum((X.*w' - Y).*X, 1)'"),
        ("sum((a + b').^2)", "a", [], "2*sum(a + b', 2)"),
        ("sum((a + b').^2)", "b", [], "2*sum(a + b', 1)'"),
        ("sum(X./s)", "s", ["X:m,n", "s:m"], "-(sum(X, 2)./s.^2)"),
        ("sum(max(0, 1 - y.*(X*w)))", "w", [], "-X'*(y.*step(1 - y.*(X*w)))"),
        ("sum(relu(W*x + b))", "b", [], "step(W*x + b)"),
        ("sum(exp(alpha + x))", "alpha", ["alpha:"], "exp(alpha + x)"),
        ("x'*(y - 1)", "y", [], "x"),
        ("sum((Y - X*B - c').^2)", "c", ["Y:n,k", "X:n,d", "B:d,k", "c:k"], "-2*sum(Y - X*B - c', 1)'"),
        ("norm2(X - mean(X, 2))^2", "X", [], "2*(X - mean(X, 2))"),
        ("norm2(X - mean(X, 1))^2", "X", [], "2*(X - mean(X, 1))"),
    ] as [(String, String, [String], String)])
    func derivativesByBroadcastOperands(expression: String, variable: String, declarations: [String], expected: String) throws {
        let result = try derivative(expression, variable, declarations)
        #expect(result.plain == expected, "\(expression) by \(variable)")
        let verification = result.verify()
        #expect(verification.verdict == .passed, "\(expression): \(verification.detail)")
    }

    /// The Jacobian of a sum with a broadcast vector by that vector: one index fewer on the
    /// stretched side.
    @Test func jacobianByABroadcastVector() throws {
        let result = try derivative("X + b", "b", ["X:m,n", "b:m"])
        #expect(IndexPrinter.print(result.index) == "J[i,j,p] = delta(i,p)")
        #expect(result.verify().verdict == .passed)
    }

    /// Results use broadcasting where it is shorter: `1 − σ`, not `ones(m) − σ`.
    @Test func resultsBroadcastTheNumberOne() throws {
        let result = try derivative("sum(sigmoid(X*w))", "w")
        #expect(result.plain == "X'*(sigmoid(X*w).*(1 - sigmoid(X*w)))")
        let tanh = try derivative("sum(tanh(W*x))", "x")
        #expect(tanh.plain == "W'*(1 - tanh(W*x).^2)")
    }

    /// The second corpus's broadcasting cases, through the corpus runner.
    @Test(arguments: Fixtures.secondCorpus(tagged: ["broadcasting"]).map(\.id))
    func secondCorpusCasePasses(id: String) throws {
        let corpusCase = try #require(Fixtures.secondCorpus.first { $0.id == id })
        let outcome = CorpusRunner.run(corpusCase)
        #expect(outcome.error == nil, "\(id): \(outcome.error ?? "")")
        #expect(outcome.verification?.verdict == .passed, "\(id)")
    }
}
