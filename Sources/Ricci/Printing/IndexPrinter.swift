// The index-notation printer: `J[i,j,p,q] = delta(i,p)*A[q,j]`.

/// Prints ``IndexNotation`` as one line that the corpus format reads: terms of numbers,
/// scalar expressions of the language, `delta(a,b)` and indexed expressions (`A[i,j]`,
/// `x[i]`, `inv(X)[i,p]`, `(X'*B)[k,i]`), joined by `*`, `+` and `-`.
public enum IndexPrinter {
    /// `J[free…] = terms`, or `J = terms` when there is no free index (the notation's own
    /// name unless `name` is given).
    public static func print(_ notation: IndexNotation, name: String? = nil) -> String {
        let name = name ?? notation.name
        let header = notation.freeIndices.isEmpty ? name : "\(name)[\(notation.freeIndices.joined(separator: ","))]"
        return header + " = " + printTerms(notation.terms)
    }

    /// The right-hand side alone; `0` for no terms.
    public static func printTerms(_ terms: [IndexNotation.Term]) -> String {
        guard !terms.isEmpty else { return "0" }
        var output = ""
        for (position, term) in terms.enumerated() {
            let negative = term.coefficient.isNegative
            if position > 0 { output += negative ? " - " : " + " } else if negative { output += "-" }
            output += printProduct(term.coefficient.magnitude, term.factors)
        }
        return output
    }

    /// `c*f₁*f₂…` with the coefficient omitted when it is 1.
    static func printProduct(_ coefficient: Rational, _ factors: [IndexNotation.Factor]) -> String {
        var parts = factors.map(printFactor)
        if !coefficient.isOne || parts.isEmpty { parts.insert(coefficient.description, at: 0) }
        return parts.joined(separator: "*")
    }

    /// One factor: `delta(i,p)`, `A[i,j]`, `(X*W - Y)[i,q]`, `(M.^2)[i,j]`, `tr(X)`,
    /// `(a'*X*b)^0.5`.
    static func printFactor(_ factor: IndexNotation.Factor) -> String {
        switch factor {
        case .delta(let a, let b):
            return "delta(\(a),\(b))"
        case .entry(let expr, let indices, let exponent):
            if indices.isEmpty {
                guard !exponent.isOne else { return parenthesizedUnlessPrimary(expr) }
                return PlainPrinter.print(.power(expr, exponent))
            }
            let value = exponent.isOne ? expr : MatrixExpr.elementwisePower(expr, exponent)
            return parenthesizedUnlessPrimary(value) + "[\(indices.joined(separator: ","))]"
        }
    }

    /// The plain form, in parentheses unless it is a name, a number or a call.
    static func parenthesizedUnlessPrimary(_ expr: MatrixExpr) -> String {
        let text = PlainPrinter.print(expr)
        switch expr {
        case .variable, .apply, .identity, .ones: return text
        case .number(let value) where value.isInteger && !value.isNegative: return text
        default: return "(" + text + ")"
        }
    }
}

extension IndexNotation: CustomStringConvertible {
    /// `J[…] = …` (``IndexPrinter``).
    public var description: String { IndexPrinter.print(self) }
}
