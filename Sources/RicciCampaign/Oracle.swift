// An independent check of a printed derivative: central differences of the evaluator.

import Foundation
import Ricci

/// Checks an answer that `ricci` printed against central differences of the function, with
/// nothing of the differentiation code: the problem is parsed and evaluated, the printed
/// answer (its plain form, or its index form where it has no matrix form) parsed and
/// evaluated, and the two compared at random test points.
///
/// A point is used where the function is finite and its central differences agree at two
/// step sizes (`h` and `2h`) and its one-sided differences agree: where they do not, the point
/// is near a kink, a singularity or a cancellation, and says nothing about the answer. The
/// answer is wrong when it differs from the differences by more than ``tolerance`` at most of
/// the usable points (one unlucky point, near a saturation where the differences lose their
/// digits, does not decide), of which there must be at least one (else the check is
/// inconclusive).
public struct Oracle {
    /// The relative difference above which an answer is wrong.
    public static let tolerance = 1e-4
    /// How far apart the differences at two step sizes may be for a point to be usable.
    static let consistency = 1e-5
    /// Test points tried per problem.
    static let attempts = 8
    /// Usable points wanted.
    static let points = 3

    /// What the check found.
    public enum Finding: Sendable, Hashable {
        /// The answer matches at every usable point.
        case right
        /// The answer differs at every usable point; the detail gives the largest difference.
        case wrong(String)
        /// No usable point, or the answer could not be read.
        case inconclusive(String)
    }

    /// The answer to `problem`, printed as the JSON object of `ricci diff --format json`,
    /// checked at points drawn from `seed`.
    public static func check(_ problem: Problem, answer json: [String: Any], seed: UInt64) -> Finding {
        do {
            let declarations = try Declarations(parsingVariables: problem.variables, functions: problem.functions)
            let checked = try CheckedExpression(parsing: problem.text, declarations: declarations)
            let environment = checked.environment
            guard let variable = environment.variables[problem.variable] else {
                return .inconclusive("the variable is not in the problem")
            }
            let answer: Answer
            if let plain = json["plain"] as? String {
                answer = .matrix(try CheckedExpression(parsing: plain, declarations: declarations).expression)
            } else if let index = json["index"] as? String {
                // A second derivative lists the first variable's indices, then the second's.
                let second = problem.secondVariable.flatMap { environment.variables[$0] } ?? variable
                let ranges = problem.isHessian
                    ? variable.shape.indexRanges + second.shape.indexRanges
                    : checked.shape.indexRanges + variable.shape.indexRanges
                answer = .index(try IndexNotation(parsing: index, environment: environment, freeRanges: ranges))
            } else {
                return .inconclusive("the answer has neither a plain nor an index form")
            }
            return compare(problem, checked, answer, seed: seed)
        } catch {
            return .wrong("the answer cannot be read: \(error)")
        }
    }

    /// An answer in matrix or in index notation.
    private enum Answer {
        case matrix(MatrixExpr)
        case index(IndexNotation)
    }

