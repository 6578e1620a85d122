// Verification of a derivative against the element-wise expansion and central finite differences.

import Foundation

/// The verdict on a derivative: checked at random test points against the seeds' method (the
/// element-wise expansion, differentiated entry by entry) and against central finite
/// differences.
public struct Verification: Sendable, Hashable {
    /// Passed, failed, or skipped (no test point where the check is meaningful).
    public enum Verdict: String, Sendable {
        /// Every form of the derivative matched both references at every test point.
        case passed
        /// A form of the derivative differs from a reference, has the wrong shape, cannot be
        /// evaluated, or is not finite where the function and its derivative are.
        case failed
        /// Nothing could be checked: the function is undefined, not finite or too badly
        /// conditioned at every test point drawn, or cannot be evaluated at all.
        case skipped
    }

    /// The verdict.
    public let verdict: Verdict
    /// The worst relative error over every comparison made: 0 when skipped, infinity when a
    /// form failed without a comparison (a wrong shape, a value that is not finite or cannot
    /// be evaluated).
    public let maximumRelativeError: Double
    /// One line: what was checked, or why it was skipped, or what failed and by how much.
    public let detail: String
}

/// Hints for drawing test points, as in the corpus format (`domain`, `size_order`), and the
/// number and seed of the draws.
public struct VerificationOptions: Sendable {
    /// Variables drawn with entries uniform in `[0.5, 1.5]` (the corpus's
    /// `domain: positive`), for `log`, `sqrt` and fractional powers. Names that are not
    /// variables of the problem are ignored.
    public var positive: Set<String> = []
    /// Variables drawn with entries uniform in `[−0.7, 0.7]` (the corpus's `domain: unit`),
    /// for `asin` and `acos`.
    public var unit: Set<String> = []
    /// Dimensions whose sizes increase strictly in this order (the corpus's `size_order`),
    /// for expressions such as `inv(X'*X)` that need `X` to have more rows than columns.
    public var increasing: [String] = []
    /// The number of independent test points (sizes and values drawn anew for each).
    public var trials = 2
    /// The seed of the test points: the same seed gives the same points on every platform.
    public var seed: UInt64 = 1

    /// Options with these hints, trials and seed.
    public init(
        positive: Set<String> = [], unit: Set<String> = [], increasing: [String] = [], trials: Int = 2, seed: UInt64 = 1
    ) {
        self.positive = positive
        self.unit = unit
        self.increasing = increasing
        self.trials = trials
        self.seed = seed
    }
}

extension Derivative {
    /// Checks this derivative numerically, the seeds' way and the finite-difference way.
    ///
    /// At each of `options.trials` random test points (distinct sizes 2–4 for the dimension
    /// symbols, values that respect declared properties and the hints):
    ///
    /// 1. the **reference**: the function expanded into scalar entries with the variable's
    ///    entries as independent symbols (also for a symmetric variable, the corpus
    ///    convention), each entry differentiated symbolically, `J[f…, x…] = ∂f[f…]/∂x[x…]`,
    ///    and for a Hessian differentiated twice;
    /// 2. **central differences** `(f(x + h) − f(x − h)) / 2h` of the function (for a Hessian,
    ///    of the derivative's ``gradient``, and of the function to check that gradient);
    /// 3. **Ricci's forms**: ``matrix`` evaluated and laid out as the reference (a gradient
    ///    shaped like the variable, a Jacobian by a scalar shaped like `f`, a vector-by-vector
    ///    Jacobian or a Hessian `n×n`) and ``index`` evaluated with one axis per free index.
    ///
    /// Each form must match the reference within `1e-8` and the differences within `1e-5`
    /// (the corpus's tolerance), relative in the Frobenius norm; where the reference shows
    /// the differences themselves off by `e` (cancellation inside the function), the second
    /// tolerance is `1e-5 + 2e` and the detail says so. A Hessian by a symmetric (diagonal)
    /// matrix is compared along symmetric (diagonal) directions only: its gradient is
    /// determined only on such matrices.
    ///
    /// A test point is used only where the function, the reference and the differences are
    /// finite and every matrix that the function inverts or takes a determinant of has
    /// `‖A‖_F‖A⁻¹‖_F < 1e6`; otherwise another is drawn, after six draws with every variable
    /// without a property positive, and after twelve the verdict is `skipped`. The work is
    /// bounded: the expansion is left out (the detail says why, and the differences still
    /// decide) beyond 200 000 scalar nodes or 64 entries of the variable, and problems with
    /// literal sizes above 64 or more than 400 entries in the variable are skipped.
    ///
    /// Never traps: every failure to evaluate is a `failed` (Ricci's forms) or `skipped`
    /// (the function) verdict with the reason, and the detail of a failure names the form,
    /// the check, the error, the sizes and the seed.
    public func verify(_ options: VerificationOptions = VerificationOptions()) -> Verification {
        Verifier(derivative: self, options: options).run()
    }
}

