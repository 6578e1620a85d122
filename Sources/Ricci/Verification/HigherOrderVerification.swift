// Verification of a derivative by several variables in turn, or of order three and more.

extension Verifier {
    /// One test point of a ``Derivative/Kind/higherOrder`` derivative: the index form (and the
    /// matrix form, for a second derivative of a scalar) against the element-wise expansion
    /// differentiated by each variable in turn, and against central differences, by the last
    /// variable, of the derivative of one order less (its index form, evaluated).
    func examineHigherOrder(_ evaluator: Evaluator, function: Tensor, at location: String) throws -> Examination {
        guard let lower = derivative.lower, let last = derivative.variables.last else {
            throw Decided(verification: .failed("a derivative of higher order without its lower derivative \(location)"))
        }
        let variableValues = try derivative.variables.map { try evaluator.evaluate(.variable($0)) }
        let axes = function.axes + variableValues.flatMap(\.axes)
        guard let lastValue = variableValues.last, lastValue.count <= Verifier.maximumVariableEntries else {
            throw Decided(verification: .skipped(
                "\(last) has too many entries; verification is limited to \(Verifier.maximumVariableEntries)"))
        }
        if let kink = try kinkCrossed(by: [derivative.function], at: evaluator, moving: last) {
            return .rejected("the finite-difference step crosses a kink of \(PlainPrinter.print(kink))")
        }
        let lowerAxes = Array(axes.dropLast(lastValue.axes.count))
        let differences: Tensor
        do {
            differences = try Verifier.differences(of: lower, by: last, at: evaluator, lowerAxes: lowerAxes)
            let doubled = try Verifier.differences(
                of: lower, by: last, at: evaluator, lowerAxes: lowerAxes, step: 2 * FiniteDifferences.relativeStep)
            guard differences.isFinite else { return .rejected("the differences of the lower derivative are not finite") }
            if (doubled - differences).frobeniusNorm > 1e-4 * max(differences.frobeniusNorm, 1e-8 * max(1, function.frobeniusNorm)) {
                return .rejected("central differences of the lower derivative at two step sizes disagree")
            }
        } catch {
            throw Decided(verification: .failed(
                "the derivative of lower order cannot be evaluated \(location): \(Verifier.message(error))"))
        }
        let lowerScale = max((try? lower.evaluate(with: evaluator).frobeniusNorm) ?? 0, function.frobeniusNorm)

        var notes: [String] = []
        var reference: Tensor?
        switch higherOrderReference(at: evaluator, function: function, axes: axes) {
        case .success(let value): reference = value
        case .failure(let reason): notes.append(Verifier.expansionLeftOut + reason.text)
        }
        if let reference, !reference.isFinite { return .rejected("the element-wise derivative is not finite") }

        var comparisons = Comparisons(location: location)
        if let matrix = derivative.matrix, let shape = derivative.matrixShape {
            let value = try higherOrderMatrixValue(matrix, shape: shape, at: evaluator, axes: axes, location)
            comparisons.compare("matrix form", value, reference: reference, differences: differences,
                                functionScale: lowerScale)
        }
        let index = try evaluateIndex(at: evaluator, axes: axes, location)
        comparisons.compare("index form", index, reference: reference, differences: differences, functionScale: lowerScale)
        if let failure = comparisons.failure {
            throw Decided(verification: Verification(verdict: .failed, maximumRelativeError: comparisons.worst, detail: failure))
        }
        if comparisons.differenceError > Verifier.finiteDifferenceTolerance {
            notes.append("central differences inaccurate: up to \(Verifier.format(comparisons.differenceError)) "
                         + "from the exact derivative, and allowed for")
        }
        return .checked(worst: comparisons.worst, notes: notes)
    }