    private static func compare(_ problem: Problem, _ checked: CheckedExpression, _ answer: Answer, seed: UInt64) -> Finding {
        let environment = checked.environment
        let dimensions = environment.variables.values.flatMap { [$0.shape.rows, $0.shape.columns] }.flatMap(\.components)
            + checked.expression.writtenDimensions
        let names = Set(dimensions.compactMap { dimension -> String? in
            if case .named(let name) = dimension { return name }
            return nil
        }).sorted()
        var generator = SeededGenerator(seed: seed ^ 0x5EED_0F_0AC1E)
        var usable = 0
        var distances: [Double] = []
        var lastReason = "no point was drawn"
        for _ in 0..<attempts where usable < points {
            let sizes = TestPoint.drawSizes(for: names, using: &generator)
            guard let values = try? TestPoint.drawValues(for: environment, sizes: sizes, using: &generator) else {
                return .inconclusive("no test point can be drawn")
            }
            let evaluator = Evaluator(sizes: sizes, values: values)
            guard let function = try? evaluator.evaluate(checked.expression), function.isFinite else {
                lastReason = "the function is not finite"
                continue
            }
            if let reason = extreme(checked.expression, at: evaluator) {
                lastReason = reason
                continue
            }
            let reference: Tensor
            let noise: Double
            switch differences(problem, checked.expression, at: evaluator) {
            case .success(let (value, estimate)): (reference, noise) = (value, estimate)
            case .failure(let reason):
                lastReason = reason.text
                continue
            }
            var value: Tensor
            do {
                value = try evaluate(answer, problem, function: function, at: evaluator)
                // An axis of size m·n is one index per factor in index notation; the entries are
                // in the same (row-major) order.
                if value.shape != reference.shape && value.count == reference.count { value = value.reshaped(reference.shape) }
            } catch {
                return .wrong("the answer cannot be evaluated at sizes \(sizes): \(error)")
            }
            guard value.shape == reference.shape else {
                return .wrong("the answer has axes \(value.shape), the derivative \(reference.shape)")
            }
            // The differences resolve a derivative only to about their own noise (estimated
            // from two step sizes), and a second derivative to about 1e-4 of the function.
            // (A step h resolves f only to its rounding, about 1e-16·|f|/h: the floor is above it.)
            let floor = (problem.isHessian ? 1e-2 : 1e-5) * (1 + function.frobeniusNorm) + 10 * noise
            let scale = max(value.frobeniusNorm, reference.frobeniusNorm, floor)
            let distance = value.isFinite ? max(0, (value - reference).frobeniusNorm - 10 * noise) / scale : .infinity
            distances.append(distance)
            usable += 1
        }
        guard usable > 0 else { return .inconclusive(lastReason) }
        let off = distances.filter { !($0 <= tolerance) }
        // One usable point decides only a clear difference.
        if distances.count == 1 ? !(distances[0] <= 100 * tolerance) : off.count * 2 > distances.count {
            return .wrong("differs from central differences by \(off.max() ?? .infinity) (relative) at \(off.count) of \(distances.count) points")
        }
        return .right
    }

    /// Why the point is numerically extreme, or nil: a sub-expression beyond `1e100`, or a
    /// zero (below `1e-100`) of something a derivative divides by or takes a logarithm of,
    /// where floating point has lost what the derivative needs.
    private static func extreme(_ expression: MatrixExpr, at evaluator: Evaluator) -> String? {
        var problem: String?
        func visit(_ expr: MatrixExpr, divisor: Bool) {
            guard problem == nil else { return }
            if let value = try? evaluator.evaluate(expr) {
                if value.scalars.contains(where: { abs($0) > 1e100 }) { problem = "a value beyond 1e100" }
                if divisor, value.scalars.contains(where: { abs($0) < 1e-100 }) { problem = "a zero divisor" }
            }
            switch expr {
            case .apply(.elementwise(.log), let a), .apply(.elementwise(.sqrt), let a), .apply(.norm2, let a):
                visit(a, divisor: true)
            case .power(let a, let c), .elementwisePower(let a, let c):
                visit(a, divisor: !c.isInteger || c.isNegative)
            case .divide(let a, let b), .elementwiseDivide(let a, let b), .powerBy(let b, let a), .elementwisePowerBy(let b, let a):
                visit(a, divisor: false)
                visit(b, divisor: true)
            default:
                for child in expr.children { visit(child, divisor: false) }
            }
        }
        visit(expression, divisor: false)
        return problem
    }

    /// Why a point is not usable.
    struct Unusable: Error {
        let text: String
    }

    /// The derivative by central differences, the Hessian by differences of differences, or
    /// why the point is not usable.
    /// The differences and an estimate of their error (how far the two step sizes disagree).
    private static func differences(_ problem: Problem, _ function: MatrixExpr, at evaluator: Evaluator)
        -> Result<(Tensor, Double), Unusable>
    {
        do {
            let second = problem.secondVariable ?? problem.variable
            let (fine, coarse, tolerance) = problem.isHessian
                ? (try hessian(function, problem.variable, then: second, at: evaluator, step: 1e-4),
                   try hessian(function, problem.variable, then: second, at: evaluator, step: 2e-4), 1e-3)
                : (try jacobian(function, problem.variable, at: evaluator, step: 1e-6),
                   try jacobian(function, problem.variable, at: evaluator, step: 2e-6), consistency)
            guard fine.isFinite, coarse.isFinite else { return .failure(Unusable(text: "not finite")) }
            guard agree(fine, coarse, tolerance) else { return .failure(Unusable(text: "the differences disagree")) }
            return .success((fine, (fine - coarse).frobeniusNorm))
        } catch let unusable as Unusable {
            return .failure(unusable)
        } catch {
            return .failure(Unusable(text: "\(error)"))
        }
    }