/// The checks behind ``Derivative/verify(_:)``.
struct Verifier {
    /// Ricci's forms against the symbolic reference: both are exact up to rounding, which
    /// cancellation (the `diag(s) − s sᵀ` of a softmax near a corner, whose small entries are
    /// differences of numbers near 1) can raise to about `1e-6` relative; a wrong form is off
    /// by far more.
    static let referenceTolerance = 1e-5
    /// Ricci's forms against central differences: the corpus checker's tolerance.
    static let finiteDifferenceTolerance = 1e-5
    /// Central differences carry the rounding of the values they are computed from, about
    /// `1e-16·M / 1e-6` for values of magnitude `M` at a relative step of `1e-6`: a
    /// disagreement below `1e-9·M`, where the derivative itself is a millionth of `M` or
    /// less (the function or the result cancels), is that noise.
    static let roundingAllowance = 1e-9
    /// The largest size a dimension symbol gets when there are at most three of them:
    /// cofactor expansions and the number of symbols grow fast with the size.
    static let maximumSize = 4
    /// The largest literal size (`A:10,10`) verified: the work grows with the fourth power
    /// of the sizes (an order-4 index form), so larger problems are skipped, not run for
    /// minutes.
    static let maximumLiteralSize = 64
    /// The most entries the variable may have: finite differences evaluate the function
    /// twice per entry.
    static let maximumVariableEntries = 400
    /// The most entries the variable may have for the element-wise expansion: each is a
    /// symbol differentiated over the whole expansion (twice for a Hessian).
    static let maximumSymbols = 64
    /// Test points drawn per trial before giving up.
    static let attempts = 12
    /// Draws after which every variable without a property is drawn positive.
    static let positiveAfter = 6
    /// Draws after which every variable without a property is drawn in `[−0.7, 0.7]`.
    static let unitAfter = 9
    /// The largest accepted `‖A‖_F‖A⁻¹‖_F` of a matrix that is inverted or has a
    /// determinant taken: beyond it finite differences lose their accuracy.
    static let maximumCondition = 1e6
    /// The node budget of the element-wise expansion and its derivatives: a few thousand
    /// nodes is typical at sizes 2–4, and 200 000 take well under a second.
    static let defaultNodeBudget = 200_000
    /// The largest relative distance between the expansion's value of the function and the
    /// evaluator's at which the expansion is trusted as the reference. They compute the same
    /// numbers in different orders (an inverse by the adjugate and by elimination), which
    /// differ by about the condition number times `ε`, at most `1e6 · 2e-16` here.
    static let expansionConsistency = 1e-6
    /// How a detail says that the reference was not computed.
    static let expansionLeftOut = "element-wise expansion left out: "

    let derivative: Derivative
    let options: VerificationOptions
    /// The node budget of the element-wise expansion at one test point.
    var nodeBudget = Verifier.defaultNodeBudget

    /// The result of examining one test point.
    enum Examination {
        /// The point is unsuitable (a value not finite, a matrix ill-conditioned): draw again.
        case rejected(String)
        /// Every comparison passed; the worst error, and what the detail should add (the
        /// expansion left out and why, a restricted comparison).
        case checked(worst: Double, notes: [String])
        /// The verdict is decided (a form failed, or the function cannot be evaluated).
        case decided(Verification)
    }

    func run() -> Verification {
        let environment = derivative.environment
        guard environment.variables[derivative.variable] != nil else {
            return .skipped("the variable \(derivative.variable) is not in the problem")
        }
        guard options.trials > 0 else { return .skipped("no test points were requested") }
        let (dimensions, largestLiteral) = self.dimensions()
        guard largestLiteral <= Verifier.maximumLiteralSize else {
            return .skipped("a dimension has the size \(largestLiteral); verification is limited to sizes up to \(Verifier.maximumLiteralSize)")
        }
        // A hint about a variable that is not in the problem does not change the problem.
        let hinted = options.positive.filter { environment.variables[$0] != nil }
        let hintedUnit = options.unit.filter { environment.variables[$0] != nil }
        let unconstrained = Set(environment.variables.values.filter { $0.property == nil }.map(\.name))

        var generator = SeededGenerator(seed: options.seed)
        var worst = 0.0
        var checkedSizes: [String] = []
        var notes: [String] = []
        trials: for trial in 0..<options.trials {
            var lastReason = "no test point was drawn"
            for attempt in 0..<Verifier.attempts {
                // The hints first; then every free variable positive (for logs and roots), then
                // every free variable in [−0.7, 0.7] (for asin and acos).
                let positive = attempt < Verifier.positiveAfter || attempt >= Verifier.unitAfter
                    ? hinted : hinted.union(unconstrained)
                let unit = attempt >= Verifier.unitAfter ? hintedUnit.union(unconstrained) : hintedUnit
                let sizes = Verifier.drawSizes(for: dimensions, increasing: options.increasing, using: &generator)
                let values: [String: Tensor]
                do {
                    values = try TestPoint.drawValues(for: environment, sizes: sizes, positive: positive, unit: unit,
                                                      using: &generator)
                } catch {
                    return .skipped("no test point can be drawn: \(Verifier.message(error))")
                }
                let evaluator = Evaluator(sizes: sizes, values: values)
                let location = "at sizes \(Verifier.describe(sizes)), trial \(trial + 1), seed \(options.seed)"
                switch examine(evaluator, at: location) {
                case .rejected(let reason):
                    lastReason = reason
                    continue
                case .decided(let verification):
                    return verification
                case .checked(let error, let pointNotes):
                    worst = max(worst, error)
                    checkedSizes.append(Verifier.describe(sizes))
                    // One note of each kind (the text before its colon): the numbers in it
                    // differ between points.
                    for note in pointNotes {
                        let kind = note.prefix { $0 != ":" }
                        if !notes.contains(where: { $0.prefix { $0 != ":" } == kind }) { notes.append(note) }
                    }
                    continue trials
                }
            }
            // A later trial draws from the same distributions; stop at the first that finds
            // no point, and pass on the points already checked if there are any.
            if checkedSizes.isEmpty {
                return .skipped("no usable test point in \(Verifier.attempts) draws: \(lastReason)")
            }
            notes.append("trial \(trial + 1) found no usable test point (\(lastReason))")
            break
        }

        var forms: [String] = []
        if derivative.kind == .hessian && derivative.gradient != nil { forms.append("gradient") }
        if derivative.matrix != nil { forms.append("matrix") }
        forms.append("index")
        let references = notes.contains { $0.hasPrefix(Verifier.expansionLeftOut) }
            ? "central differences" : "the element-wise expansion and central differences"
        let formList = forms.count == 1 ? forms[0]
            : forms.dropLast().joined(separator: ", ") + " and " + (forms.last ?? "")
        var detail = "\(formList) \(forms.count == 1 ? "form matches" : "forms match") "
            + "\(references) at \(checkedSizes.count) test \(checkedSizes.count == 1 ? "point" : "points") "
            + "(sizes \(checkedSizes.joined(separator: "; ")))"
        if !notes.isEmpty { detail += "; " + notes.joined(separator: "; ") }
        return Verification(verdict: .passed, maximumRelativeError: worst, detail: detail)
    }