    /// The matrix form of a second derivative of a scalar, arranged with one axis per index:
    /// as a plain matrix when both steps have at most one index, else from the vec convention.
    private func higherOrderMatrixValue(_ matrix: MatrixExpr, shape: Shape, at evaluator: Evaluator, axes: [Int],
                                        _ location: String) throws -> Tensor {
        let first = try evaluator.evaluate(.variable(derivative.variables[0])).axes
        let second = try evaluator.evaluate(.variable(derivative.variables[1])).axes
        let total = axes.reduce(1, *)
        if first.count == 2 && second.count >= 1 || second.count == 2 && first.count >= 1 {
            let rows = first.reduce(1, *)
            let vec = try evaluate(matrix, "matrix form", at: evaluator, as: [rows, total / rows], axes: [rows, total / rows],
                                   location)
            return Verifier.unvec(vec, function: first, variable: second)
        }
        let value: Tensor
        do {
            value = try evaluator.evaluate(matrix)
        } catch {
            throw Decided(verification: .failed("the matrix form cannot be evaluated \(location): \(Verifier.message(error))"))
        }
        guard value.count == total else {
            throw Decided(verification: .failed(
                "the matrix form is \(EvaluationError.format(value.shape)), expected \(total) entries \(location)"))
        }
        guard value.isFinite else {
            throw Decided(verification: .failed("the matrix form is not finite \(location), where the function is"))
        }
        return value.reshaped(axes)
    }

    /// `(L(x + h e_k) − L(x − h e_k)) / 2h` for every entry `k` of `variable`, `L` the index
    /// form `lower` (whose axes are `lowerAxes`): axes `lowerAxes` then the variable's.
    static func differences(of lower: IndexNotation, by variable: String, at evaluator: Evaluator, lowerAxes: [Int],
                            step: Double = FiniteDifferences.relativeStep) throws -> Tensor {
        try FiniteDifferences.centralDifferences(by: variable, at: evaluator, valueAxes: lowerAxes, step: step) {
            try lower.evaluate(with: $0)
        }
    }

    /// Why the element-wise reference was left out.
    struct HigherOrderReferenceUnavailable: Error {
        let text: String
    }

    /// The function expanded into scalar entries, differentiated by each variable's symbols in
    /// turn: axes the function's, then each variable's.
    private func higherOrderReference(at evaluator: Evaluator, function: Tensor, axes: [Int])
        -> Result<Tensor, HigherOrderReferenceUnavailable>
    {
        let names = derivative.variables
        let graph = ScalarGraph(nodeBudget: nodeBudget)
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: Set(names))
        do {
            let f = try expansion.expand(derivative.function)
            guard f.shape == function.shape else {
                return .failure(HigherOrderReferenceUnavailable(text: "the expansion has another shape than the function"))
            }
            let values = expansion.symbolValues()
            var entries = f.entries
            for name in names {
                let x = try evaluator.evaluate(.variable(name))
                guard x.count <= Verifier.maximumSymbols, entries.count * x.count <= 4 * Verifier.maximumVariableEntries * 16 else {
                    return .failure(HigherOrderReferenceUnavailable(text: "the derivative has too many entries to expand"))
                }
                let symbols = (0..<x.rows).flatMap { i in
                    (0..<x.columns).map { j in ScalarSymbol(variable: name, row: i, column: j) }
                }
                var next = [ScalarID](repeating: graph.zero, count: entries.count * symbols.count)
                for (k, derivatives) in try graph.derivatives(of: entries, withRespectTo: symbols).enumerated() {
                    for (i, entry) in derivatives.enumerated() { next[i * symbols.count + k] = entry }
                }
                entries = next
            }
            return .success(Tensor(shape: axes, scalars: graph.values(of: entries, at: values)))
        } catch let budget as ScalarBudgetExceeded {
            return .failure(HigherOrderReferenceUnavailable(text: "\(budget.stage) would exceed \(budget.budget) scalar nodes"))
        } catch {
            return .failure(HigherOrderReferenceUnavailable(text: Verifier.message(error)))
        }
    }
}
