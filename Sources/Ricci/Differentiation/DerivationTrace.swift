// The derivation as `--steps` shows it: what each stage produced, in order.

/// One step of a derivation: what it is and what it produced, in the notation of that stage.
public struct DerivationStep: Hashable, Sendable {
    /// What the step is: `input`, `index form`, `adjoint`, `with deltas`, `contracted`,
    /// `lifted`, `rule <name>`, `result`.
    public let label: String
    /// What it produced.
    public let text: String
}

/// Collects the steps of one derivation, when they are asked for.
final class DerivationTrace {
    private(set) var steps: [DerivationStep] = []

    func record(_ label: String, _ text: String) {
        steps.append(DerivationStep(label: label, text: text))
    }
}

extension IndexContext {
    /// `name[free] = terms` in index notation, the free indices named as a function's
    /// (`i, j`) or, for `variable`, as a variable's (`p, q`).
    func indexText(_ name: String, _ terms: [Term], free: [Index], variable: Bool = false) -> String {
        let notation = variable
            ? self.notation(of: terms, functionIndices: [], variableIndices: free)
            : self.notation(of: terms, functionIndices: free, variableIndices: [])
        let header = free.isEmpty ? name : "\(name)[\(notation.freeIndices.joined(separator: ","))]"
        return header + " = " + IndexPrinter.printTerms(notation.terms)
    }

    /// The terms of a sum with their signs (`a - (b + c)` gives `a`, `-b`, `-c`); any other
    /// expression is its only term.
    func summands(_ id: ExprID, sign: Rational = .one) -> [(id: ExprID, sign: Rational)] {
        switch table[id] {
        case .add(let a, let b): return summands(a, sign: sign) + summands(b, sign: sign)
        case .subtract(let a, let b): return summands(a, sign: sign) + summands(b, sign: -sign)
        default: return [(id, sign)]
        }
    }

    /// How a node is named in a derivation: `∂f/∂W`, `∂f/∂(X*W - Y)`.
    func adjointName(of node: ExprID) -> String {
        "∂f/∂" + IndexPrinter.parenthesizedUnlessPrimary(table.expression(node))
    }
}