    // MARK: - One test point

    /// The reference derivatives at a point: the first derivative (`J`, or the gradient of a
    /// Hessian) and, for a Hessian, the second.
    private struct Reference {
        var first: Tensor
        var second: Tensor?
    }

    /// Thrown inside ``examine(_:at:)`` when the verdict is decided at this point.
    struct Decided: Error {
        let verification: Verification
    }

    private func examine(_ evaluator: Evaluator, at location: String) -> Examination {
        do {
            return try examineOrDecide(evaluator, at: location)
        } catch let decided as Decided {
            return .decided(decided.verification)
        } catch {
            return .decided(.skipped(Verifier.message(error)))
        }
    }

    private func examineOrDecide(_ evaluator: Evaluator, at location: String) throws -> Examination {
        let name = derivative.variable
        // The function: it must evaluate (else nothing can be checked) and be finite here.
        let function: Tensor
        let x: Tensor
        do {
            function = try evaluator.evaluate(derivative.function)
            x = try evaluator.evaluate(.variable(name))
        } catch {
            throw Decided(verification: .skipped("the function cannot be evaluated: \(Verifier.message(error))"))
        }
        guard x.count <= Verifier.maximumVariableEntries else {
            throw Decided(verification: .skipped(
                "\(name) has \(x.count) entries; verification is limited to \(Verifier.maximumVariableEntries)"))
        }
        guard function.isFinite else { return .rejected("the function is not finite") }
        if let reason = conditioningProblem(at: evaluator) { return .rejected(reason) }
        if let reason = degenerateValue(at: evaluator) { return .rejected(reason) }
        if derivative.kind == .hessian && !function.isScalarValue {
            throw Decided(verification: .failed(
                "a Hessian of a function that is not a scalar (\(EvaluationError.format(function.shape))) \(location)"))
        }

        // Central differences are meaningless across a kink (of abs, relu, sign, step, max,
        // min, norm1): a point whose steps cross one is not used.
        if let kink = try kinkCrossed(by: [derivative.function] + (derivative.gradient.map { [$0] } ?? []), at: evaluator) {
            return .rejected("the finite-difference step crosses a kink of \(PlainPrinter.print(kink))")
        }

        if derivative.kind == .higherOrder { return try examineHigherOrder(evaluator, function: function, at: location) }

        // Central differences of the function: the first derivative.
        let differences: Tensor
        do {
            differences = try FiniteDifferences.jacobian(of: derivative.function, withRespectTo: name, at: evaluator)
        } catch {
            throw Decided(verification: .skipped(
                "the function cannot be differentiated numerically: \(Verifier.message(error))"))
        }
        guard differences.isFinite else { return .rejected("the finite differences of the function are not finite") }
        // Differences at twice the step must agree: where they do not, the function is too
        // ill-conditioned here (a huge argument of a cosine) for differences to decide.
        if let doubled = try? FiniteDifferences.jacobian(
            of: derivative.function, withRespectTo: name, at: evaluator, step: 2 * FiniteDifferences.relativeStep),
            (doubled - differences).frobeniusNorm > 1e-3 * max(differences.frobeniusNorm, 1e-8 * max(1, function.frobeniusNorm))
        {
            return .rejected("central differences at two step sizes disagree")
        }

        // The reference, unless it would be too large.
        var reference: Reference?
        var notes: [String] = []
        switch symbolicReference(at: evaluator, function: function, variable: x) {
        case .success(let value): reference = value
        case .failure(let unavailable): notes.append(Verifier.expansionLeftOut + unavailable.reason)
        }
        if let reference, !(reference.first.isFinite && (reference.second?.isFinite ?? true)) {
            return .rejected("the element-wise derivative is not finite")
        }

        var comparisons = Comparisons(location: location)
        let firstAxes = function.axes + x.axes
        let secondAxes = x.axes + x.axes
        switch derivative.kind {
        case .higherOrder:
            // Examined before the first differences (examineHigherOrder).
            throw Decided(verification: .failed("a derivative of higher order examined as one of order one \(location)"))
        case .gradient, .jacobian:
            if let matrix = derivative.matrix {
                let value: Tensor
                if let layout = Verifier.matrixLayout(function: function, variable: x) {
                    value = try evaluate(matrix, "matrix form", at: evaluator, as: layout, axes: firstAxes, location)
                } else {
                    // The vec convention: ∂vec(R)/∂vec(X)ᵀ, entries rearranged to R's axes then X's.
                    let vec = try evaluate(matrix, "matrix form", at: evaluator, as: [function.count, x.count],
                                           axes: [function.count, x.count], location)
                    value = Verifier.unvec(vec, function: function.axes, variable: x.axes)
                }
                comparisons.compare("matrix form", value, reference: reference?.first, differences: differences,
                                    functionScale: function.frobeniusNorm)
            }
            let value = try evaluateIndex(at: evaluator, axes: firstAxes, location)
            comparisons.compare("index form", value, reference: reference?.first, differences: differences,
                                functionScale: function.frobeniusNorm)
        case .hessian:
            // The gradient against the first derivative, then the Hessian against the second
            // derivative and against the differences of the gradient.
            var secondDifferences: Tensor?
            var gradientScale = 0.0
            if let gradient = derivative.gradient {
                let value = try evaluate(gradient, "gradient", at: evaluator, as: x.shape, axes: x.axes, location)
                // The gradient may cancel to nearly nothing (a function constant along the
                // variable), while its differences keep the rounding of its terms, which are
                // of the function's size: the floor of the comparison is the larger of the two.
                gradientScale = max(value.frobeniusNorm, function.frobeniusNorm)
                comparisons.compare("gradient", value, reference: reference?.first, differences: differences,
                                    functionScale: function.frobeniusNorm)
                do {
                    secondDifferences = try FiniteDifferences.jacobian(of: gradient, withRespectTo: name, at: evaluator)
                } catch {
                    throw Decided(verification: .failed(
                        "the gradient cannot be differentiated numerically \(location): \(Verifier.message(error))"))
                }
                if let secondDifferences, !secondDifferences.isFinite {
                    throw Decided(verification: .failed(
                        "the finite differences of the gradient are not finite \(location), where the function's are"))
                }
                // As for the function: differences of the gradient at twice the step must agree.
                if let secondDifferences, let doubled = try? FiniteDifferences.jacobian(
                    of: gradient, withRespectTo: name, at: evaluator, step: 2 * FiniteDifferences.relativeStep),
                    (doubled - secondDifferences).frobeniusNorm
                        > 1e-4 * max(secondDifferences.frobeniusNorm, 1e-8 * max(1, gradientScale))
                {
                    return .rejected("central differences of the gradient at two step sizes disagree")
                }
            }
            if reference == nil && secondDifferences == nil {
                throw Decided(verification: .skipped(
                    "the Hessian has no gradient to differentiate numerically, and \(notes.first ?? "no expansion")"))
            }
            // By a symmetric or diagonal matrix, the gradient is determined only on such
            // matrices (Ricci may simplify it with S' = S), so its derivative is compared
            // only along the directions that stay in that set.
            let property = x.axes.count == 2 ? derivative.environment.variables[name]?.property : nil
            if let property {
                let directions = property == .diagonal ? "diagonal" : "symmetric"
                notes.append("the Hessian by the \(property.rawValue) \(name) is compared along \(directions) directions")
            }
            let referenceSecond = reference?.second.map { Verifier.restricted($0, to: property) }
            secondDifferences = secondDifferences.map { Verifier.restricted($0, to: property) }
            if let matrix = derivative.matrix {
                let value: Tensor
                if x.axes.count <= 1 {
                    let n = x.axes.first ?? 1
                    value = try evaluate(matrix, "matrix form", at: evaluator, as: [n, n], axes: secondAxes, location)
                } else {
                    // By a matrix: the vec convention, ∂vec(G)/∂vec(X)ᵀ for the gradient G.
                    let vec = try evaluate(matrix, "matrix form", at: evaluator, as: [x.count, x.count],
                                           axes: [x.count, x.count], location)
                    value = Verifier.restricted(Verifier.unvec(vec, function: x.axes, variable: x.axes), to: property)
                }
                comparisons.compare("matrix form", value, reference: referenceSecond,
                                    differences: secondDifferences, functionScale: gradientScale)
            }
            let value = Verifier.restricted(try evaluateIndex(at: evaluator, axes: secondAxes, location), to: property)
            comparisons.compare("index form", value, reference: referenceSecond,
                                differences: secondDifferences, functionScale: gradientScale)
        }
        if let failure = comparisons.failure {
            // A disagreement with central differences alone, within the rounding of the
            // largest value computed on the way, says nothing: the function or the result
            // cancels there to its last digits (a softmax of equal entries, a constant that
            // is 0 only in exact arithmetic).
            if let (gap, size) = comparisons.differenceGap {
                let scale = intermediateScale(at: evaluator)
                if size <= 1e-6 * scale.largest, gap <= Verifier.roundingAllowance * scale.largest {
                    return .rejected("the function or its derivative cancels to rounding noise here: \(failure)")
                }
                if let imprecise = scale.impreciseArgument {
                    return .rejected("\(imprecise) is computed from values beyond 1e10 here, so its argument has no correct digits after the point: \(failure)")
                }
            }
            throw Decided(verification: Verification(verdict: .failed, maximumRelativeError: comparisons.worst,
                                                     detail: failure))
        }
        if comparisons.referenceUnreliable {
            return .rejected("the element-wise expansion loses its accuracy here (its terms cancel): it disagrees with central differences, which agree with the result")
        }
        if comparisons.differenceError > Verifier.finiteDifferenceTolerance {
            notes.append("central differences inaccurate: up to \(Verifier.format(comparisons.differenceError)) "
                         + "from the exact derivative, and allowed for")
        }
        return .checked(worst: comparisons.worst, notes: notes)
    }

