// The public corpus, case by case: right, verified, as short as the hand form, cheap.

import Foundation
import Testing
@testable import Ricci

@Suite struct CorpusTests {
    @Test(arguments: Fixtures.publicCorpus.map(\.id))
    func caseIsRightAndVerified(id: String) throws {
        let outcome = CorpusRunner.run(Fixtures.publicCase(id))
        #expect(outcome.error == nil, "\(id): \(outcome.error ?? "")")
        #expect(outcome.verification?.verdict == .passed, "\(id): \(outcome.verification?.detail ?? "")")
    }

    /// Where the expected derivative is a matrix expression, Ricci's has no more operator
    /// nodes; where the case expects a matrix form, Ricci gives one.
    @Test(arguments: Fixtures.publicCorpus.filter { !$0.expectsIndexForm }.map(\.id))
    func resultIsNoLongerThanTheHandForm(id: String) throws {
        let corpusCase = Fixtures.publicCase(id)
        let checked = try CheckedExpression(parsing: corpusCase.expression, declarations: corpusCase.declarations)
        let derivative = corpusCase.kind == .hessian
            ? try Ricci.hessian(of: checked, withRespectTo: corpusCase.variable)
            : try Ricci.derivative(of: checked, withRespectTo: corpusCase.variable)
        let expected = try CheckedExpression(parsing: corpusCase.expected, declarations: corpusCase.declarations)
        let matrix = try #require(derivative.matrix, "\(id) has no matrix form")
        #expect(matrix.operatorCount <= expected.expression.operatorCount,
                "\(id): \(PlainPrinter.print(matrix)) is longer than \(corpusCase.expected)")
    }

    /// The cases that expect index notation (matrices by matrices) also have a matrix form
    /// now, in the vec convention, verified.
    @Test(arguments: Fixtures.publicCorpus.filter(\.expectsIndexForm).map(\.id))
    func indexFormCasesHaveAKroneckerForm(id: String) throws {
        let outcome = CorpusRunner.run(Fixtures.publicCase(id))
        let matrix = try #require(outcome.derivative?.matrix, "\(id) has no matrix form")
        #expect(outcome.derivative?.matrixShape?.hasProductAxis == true, "\(id): \(matrix)")
        #expect(outcome.verification?.verdict == .passed)
    }

    /// The compactness table over both public corpora: where the expected derivative is a
    /// matrix expression, Ricci's result has no more operator nodes and costs no more flops
    /// (`ricci corpus` reports both as `nodes`/`nodes_expected`, `flops`/`flops_expected`).
    @Test(arguments: (Fixtures.publicCorpus + Fixtures.secondCorpus).filter { !$0.expectsIndexForm }.map(\.id))
    func resultIsNoLargerAndNoCostlierThanTheStatedAnswer(id: String) throws {
        let outcome = CorpusRunner.run(Fixtures.anyCase(id))
        let (nodes, expectedNodes) = (try #require(outcome.nodes), try #require(outcome.expectedNodes))
        let (flops, expectedFlops) = (try #require(outcome.flops), try #require(outcome.expectedFlops))
        #expect(nodes <= expectedNodes && flops <= expectedFlops * (1 + 1e-9),
                "\(id): \(outcome.derivative?.plain ?? "") has \(nodes) nodes and \(flops) flops, the stated form \(expectedNodes) and \(expectedFlops)")
    }

    /// A gradient costs at most three times the function (flops, shared parts once).
    @Test(arguments: (Fixtures.publicCorpus + Fixtures.secondCorpus).filter { $0.kind == .gradient }.map(\.id))
    func gradientIsCheap(id: String) throws {
        let outcome = CorpusRunner.run(Fixtures.anyCase(id))
        let flops = try #require(outcome.flops)
        let functionFlops = try #require(outcome.functionFlops)
        #expect(flops <= 3 * max(functionFlops, 1), "\(id): \(flops) flops against \(functionFlops)")
    }

    @Test func corpusCommandPassesThePublicCorpus() {
        let result = CommandLineTool.run(["corpus", Fixtures.publicCorpusPath])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 65)
        #expect(lines.last == "64 passed, 0 failed")
        #expect(lines.first?.hasPrefix("{\"id\": \"sympy_by_scalar_trace_t2X\", \"plain\": \"2*t*tr(X)\"") == true)
    }

    @Test func corpusCommandFailsAWrongExpectation() throws {
        let wrong = """
            {"cases": [{"id": "wrong", "kind": "gradient", "vars": {"x": ["n"], "A": ["n", "n"]},
                        "expr": "x'*A*x", "wrt": "x", "expected": "2*A*x"}]}
            """
        let path = NSTemporaryDirectory() + "/ricci-wrong-corpus.json"
        try wrong.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = CommandLineTool.run(["corpus", path])
        #expect(result.status == 3)
        #expect(result.output.contains("differs from the expected one"))
        #expect(result.output.hasSuffix("0 passed, 1 failed\n"))
        #expect(CommandLineTool.run(["corpus", "/nonexistent/corpus.json"]).status == 2)
    }

    /// A malformed corpus file is bad input (exit 2) with the file, line and column of the problem.
    @Test(arguments: [
        ("\u{FEFF}{\"cases\": []}", "1:1: the file starts with a byte-order mark"),
        ("""
            {"cases": [
             {"id": "a", "kind": "gradient", "vars": {"x": ["n"]}, "expr": "x'*x", "wrt": "x", "expected": "2*x"},
             {"id": "a", "kind": "gradient", "vars": {"x": ["n"]}, "expr": "x'*x", "wrt": "x", "expected": "2*x"}
            ]}
            """, "3:2: case #2 has the id \"a\" of an earlier case (line 2, column 2)"),
        ("""
            {"cases": [
             {"id": "b", "kind": "gradient", "vars": {"x": ["n"]}, "wrt": "x", "expected": "2*x"}
            ]}
            """, "2:2: case b has no \"expr\""),
        ("{\"cases\": [{\"id\": \"a\", \"kind\": \"gradient\", \"kind\": \"x\"}]}", "1:44: the key \"kind\" appears twice"),
        ("{\"cases\": [{\"id\": \"c\", \"kind\": \"gradient\", \"vars\": {\"x\": [\"n\"]}, \"expr\": \"x\", \"wrt\": 3, \"expected\": \"1\"}]}",
         "case c: \"wrt\" must be a string"),
        ("{\"cases\": [3]}", "1:12: case #1 is not an object"),
        ("{\"cases\": [{\"id\": \"d\",}]}", "1:23: expected a key in double quotes, found '}'"),
        ("{\"cases\": [", "1:12: expected a value, found the end of the file"),
    ])
    func malformedCorpusFilesPointAtTheProblem(text: String, message: String) throws {
        let path = NSTemporaryDirectory() + "/ricci-malformed-\(abs(message.hashValue)).json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = CommandLineTool.run(["corpus", path])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error.hasPrefix("error: \(path):"), "\(result.error)")
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func invalidUTF8InACorpusIsBadInput() throws {
        let path = NSTemporaryDirectory() + "/ricci-invalid-utf8.json"
        try Data([UInt8]("{\"cases\": [{\"id\": \"".utf8) + [0xFF] + [UInt8]("\"}]}".utf8)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = CommandLineTool.run(["corpus", path])
        #expect(result.status == 2)
        #expect(result.error.contains("not valid UTF-8"))
    }
}
