// Running corpus cases: derivative, timing, verification and comparison with `expected`.

/// The result of one corpus case.
public struct CorpusOutcome: Sendable {
    /// The case.
    public let corpusCase: CorpusCase
    /// Ricci's derivative, unless it failed.
    public let derivative: Derivative?
    /// Microseconds for parse, differentiation, simplification and lifting.
    public let micros: Double
    /// Ricci's own verification of the derivative.
    public let verification: Verification?
    /// Why the case failed, or `nil`.
    public let error: String?
    /// Operator nodes of the plain result.
    public let nodes: Int?
    /// Flops of the result and of the function (every dimension 100, shared parts once).
    public let flops: Double?
    public let functionFlops: Double?
    /// Operator nodes and flops of the case's expected answer (when it is a matrix
    /// expression), the yardstick of compactness: Ricci's result should be no larger.
    public var expectedNodes: Int? = nil
    public var expectedFlops: Double? = nil

    /// True when the derivative was taken, verified (or verification skipped) and equals the
    /// expected one numerically.
    public var passed: Bool { error == nil }

    /// The JSON line of `ricci corpus`.
    public var json: JSONValue {
        .object([
            ("id", .string(corpusCase.id)),
            ("plain", .string(derivative?.plain)),
            ("index", .string(derivative.map { IndexPrinter.print($0.index) })),
            ("shape", derivative.map { DiffCommand.shapeJSON($0.shape) } ?? .null),
            ("micros", .double((micros * 10).rounded() / 10)),
            ("verified", .string(verification?.verdict.rawValue)),
            ("error", .string(error)),
            ("nodes", nodes.map { .int($0) } ?? .null),
            ("flops", flops.map { .double($0) } ?? .null),
            ("flops_function", functionFlops.map { .double($0) } ?? .null),
            ("nodes_expected", expectedNodes.map { .int($0) } ?? .null),
            ("flops_expected", expectedFlops.map { .double($0) } ?? .null),
        ])
    }
}