    /// Ricci's matrix-notation value `expr`, which must be `rows × columns` = `layout` and
    /// finite, with its axes of size 1 dropped (`axes`, as the reference has them).
    func evaluate(_ expr: MatrixExpr, _ label: String, at evaluator: Evaluator, as layout: [Int],
                          axes: [Int], _ location: String) throws -> Tensor {
        let value: Tensor
        do {
            value = try evaluator.evaluate(expr)
        } catch {
            throw Decided(verification: .failed(
                "the \(label) cannot be evaluated \(location): \(Verifier.message(error))"))
        }
        guard value.shape == layout else {
            throw Decided(verification: .failed(
                "the \(label) is \(EvaluationError.format(value.shape)), expected \(EvaluationError.format(layout)) \(location)"))
        }
        guard value.isFinite else {
            throw Decided(verification: .failed(
                "the \(label) is not finite \(location), where the function and its derivative are"))
        }
        return value.reshaped(axes)
    }

    /// Ricci's index notation evaluated, which must have the axes `axes` and be finite.
    func evaluateIndex(at evaluator: Evaluator, axes: [Int], _ location: String) throws -> Tensor {
        var value: Tensor
        do {
            value = try derivative.index.evaluate(with: evaluator)
        } catch {
            throw Decided(verification: .failed(
                "the index form cannot be evaluated \(location): \(Verifier.message(error))"))
        }
        // An axis of size m·n (of kron or vec) has one index per factor, the outer running
        // slowest: the same entries in the same order, on more axes.
        if value.shape != axes && value.count == axes.reduce(1, *) && axes.count < value.shape.count {
            value = value.reshaped(axes)
        }
        guard value.shape == axes else {
            throw Decided(verification: .failed(
                "the index form has axes \(EvaluationError.format(value.shape)), expected \(EvaluationError.format(axes)) \(location)"))
        }
        guard value.isFinite else {
            throw Decided(verification: .failed(
                "the index form is not finite \(location), where the function and its derivative are"))
        }
        return value
    }