    /// True when `a` and `b` are within `tolerance` relative to the larger.
    private static func agree(_ a: Tensor, _ b: Tensor, _ tolerance: Double) -> Bool {
        let scale = max(a.frobeniusNorm, b.frobeniusNorm, 1e-8)
        return (a - b).frobeniusNorm / scale <= tolerance
    }

    /// `J[f…, x…] ≈ (f(x + h e) − f(x − h e)) / 2h`, `h = step·max(1, |x|)`. Throws
    /// ``Unusable`` where the one-sided differences disagree (`(f(x + h) − f(x))/h` and
    /// `(f(x) − f(x − h))/h` differ by more than the curvature allows): there `f` has a kink
    /// (a tie of `max`, a zero of `abs`) within the step, which central differences alone
    /// would not show.
    static func jacobian(_ function: MatrixExpr, _ name: String, at evaluator: Evaluator, step: Double) throws -> Tensor {
        let x = try evaluator.evaluate(.variable(name))
        let f = try evaluator.evaluate(function)
        var result = Tensor(shape: f.axes + x.axes, repeating: 0)
        var perturbed = evaluator
        let scale = max(1e-8, f.frobeniusNorm)
        for k in 0..<x.count {
            let h = step * max(1, abs(x.scalars[k]))
            var plus = x
            plus.scalars[k] += h
            var minus = x
            minus.scalars[k] -= h
            perturbed.values[name] = plus
            let above = try perturbed.evaluate(function)
            perturbed.values[name] = minus
            let below = try perturbed.evaluate(function)
            var forward = 0.0, backward = 0.0, gap = 0.0
            var slopes: [(up: Double, down: Double)] = []
            slopes.reserveCapacity(f.count)
            for i in 0..<f.count {
                result.scalars[i * x.count + k] = (above.scalars[i] - below.scalars[i]) / (2 * h)
                let (up, down) = ((above.scalars[i] - f.scalars[i]) / h, (f.scalars[i] - below.scalars[i]) / h)
                slopes.append((up, down))
                forward += up * up
                backward += down * down
                gap += (up - down) * (up - down)
            }
            // A smooth function's one-sided differences differ by about h·f''; a kink's by O(1),
            // over the column or in one entry of it (a tie of `min(Q', Q)` in a few entries of
            // a large column). An entry whose gap is large next to its slopes is tested again
            // at a tenth of the step: curvature's gap shrinks tenfold, a kink's stays.
            let column = max(forward.squareRoot(), backward.squareRoot())
            if gap.squareRoot() > 1e-2 * max(column, 1e-3 * scale) {
                throw Unusable(text: "a kink within the step")
            }
            var finer: (above: Tensor, below: Tensor)?
            for (i, (up, down)) in slopes.enumerated()
            where abs(up - down) > 1e-2 * max(abs(up), abs(down)) && abs(up - down) > 1e-4 * max(column, 1e-3 * scale) {
                if finer == nil {
                    var closePlus = x
                    closePlus.scalars[k] += h / 10
                    var closeMinus = x
                    closeMinus.scalars[k] -= h / 10
                    perturbed.values[name] = closePlus
                    let closeAbove = try perturbed.evaluate(function)
                    perturbed.values[name] = closeMinus
                    finer = (closeAbove, try perturbed.evaluate(function))
                }
                guard let (closeAbove, closeBelow) = finer else { break }
                let closeUp = (closeAbove.scalars[i] - f.scalars[i]) / (h / 10)
                let closeDown = (f.scalars[i] - closeBelow.scalars[i]) / (h / 10)
                if abs(closeUp - closeDown) > 0.5 * abs(up - down) { throw Unusable(text: "a kink within the step") }
            }
        }
        return result
    }