/// Runs corpus cases.
public enum CorpusRunner {
    /// Differentiates the case (timed), verifies the result, and compares it with the case's
    /// `expected` (and, for a Hessian, `gradient`) at three random test points that follow the
    /// case's hints, within a relative error of 1e-6.
    public static func run(_ corpusCase: CorpusCase) -> CorpusOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let derivative: Derivative
        let checked: CheckedExpression
        do {
            checked = try CheckedExpression(parsing: corpusCase.expression, declarations: corpusCase.declarations)
            // A `hessian` case by one variable is the Hessian; any other list of variables is a
            // derivative by each in turn.
            let variables = corpusCase.kind == .hessian && corpusCase.variables.count == 1
                ? [corpusCase.variable, corpusCase.variable] : corpusCase.variables
            derivative = try Ricci.derivative(of: checked, withRespectTo: variables)
        } catch {
            let micros = microseconds(clock.now - start)
            return CorpusOutcome(corpusCase: corpusCase, derivative: nil, micros: micros, verification: nil,
                                 error: "\(error)", nodes: nil, flops: nil, functionFlops: nil)
        }
        let micros = microseconds(clock.now - start)
        let verification = derivative.verify(VerificationOptions(
            positive: corpusCase.positive, unit: corpusCase.unit, increasing: corpusCase.increasing))
        var error: String?
        if verification.verdict == .failed {
            error = "verification failed: \(verification.detail)"
        } else {
            do {
                try compare(derivative, with: corpusCase, environment: checked.environment)
            } catch let mismatch {
                error = "\(mismatch)"
            }
        }
        var outcome = CorpusOutcome(
            corpusCase: corpusCase, derivative: derivative, micros: micros, verification: verification, error: error,
            nodes: derivative.matrix?.operatorCount,
            flops: derivative.matrix?.flops(in: checked.environment),
            functionFlops: checked.expression.flops(in: checked.environment))
        if !corpusCase.expectsIndexForm,
            let expected = try? CheckedExpression(parsing: corpusCase.expected, declarations: corpusCase.declarations)
        {
            outcome.expectedNodes = expected.expression.operatorCount
            outcome.expectedFlops = expected.expression.flops(in: expected.environment)
        }
        return outcome
    }

    private static func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }

    /// Throws a ``CorpusError`` unless the derivative equals the case's expected one numerically.
    static func compare(_ derivative: Derivative, with corpusCase: CorpusCase, environment: Environment) throws {
        try compare(
            derivative, expected: corpusCase.expected, inIndexForm: corpusCase.expectsIndexForm,
            expectedGradient: corpusCase.expectedGradient, declarations: corpusCase.declarations,
            positive: corpusCase.positive, unit: corpusCase.unit, increasing: corpusCase.increasing,
            environment: environment)
    }

    /// Throws a ``CorpusError`` unless the derivative equals `expected` (an expression of the
    /// language, or index notation) numerically at three random test points.
    static func compare(
        _ derivative: Derivative, expected: String, inIndexForm: Bool, expectedGradient: String?,
        declarations: Declarations, positive: Set<String>, unit: Set<String> = [], increasing: [String],
        environment: Environment
    ) throws {
        let functionAxes = (try environment.shape(of: derivative.function)).indexRanges
        // The function's axes, then each variable's (a Hessian's function is a scalar).
        let expectedAxes = functionAxes
            + derivative.variables.flatMap { environment.variables[$0]?.shape.indexRanges ?? [] }
        // The expected form may name sizes of its own (`alpha*I(k)` by alpha expects `I(k)`).
        let expectedExpression = inIndexForm ? nil : try CheckedExpression(parsing: expected, declarations: declarations)
        var named = Set<String>()
        func addNames(_ dimension: Dimension) {
            for case .named(let name) in dimension.components { named.insert(name) }
        }
        for variable in environment.variables.values {
            addNames(variable.shape.rows)
            addNames(variable.shape.columns)
        }
        for expression in [derivative.function, expectedExpression?.expression].compactMap({ $0 }) {
            expression.writtenDimensions.forEach(addNames)
        }
        let dimensions = named.sorted()
        var generator = SeededGenerator(seed: 20_260_101)
        var checkedPoints = 0
        for _ in 0..<30 where checkedPoints < 3 {
            let sizes = TestPoint.drawSizes(for: dimensions, increasing: increasing, using: &generator)
            let values = try TestPoint.drawValues(
                for: environment, sizes: sizes, positive: positive, unit: unit, using: &generator)
            let evaluator = Evaluator(sizes: sizes, values: values)
            guard let function = try? evaluator.evaluate(derivative.function), function.isFinite else { continue }
            let expectedValue = inIndexForm
                ? try IndexNotation(parsing: expected, environment: environment, freeRanges: expectedAxes)
                    .evaluate(with: evaluator)
                : try evaluator.evaluate(expectedExpression!.expression).squeezed()
            guard expectedValue.isFinite else { continue }
            // Index notation is compared with index notation; a matrix form (a vec-convention
            // one included) with the expected expression.
            let matrix = inIndexForm ? nil : derivative.matrix
            let mine = try matrix.map { try evaluator.evaluate($0).squeezed() }
                ?? derivative.index.evaluate(with: evaluator)
            try check(mine, against: expectedValue, what: "the derivative")
            if let gradient = expectedGradient, let mineGradient = derivative.gradient {
                let gradientValue = try evaluator.evaluate(
                    CheckedExpression(parsing: gradient, declarations: declarations).expression)
                try check(evaluator.evaluate(mineGradient), against: gradientValue, what: "the gradient")
            }
            checkedPoints += 1
        }
        guard checkedPoints > 0 else {
            throw CorpusError(message: "no test point where the function and the expected derivative are finite")
        }
    }

    private static func check(_ mine: Tensor, against expected: Tensor, what: String) throws {
        guard mine.squeezed().shape == expected.squeezed().shape else {
            throw CorpusError(message: "\(what) has shape \(mine.squeezed().shape), expected \(expected.squeezed().shape)")
        }
        let distance = mine.squeezed().relativeDistance(to: expected.squeezed())
        guard distance <= 1e-6 else {
            throw CorpusError(message: "\(what) differs from the expected one: relative error \(distance)")
        }
    }
}