    /// The reference derivative by element-wise expansion and scalar differentiation, or why
    /// it was left out.
    ///
    /// The expansion's own value must match the evaluator's value of the function (within
    /// ``expansionConsistency``): then the reference is the exact derivative of the very
    /// function the finite differences and Ricci's forms are evaluated against.
    private func symbolicReference(at evaluator: Evaluator, function: Tensor,
                                   variable x: Tensor) -> Result<Reference, ReferenceUnavailable> {
        guard x.count <= Verifier.maximumSymbols else {
            return .failure(ReferenceUnavailable(
                "\(derivative.variable) has \(x.count) entries, more than the \(Verifier.maximumSymbols) symbols it allows"))
        }
        let graph = ScalarGraph(nodeBudget: nodeBudget)
        var expansion = ElementwiseExpansion(graph: graph, evaluator: evaluator, symbolic: [derivative.variable])
        do {
            let f = try expansion.expand(derivative.function)
            let values = expansion.symbolValues()
            guard f.shape == function.shape else {
                return .failure(ReferenceUnavailable(
                    "the expansion is \(EvaluationError.format(f.shape)), the function \(EvaluationError.format(function.shape))"))
            }
            let expanded = Tensor(shape: f.shape, scalars: graph.values(of: f.entries, at: values))
            let mismatch = expanded.relativeDistance(to: function)
            guard mismatch <= Verifier.expansionConsistency else {
                return .failure(ReferenceUnavailable(
                    "the expansion's value is \(Verifier.format(mismatch)) from the evaluator's"))
            }
            // The variable's entries, row-major, as the expansion names them.
            let symbols = (0..<x.rows).flatMap { i in
                (0..<x.columns).map { j in ScalarSymbol(variable: derivative.variable, row: i, column: j) }
            }
            let count = symbols.count
            // J[i·count + k] = ∂f_i/∂x_k
            var first = [ScalarID](repeating: graph.zero, count: f.entries.count * count)
            for (k, derivatives) in try graph.derivatives(of: f.entries, withRespectTo: symbols).enumerated() {
                for (i, entry) in derivatives.enumerated() { first[i * count + k] = entry }
            }
            let firstTensor = Tensor(shape: function.axes + x.axes, scalars: graph.values(of: first, at: values))
            guard derivative.kind == .hessian else { return .success(Reference(first: firstTensor)) }
            // H[k·count + l] = ∂²f/∂x_k∂x_l, the first derivative (f is a scalar) differentiated again.
            var second = [ScalarID](repeating: graph.zero, count: count * count)
            for (l, derivatives) in try graph.derivatives(of: first, withRespectTo: symbols).enumerated() {
                for (k, entry) in derivatives.enumerated() { second[k * count + l] = entry }
            }
            let secondTensor = Tensor(shape: x.axes + x.axes, scalars: graph.values(of: second, at: values))
            return .success(Reference(first: firstTensor, second: secondTensor))
        } catch let budget as ScalarBudgetExceeded {
            return .failure(ReferenceUnavailable("\(budget.stage) would exceed \(budget.budget) scalar nodes"))
        } catch {
            return .failure(ReferenceUnavailable(Verifier.message(error)))
        }
    }

    /// Why the symbolic reference is not available at a point.
    private struct ReferenceUnavailable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The part of a second derivative `H[i,j,p,q]` by a matrix with `property` that the
    /// function's values on such matrices determine: its derivative along symmetric
    /// directions `E` (`Σ_pq H[i,j,p,q] E[p,q]`), which is `H` averaged with itself over
    /// `p ↔ q`; along diagonal directions, `H` with every `p ≠ q` set to 0. `H` itself when
    /// there is no property. The last two axes of `tensor` are the variable's.
    static func restricted(_ tensor: Tensor, to property: MatrixProperty?) -> Tensor {
        guard let property, tensor.order >= 2 else { return tensor }
        let n = tensor.shape[tensor.order - 1]
        guard tensor.shape[tensor.order - 2] == n, n > 0 else { return tensor }
        var result = tensor
        for block in 0..<(tensor.count / (n * n)) {
            for p in 0..<n {
                for q in 0..<n {
                    let (pq, qp) = (block * n * n + p * n + q, block * n * n + q * n + p)
                    switch property {
                    case .symmetric, .spd: result.scalars[pq] = 0.5 * (tensor.scalars[pq] + tensor.scalars[qp])
                    case .diagonal: if p != q { result.scalars[pq] = 0 }
                    }
                }
            }
        }
        return result
    }

    // MARK: - Test points

    /// Why the point is unsuitable for a matrix that the function inverts or takes the
    /// determinant of, or nil when every such matrix is finite with
    /// `‖A‖_F‖A⁻¹‖_F < maximumCondition`. Only the function decides: a form of the
    /// derivative that inverts a matrix singular where the function's are not is wrong, and
    /// must fail rather than have every point rejected. Arguments that cannot be evaluated or
    /// are not square are left to the evaluation of the function, which reports them.
    private func conditioningProblem(at evaluator: Evaluator) -> String? {
        for (argument, isPseudoInverted) in invertedArguments() {
            guard var a = try? evaluator.evaluate(argument) else { continue }
            if isPseudoInverted {
                // pinv inverts the Gram matrix on the smaller side.
                a = a.rows >= a.columns ? a.transposed.matrixProduct(a) : a.matrixProduct(a.transposed)
            }
            guard a.rows == a.columns else { continue }
            guard a.isFinite else { return "a matrix whose inverse or determinant is taken is not finite" }
            let inverse = a.inverse()
            let condition = a.frobeniusNorm * inverse.frobeniusNorm
            guard inverse.isFinite, condition < Verifier.maximumCondition else {
                return "\(PlainPrinter.print(argument)) is ill-conditioned (‖A‖‖A⁻¹‖ ≈ \(Verifier.format(condition)))"
            }
        }
        return nil
    }

