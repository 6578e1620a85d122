// Central finite differences: the numeric Jacobian that derivatives are checked against.

import Foundation

/// Numeric derivatives by central differences, as the corpus checker's `fd_jacobian`.
public enum FiniteDifferences {
    /// The relative step: entry `x` is perturbed by `h = relativeStep · max(1, |x|)`.
    ///
    /// Central differences have truncation error `O(h²)` and rounding error `O(ε/h)`;
    /// `h ≈ 1e-6` (about `ε^⅓` for `ε ≈ 2.2e-16`, scaled by the entry's magnitude) balances the
    /// two near `1e-10` relative, far below the `1e-5` tolerance of verification. It is the
    /// corpus checker's step, so both see the same numbers.
    public static let relativeStep = 1e-6

    /// The Jacobian of `expr` with respect to every entry of the variable `name` at the
    /// evaluator's values, by central differences:
    /// `J[f…, x…] ≈ (f(x + h·e_x…) − f(x − h·e_x…)) / 2h`, with `h = 1e-6·max(1, |x…|)`.
    ///
    /// The result has the axes of the expression's value followed by the axes of the variable,
    /// each as ``Tensor/axes`` (and ``Shape/axes``) give them: none for a scalar, one for a
    /// vector or a row vector, two for a matrix. So a scalar by a matrix is a matrix shaped
    /// like the variable (the gradient), a vector by a vector is the matrix
    /// `J[i,j] = ∂f_i/∂x_j`, a scalar by a scalar is a scalar (order 0), and a matrix by a
    /// matrix has order 4.
    ///
    /// Every entry is perturbed on its own, also for a symmetric variable: `S[i,j]` and
    /// `S[j,i]` count as independent, as in the corpus (its symmetric cases have symmetric
    /// gradients, so both conventions agree there).
    ///
    /// - Throws: ``EvaluationError`` when `name` has no value, when `expr` cannot be
    ///   evaluated, or when the Jacobian would be too large.
    public static func jacobian(of expr: MatrixExpr, withRespectTo name: String,
                                at evaluator: Evaluator, step: Double = relativeStep) throws -> Tensor {
        let f = try evaluator.evaluate(expr)
        return try centralDifferences(by: name, at: evaluator, valueAxes: f.axes, step: step) { try $0.evaluate(expr) }
    }

    /// `(v(x + h e_k) − v(x − h e_k)) / 2h` for every entry `k` of the variable `name`, with
    /// `h = step·max(1, |x_k|)`, for any value `v` of the evaluator's values whose axes are
    /// `valueAxes` (an expression, an index form): axes `valueAxes` then the variable's, entry
    /// `i` of the value and `k` of the variable at offset `i·count(x) + k` (row-major order).
    ///
    /// - Throws: ``EvaluationError`` when `name` has no value, when `value` throws, when the
    ///   result would be too large, or when the value's size changes with the variable.
    static func centralDifferences(by name: String, at evaluator: Evaluator, valueAxes: [Int], step: Double,
                                   of value: (Evaluator) throws -> Tensor) throws -> Tensor {
        guard let original = evaluator.values[name] else { throw EvaluationError(.unknownVariable(name)) }
        // The evaluator accepts order 0 and 1 values too; evaluating the variable itself gives
        // its order-2 form, whose row-major entries are the same.
        let x = try evaluator.evaluate(.variable(name))
        let count = valueAxes.reduce(1, *)
        let (total, overflow) = count.multipliedReportingOverflow(by: x.count)
        guard !overflow, total <= Evaluator.maximumEntryCount else {
            throw EvaluationError(.tooLarge(rows: count, columns: x.count))
        }
        var result = Tensor(shape: valueAxes + x.axes, repeating: 0)
        var perturbed = evaluator
        for k in 0..<x.count {
            let entry = x.scalars[k]
            let h = step * max(1, Swift.abs(entry))
            var plus = original
            plus.scalars[k] = entry + h
            perturbed.values[name] = plus
            let above = try value(perturbed)
            var minus = original
            minus.scalars[k] = entry - h
            perturbed.values[name] = minus
            let below = try value(perturbed)
            guard above.count == count, below.count == count else {
                throw EvaluationError(.shapeMismatch(operation: "central differences", left: above.shape, right: valueAxes))
            }
            for i in 0..<count { result.scalars[i * x.count + k] = (above.scalars[i] - below.scalars[i]) / (2 * h) }
        }
        return result
    }
}