    /// `H[a, b] ≈ (g_a(y + h e_b) − g_a(y − h e_b)) / 2h` with `g` the central-difference
    /// gradient by `name` (a finer step inside), for a scalar function, moved along `second`
    /// (the same variable for a Hessian). Throws ``Unusable`` where the one-sided differences
    /// of the gradient disagree, as ``jacobian(_:_:at:step:)`` does for the function: there
    /// the gradient has a kink (`x ⊘ sigmoid(min(0, x))` is smooth once, not twice, at 0) and
    /// the second derivative does not exist.
    static func hessian(_ function: MatrixExpr, _ name: String, then second: String, at evaluator: Evaluator,
                        step: Double) throws -> Tensor {
        let x = try evaluator.evaluate(.variable(name))
        let y = try evaluator.evaluate(.variable(second))
        var result = Tensor(shape: x.axes + y.axes, repeating: 0)
        let center = try jacobian(function, name, at: evaluator, step: step / 10)
        var perturbed = evaluator
        for b in 0..<y.count {
            let h = step * max(1, abs(y.scalars[b]))
            var plus = y
            plus.scalars[b] += h
            var minus = y
            minus.scalars[b] -= h
            perturbed.values[second] = plus
            let above = try jacobian(function, name, at: perturbed, step: step / 10)
            perturbed.values[second] = minus
            let below = try jacobian(function, name, at: perturbed, step: step / 10)
            var forward = 0.0, backward = 0.0, gap = 0.0
            for a in 0..<x.count {
                result.scalars[a * y.count + b] = (above.scalars[a] - below.scalars[a]) / (2 * h)
                let (up, down) = ((above.scalars[a] - center.scalars[a]) / h, (center.scalars[a] - below.scalars[a]) / h)
                forward += up * up
                backward += down * down
                gap += (up - down) * (up - down)
            }
            if gap.squareRoot() > 1e-2 * max(forward.squareRoot(), backward.squareRoot(), 1e-3 * center.frobeniusNorm) {
                throw Unusable(text: "a kink within the step")
            }
        }
        return result
    }

    /// The answer's value, arranged as the differences are: a gradient shaped like the
    /// variable, a Jacobian by a scalar like the function, vector by vector `J[i,p]`, a
    /// Hessian `H[p,r]`, an index form with one axis per index.
    private static func evaluate(_ answer: Answer, _ problem: Problem, function: Tensor, at evaluator: Evaluator) throws -> Tensor {
        let x = try evaluator.evaluate(.variable(problem.variable))
        let y = try evaluator.evaluate(.variable(problem.secondVariable ?? problem.variable))
        switch answer {
        case .index(let notation):
            return try notation.evaluate(with: evaluator)
        case .matrix(let expression):
            let value = try evaluator.evaluate(expression)
            let (rowAxes, columnAxes) = problem.isHessian ? (x.axes, y.axes) : (function.axes, x.axes)
            let axes = rowAxes + columnAxes
            guard value.count == axes.reduce(1, *) else {
                throw Unusable(text: "the matrix form is \(value.shape), the derivative has axes \(axes)")
            }
            // A matrix by a matrix (or a vector by one, a matrix by a vector) is written in the
            // vec convention of LANGUAGE.md: entry (vec index of R, vec index of X), vec
            // stacking columns.
            if !rowAxes.isEmpty, !columnAxes.isEmpty, rowAxes.count == 2 || columnAxes.count == 2 {
                return fromVecConvention(value, rows: rowAxes, columns: columnAxes)
            }
            return value.reshaped(axes)
        }
    }

    /// `T[r…, c…]` from the matrix `M[vec(r), vec(c)]`, where `vec` of a multi-index of a
    /// value with axes `[m, n]` is `i + m·j` (columns stacked).
    static func fromVecConvention(_ matrix: Tensor, rows: [Int], columns: [Int]) -> Tensor {
        let rowCount = rows.reduce(1, *)
        let columnCount = columns.reduce(1, *)
        var result = Tensor(shape: rows + columns, repeating: 0)
        for rowFlat in 0..<rowCount {
            // The row-major multi-index of `rowFlat`, then its column-major offset.
            let (i, j) = rows.count == 2 ? (rowFlat / rows[1], rowFlat % rows[1]) : (rowFlat, 0)
            let vecRow = i + (rows.count == 2 ? rows[0] * j : 0)
            for columnFlat in 0..<columnCount {
                let (p, q) = columns.count == 2 ? (columnFlat / columns[1], columnFlat % columns[1]) : (columnFlat, 0)
                let vecColumn = p + (columns.count == 2 ? columns[0] * q : 0)
                result.scalars[rowFlat * columnCount + columnFlat] = matrix.scalars[vecRow * columnCount + vecColumn]
            }
        }
        return result
    }
}