    /// Why the point is numerically degenerate for the function, or nil: a sub-expression
    /// whose value overflows towards infinity (beyond `1e100`), or one that a derivative
    /// divides by or takes a logarithm of (the argument of `log`, `sqrt`, `norm2`, of a
    /// fractional or negative power, a divisor, the base of a power by an expression) with an
    /// entry that is 0 or below `1e-100`: an underflow (`sigmoid(−800) = 0`), or a zero of a
    /// norm, where no derivative is defined. Forms of the derivative that are right lose
    /// their digits there in one evaluation order and not in another.
    private func degenerateValue(at evaluator: Evaluator) -> String? {
        // Each distinct sub-expression is evaluated once, from its children's values (a walk
        // that evaluated every sub-expression on its own would be quadratic on a long chain).
        var numbering = StructuralNumbering()
        var values: [Int: Tensor?] = [:]
        var checked: Set<[Int]> = []
        var problem: String?
        func walk(_ expr: MatrixExpr, divides: Bool) -> (number: Int, value: Tensor?) {
            let children = expr.children
            let dividing = Self.dividedChildren(of: expr)
            var numbers: [Int] = []
            var operands: [Tensor] = []
            var complete = true
            for (position, child) in children.enumerated() {
                let (number, value) = walk(child, divides: dividing[position])
                numbers.append(number)
                if let value { operands.append(value) } else { complete = false }
            }
            let number = numbering.number(expr, children: numbers).number
            let value: Tensor?
            if let known = values[number] {
                value = known
            } else {
                value = complete ? try? evaluator.evaluateNode(expr, operands) : nil
                values[number] = value
            }
            if problem == nil, let value, checked.insert([number, divides ? 1 : 0]).inserted {
                if value.scalars.contains(where: { Swift.abs($0) > 1e100 }) {
                    problem = "\(PlainPrinter.print(expr)) overflows (beyond 1e100)"
                } else if divides, value.scalars.contains(where: { Swift.abs($0) < 1e-100 }) {
                    problem = "\(PlainPrinter.print(expr)) is 0 where a derivative divides by it"
                }
            }
            return (number, value)
        }
        _ = walk(derivative.function, divides: false)
        return problem
    }

    /// For each child of `expr` (in order), whether a derivative of `expr` divides by it or
    /// takes its logarithm: the argument of `log`, `sqrt`, `norm2` and of a fractional or
    /// negative power, a divisor, the base of a power by an expression.
    private static func dividedChildren(of expr: MatrixExpr) -> [Bool] {
        switch expr {
        case .apply(.elementwise(.log), _), .apply(.elementwise(.sqrt), _), .apply(.norm2, _):
            return [true]
        case .power(_, let c) where !c.isInteger || c.isNegative:
            return [true]
        case .elementwisePower(_, let c) where !c.isInteger || c.isNegative:
            return [true]
        case .divide, .elementwiseDivide:
            return [false, true]
        case .powerBy, .elementwisePowerBy:
            return [true, false]
        default:
            return Array(repeating: false, count: expr.children.count)
        }
    }

    /// The matrices whose inverse or determinant the function takes, each once: the
    /// arguments of `inv`, `det`, `logdet` and of negative matrix powers, and those of
    /// `pinv` (marked: their Gram matrix is what is inverted).
    private func invertedArguments() -> [(MatrixExpr, isPseudoInverted: Bool)] {
        var seen = Set<MatrixExpr>()
        var result: [(MatrixExpr, isPseudoInverted: Bool)] = []
        func add(_ matrix: MatrixExpr, _ isPseudoInverted: Bool) {
            if seen.insert(isPseudoInverted ? .transpose(matrix) : matrix).inserted { result.append((matrix, isPseudoInverted)) }
        }
        func visit(_ expr: MatrixExpr) {
            switch expr {
            case .apply(.inverse, let argument), .apply(.determinant, let argument),
                .apply(.logDeterminant, let argument):
                add(argument, false)
            case .apply(.pseudoInverse, let argument):
                add(argument, true)
            case .power(let base, let exponent) where exponent.isNegative:
                add(base, false)
            default:
                break
            }
            for child in expr.children { visit(child) }
        }
        visit(derivative.function)
        return result
    }

    /// The arguments at which the expressions have a kink, each once: of `abs`, `sign`,
    /// `step`, `relu` and `norm1`, and `A − B` of `max(A, B)` and `min(A, B)`.
    private func kinkArguments(of expressions: [MatrixExpr]) -> [MatrixExpr] {
        var seen = Set<MatrixExpr>()
        var result: [MatrixExpr] = []
        func visit(_ expr: MatrixExpr) {
            switch expr {
            case .apply(.elementwise(.abs), let argument), .apply(.elementwise(.sign), let argument),
                .apply(.elementwise(.step), let argument), .apply(.elementwise(.relu), let argument),
                .apply(.norm1, let argument):
                if seen.insert(argument).inserted { result.append(argument) }
            case .apply2(.maximum, let a, let b), .apply2(.minimum, let a, let b):
                let difference = MatrixExpr.subtract(a, b)
                if seen.insert(difference).inserted { result.append(difference) }
            default:
                break
            }
            for child in expr.children { visit(child) }
        }
        for expression in expressions { visit(expression) }
        return result
    }

    /// The first kink argument of `expressions` with an entry whose sign differs between two
    /// points of a central difference (the variable's entry moved by ±h, as
    /// ``FiniteDifferences`` moves it): there the differences straddle the kink. An entry that
    /// stays 0 on both sides (a structural zero) is no crossing.
    func kinkCrossed(by expressions: [MatrixExpr], at evaluator: Evaluator, moving variable: String? = nil) throws
        -> MatrixExpr?
    {
        let name = variable ?? derivative.variable
        let arguments = kinkArguments(of: expressions)
        guard !arguments.isEmpty, let original = evaluator.values[name] else { return nil }
        func sign(_ value: Double) -> Int { value > 0 ? 1 : value < 0 ? -1 : 0 }
        var perturbed = evaluator
        for k in 0..<original.count {
            let entry = original.scalars[k]
            let h = FiniteDifferences.relativeStep * max(1, Swift.abs(entry))
            var plus = original
            plus.scalars[k] = entry + h
            var minus = original
            minus.scalars[k] = entry - h
            for argument in arguments {
                perturbed.values[name] = plus
                guard let above = try? perturbed.evaluate(argument) else { continue }
                perturbed.values[name] = minus
                guard let below = try? perturbed.evaluate(argument), below.count == above.count else { continue }
                for (a, b) in zip(above.scalars, below.scalars) where sign(a) != sign(b) { return argument }
            }
        }
        return nil
    }

