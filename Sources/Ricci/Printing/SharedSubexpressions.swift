// Naming repeated sub-expressions in pretty output: `2 Wᵀ(T₁ ⊙ (𝟏 − T₁) ⊙ (M T₁)) where T₁ = …`.

extension PrettyPrinter {
    /// The pretty form with repeated sub-expressions named `T₁, T₂, …` (`… where T₁ = X W`)
    /// wherever that makes the printed text shorter; the plain pretty form otherwise.
    ///
    /// Greedy: the sub-expression whose naming saves the most characters is named first
    /// (larger ones before the parts they contain), then the search repeats on the result;
    /// a definition may use earlier names. The names cannot clash with variables: a name of
    /// the language has no subscript digits.
    public static func printNamingRepeats(_ expr: MatrixExpr) -> String {
        var body = expr
        var definitions: [(name: String, value: MatrixExpr)] = []
        while definitions.count < 9 {
            var counts: [MatrixExpr: Int] = [:]
            countSubtrees(body, into: &counts)
            for definition in definitions { countSubtrees(definition.value, into: &counts) }
            let name = "T" + String(subscriptDigits[definitions.count + 1])
            var best: (saving: Int, subtree: MatrixExpr)?
            for (subtree, count) in counts where count >= 2 && subtree.operatorCount >= 2 {
                let length = print(subtree).count
                // Every occurrence but the definition shrinks to the name; the definition
                // costs ", T₁ = " (or " where T₁ = ") and the text of the sub-expression.
                let saving = count * (length - name.count) - (length + name.count + 8)
                if saving > 0, saving > best?.saving ?? 0 { best = (saving, subtree) }
            }
            guard let chosen = best?.subtree else { break }
            let replacement = MatrixExpr.variable(name)
            body = replacing(chosen, with: replacement, in: body)
            definitions = definitions.map { ($0.name, replacing(chosen, with: replacement, in: $0.value)) }
            definitions.append((name, chosen))
        }
        guard !definitions.isEmpty else { return print(expr) }
        let named = definitions.map { "\($0.name) = \(print($0.value))" }.joined(separator: ", ")
        return print(body) + " where " + named
    }

    private static let subscriptDigits = Array("₀₁₂₃₄₅₆₇₈₉")

    /// How often every sub-tree with an operator occurs.
    private static func countSubtrees(_ expr: MatrixExpr, into counts: inout [MatrixExpr: Int]) {
        guard expr.operatorCount > 0 else { return }
        counts[expr, default: 0] += 1
        for child in expr.children { countSubtrees(child, into: &counts) }
    }

    /// `expr` with every occurrence of `target` replaced.
    private static func replacing(_ target: MatrixExpr, with replacement: MatrixExpr, in expr: MatrixExpr) -> MatrixExpr {
        if expr == target { return replacement }
        switch expr {
        case .number, .variable, .identity, .ones: return expr
        case .add(let a, let b): return .add(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .subtract(let a, let b): return .subtract(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .negate(let a): return .negate(replacing(target, with: replacement, in: a))
        case .multiply(let a, let b): return .multiply(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .hadamard(let a, let b): return .hadamard(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .elementwiseDivide(let a, let b):
            return .elementwiseDivide(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .divide(let a, let b): return .divide(replacing(target, with: replacement, in: a), replacing(target, with: replacement, in: b))
        case .power(let a, let c): return .power(replacing(target, with: replacement, in: a), c)
        case .elementwisePower(let a, let c): return .elementwisePower(replacing(target, with: replacement, in: a), c)
        case .transpose(let a): return .transpose(replacing(target, with: replacement, in: a))
        case .apply(let function, let a): return .apply(function, replacing(target, with: replacement, in: a))
        }
    }
}