    /// The scale of the rounding errors of the function and of Ricci's forms at this point:
    /// the largest magnitude of any entry of any sub-expression (values that do not evaluate
    /// count nothing), and the first exponential or trigonometric function whose argument is
    /// computed from values beyond `1e10` (so that the argument's absolute rounding error,
    /// which is the relative error of an exponential, exceeds `1e-6`: `exp(A − logsumexp(A))`
    /// of entries near 10²⁶).
    private func intermediateScale(at evaluator: Evaluator) -> (largest: Double, impreciseArgument: String?) {
        // As in ``degenerateValue(at:)``: each distinct sub-expression is evaluated once, from
        // its children's values, found by its structural number.
        var numbering = StructuralNumbering()
        var values: [Int: (value: Tensor?, largest: Double)] = [:]
        var largest = 0.0
        var imprecise: String?
        let sensitive: Set<ElementwiseFunction> = [.exp, .sin, .cos, .tan, .sinh, .cosh, .tanh, .sigmoid, .softplus]
        func walk(_ expr: MatrixExpr) -> (number: Int, value: Tensor?, largest: Double) {
            var numbers: [Int] = []
            var operands: [Tensor] = []
            var complete = true
            var below = 0.0
            for child in expr.children {
                let (number, value, childLargest) = walk(child)
                numbers.append(number)
                below = Swift.max(below, childLargest)
                if let value { operands.append(value) } else { complete = false }
            }
            let number = numbering.number(expr, children: numbers).number
            if let known = values[number] { return (number, known.value, known.largest) }
            let value = complete ? try? evaluator.evaluateNode(expr, operands) : nil
            var own = below
            for entry in value?.scalars ?? [] where entry.isFinite { own = Swift.max(own, Swift.abs(entry)) }
            if imprecise == nil, below > 1e10, case .apply(.elementwise(let function), _) = expr, sensitive.contains(function) {
                imprecise = PlainPrinter.print(expr)
            }
            values[number] = (value, own)
            largest = Swift.max(largest, own)
            return (number, value, own)
        }
        for expression in allExpressions() { _ = walk(expression) }
        return (largest, imprecise)
    }

    /// The function, the matrix form, the gradient and every entry of the index form.
    private func allExpressions() -> [MatrixExpr] {
        var result = [derivative.function]
        if let matrix = derivative.matrix { result.append(matrix) }
        if let gradient = derivative.gradient { result.append(gradient) }
        for term in derivative.index.terms {
            for case .entry(let expr, _, _) in term.factors { result.append(expr) }
        }
        return result
    }

    /// Every dimension of the problem: of the variables' shapes, of `I(n)` and `ones(m, n)`
    /// anywhere, and of the index form's ranges. Symbols are sorted, so that the sizes drawn
    /// depend on the seed only; literal sizes are returned as their largest.
    private func dimensions() -> (names: [String], largestLiteral: Int) {
        var names = Set<String>()
        var largestLiteral = 0
        func add(_ dimension: Dimension) {
            switch dimension {
            case .named(let name): names.insert(name)
            case .fixed(let size): largestLiteral = max(largestLiteral, size)
            case .product(let outer, let inner):
                add(outer)
                add(inner)
            }
        }
        for variable in derivative.environment.variables.values {
            add(variable.shape.rows)
            add(variable.shape.columns)
        }
        for expr in allExpressions() { expr.writtenDimensions.forEach(add) }
        for dimension in derivative.index.ranges.values { add(dimension) }
        return (names.sorted(), largestLiteral)
    }

    /// Distinct sizes for `dimensions` from `2…max(maximumSize, count + 1)`, those in
    /// `increasing` sorted into increasing order. As ``TestPoint/drawSizes(for:increasing:using:)``
    /// but capped at 4 instead of 5 while there are at most three dimensions: a 5×5 variable
    /// has 25 symbols, each differentiated over the whole expansion.
    static func drawSizes(for dimensions: [String], increasing: [String],
                          using generator: inout SeededGenerator) -> [String: Int] {
        var pool = Array(2...max(maximumSize, dimensions.count + 1))
        var sizes: [String: Int] = [:]
        for (i, name) in dimensions.enumerated() {
            pool.swapAt(i, i + generator.nextInteger(below: pool.count - i))
            sizes[name] = pool[i]
        }
        var seen = Set<String>()
        let ordered = increasing.filter { sizes[$0] != nil && seen.insert($0).inserted }
        for (name, size) in zip(ordered, ordered.compactMap { sizes[$0] }.sorted()) { sizes[name] = size }
        return sizes
    }

    /// The `rows × columns` a matrix form must have: a gradient (scalar `f`) is shaped like
    /// the variable, a Jacobian by a scalar like `f`, a vector-by-vector Jacobian is
    /// `J[i,p] = ∂f_i/∂x_p`; nil for the derivatives that have no matrix form.
    /// The tensor `T[i,j,…,p,q]` of the matrix `M = ∂vec(R)/∂vec(X)ᵀ` (rows `i + m·j`, columns
    /// `p + P·q`: vec stacks columns), with R's axes `function` and X's `variable`.
    static func unvec(_ matrix: Tensor, function: [Int], variable: [Int]) -> Tensor {
        func columnMajor(_ position: [Int], _ axes: [Int]) -> Int {
            var offset = 0
            for axis in axes.indices.reversed() { offset = offset * axes[axis] + position[axis] }
            return offset
        }
        let axes = function + variable
        var result = Tensor(shape: axes, repeating: 0)
        let columns = matrix.shape.count == 2 ? matrix.shape[1] : 1
        var position = [Int](repeating: 0, count: axes.count)
        for flat in 0..<result.scalars.count {
            var rest = flat
            for axis in axes.indices.reversed() {
                position[axis] = rest % axes[axis]
                rest /= axes[axis]
            }
            let row = columnMajor(Array(position.prefix(function.count)), function)
            let column = columnMajor(Array(position.dropFirst(function.count)), variable)
            result.scalars[flat] = matrix.scalars[row * columns + column]
        }
        return result
    }

    static func matrixLayout(function f: Tensor, variable x: Tensor) -> [Int]? {
        if f.isScalarValue { return x.shape }
        if x.isScalarValue { return f.shape }
        if f.axes.count == 1 && x.axes.count == 1 { return [f.axes[0], x.axes[0]] }
        return nil
    }

    // MARK: - Text

    /// `m=2, n=3`, or `none` when there are no dimension symbols.
    static func describe(_ sizes: [String: Int]) -> String {
        sizes.isEmpty ? "none" : sizes.keys.sorted().map { "\($0)=\(sizes[$0] ?? 0)" }.joined(separator: ", ")
    }

    /// A number in messages: three significant digits.
    static func format(_ value: Double) -> String { String(format: "%.3g", value) }

    /// The message of a Ricci error, else the error's description.
    static func message(_ error: any Error) -> String {
        (error as? any RicciError)?.message ?? String(describing: error)
    }
}

/// The comparisons at one test point, keeping the worst error and the first failure.
struct Comparisons {
    let location: String
    /// The worst error of Ricci's forms so far.
    var worst = 0.0
    /// The worst error of the finite differences themselves, against the reference.
    var differenceError = 0.0
    /// The first comparison that failed.
    var failure: String?
    /// When that failure is against central differences: the absolute distance
    /// `‖value − differences‖`, and the larger of the two norms.
    var differenceGap: (gap: Double, size: Double)?
    /// True when the element-wise expansion lost its accuracy at this point: it disagreed with
    /// a value that central differences confirm, and with the differences themselves. The
    /// expansion is exact up to rounding, but its terms can cancel where Ricci's form does not
    /// (a softmax of equal entries, whose derivative is zero, summed from terms of 10¹⁷); then
    /// the point says nothing either way, and another is drawn.
    var referenceUnreliable = false

    init(location: String) { self.location = location }

    /// Compares `value` with the reference (within 1e-8, relative) and with the finite
    /// differences (within 1e-5), either of which may be absent.
    ///
    /// Against the reference both sides are exact up to rounding and the plain relative
    /// distance (``Tensor/relativeDistance(to:)``) is used. Against the differences, two
    /// allowances keep their own error from failing a right result:
    ///
    /// - the scale is `max(‖value‖, ‖differences‖, 1e-4·‖f‖)`: central differences resolve
    ///   the derivative only to about `1e-10·‖f‖` per entry (rounding in `f(x ± h)` divided
    ///   by `2h`), so a derivative that is tiny next to its function is compared against
    ///   that floor rather than against itself;
    /// - where the reference is known, the differences' own distance `e` from it is their
    ///   measured error at this point (cancellation inside `f` can make it far larger than
    ///   the floor), and the tolerance becomes `1e-5 + 2e`. The reference has already held
    ///   the value to `1e-8`, so nothing wrong passes through this allowance.
    ///
    /// Where the reference alone disagrees (with the value, which the differences confirm, and
    /// with the differences), the point is marked ``referenceUnreliable`` instead of failed:
    /// the caller draws another point, so no result passes on such a point.
    mutating func compare(_ label: String, _ value: Tensor, reference: Tensor?, differences: Tensor?,
                          functionScale: Double) {
        var reference = reference
        if let exact = reference {
            let error = value.relativeDistance(to: exact)
            if !(error <= Verifier.referenceTolerance), let differences,
               Comparisons.distance(value, from: differences, functionScale: functionScale) <= Verifier.finiteDifferenceTolerance,
               Comparisons.distance(exact, from: differences, functionScale: functionScale) > Verifier.finiteDifferenceTolerance
            {
                referenceUnreliable = true
                reference = nil
            } else {
                record(label, "the element-wise expansion", error, tolerance: Verifier.referenceTolerance)
            }
        }
        if let differences {
            var tolerance = Verifier.finiteDifferenceTolerance
            if let reference {
                let own = Comparisons.distance(reference, from: differences, functionScale: functionScale)
                if own.isFinite {
                    differenceError = Swift.max(differenceError, own)
                    tolerance += 2 * own
                }
            }
            let alreadyFailed = failure != nil
            record(label, "central differences",
                   Comparisons.distance(value, from: differences, functionScale: functionScale), tolerance: tolerance)
            if !alreadyFailed, failure != nil, value.shape == differences.shape {
                differenceGap = ((value - differences).frobeniusNorm, Swift.max(value.frobeniusNorm, differences.frobeniusNorm))
            }
        }
    }

    /// `‖value − differences‖ / max(‖value‖, ‖differences‖, 1e-4·functionScale)`; 0 when
    /// equal, infinity for different shapes, NaN for values that are not finite.
    static func distance(_ value: Tensor, from differences: Tensor, functionScale: Double) -> Double {
        guard value.shape == differences.shape else { return .infinity }
        let difference = (value - differences).frobeniusNorm
        if difference == 0 { return 0 }
        return difference / Swift.max(value.frobeniusNorm, differences.frobeniusNorm, 1e-4 * functionScale, 1e-10)
    }

    private mutating func record(_ label: String, _ against: String, _ error: Double, tolerance: Double) {
        // NaN never passes: `error <= tolerance` is false for it.
        worst = error.isNaN ? .infinity : Swift.max(worst, error)
        if failure == nil && !(error <= tolerance) {
            failure = "the \(label) differs from \(against): relative error \(Verifier.format(error)) "
                + "(tolerance \(Verifier.format(tolerance))) \(location)"
        }
    }
}

extension Verification {
    /// A `skipped` verdict with this reason.
    static func skipped(_ reason: String) -> Verification {
        Verification(verdict: .skipped, maximumRelativeError: 0, detail: reason)
    }

    /// A `failed` verdict with this reason and no error measured.
    static func failed(_ reason: String) -> Verification {
        Verification(verdict: .failed, maximumRelativeError: .infinity, detail: reason)
    }
}
