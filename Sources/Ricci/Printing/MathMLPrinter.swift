// The MathML printer: an expression as presentation MathML, which browsers render natively.

/// Prints a ``MatrixExpr`` as presentation MathML (the MathML Core subset that browsers
/// render without scripts or fonts of their own): `<math display="block">…</math>`.
///
/// The notation is the LaTeX printer's (``LaTeXPrinter``), element for element: `A B` is
/// `<mi>A</mi><mo>&#x2062;</mo><mi>B</mi>` (an invisible times), `A ⊙ B` and `A ⊘ B` are
/// `<mo>⊙</mo>` and `<mo>⊘</mo>`, `A / s` an `<mfrac>`, `Aᵀ`, `A⁻¹`, `A⁺` and powers are
/// `<msup>` on a single primary, `√s` an `<msqrt>`, `‖A‖_F` and `I_n` carry an `<msub>`,
/// functions are `<mi>tr</mi><mo>&#x2061;</mo>` (an apply-function) before their
/// parenthesised argument. Parentheses and sign placement are those of ``PrettyPrinter``
/// (same tree, same binding levels). Names: a Greek name is its letter (`lambda` → `λ`), a
/// trailing index a subscript (`W1` → `W₁` as `<msub>`); text is escaped for XML.
public enum MathMLPrinter {
    /// The expression as one `<math>` element, on one line.
    public static func print(_ expr: MatrixExpr) -> String {
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">" + piece(expr).text + "</math>"
    }

    /// `expr where T₁ = …, T₂ = …`: the expression and the definitions of its named
    /// sub-expressions, in one `<math>` element.
    public static func print(_ expr: MatrixExpr, where definitions: [(name: MatrixExpr, value: MatrixExpr)]) -> String {
        guard !definitions.isEmpty else { return print(expr) }
        let clauses = definitions.map { row([piece($0.name).text, mo("="), piece($0.value).text]) }
        return "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">"
            + row([piece(expr).text, "<mspace width=\"1em\"/>", "<mtext>where</mtext>", "<mspace width=\"0.5em\"/>"]
                  + interleaved(clauses, row([mo(","), "<mspace width=\"0.5em\"/>"])))
            + "</math>"
    }

    typealias Level = PrettyPrinter.Level

    struct Piece {
        var text: String
        var level: Level
        var isNumber = false
    }

    static func row(_ parts: [String]) -> String { "<mrow>" + parts.joined() + "</mrow>" }
    static func mo(_ text: String) -> String { "<mo>" + escaped(text) + "</mo>" }
    static func mi(_ text: String) -> String { "<mi>" + escaped(text) + "</mi>" }
    static func upright(_ text: String) -> String { "<mi mathvariant=\"normal\">" + escaped(text) + "</mi>" }
    static func mn(_ text: String) -> String { "<mn>" + escaped(text) + "</mn>" }
    static let invisibleTimes = "<mo>&#x2062;</mo>"
    static let applyFunction = "<mo>&#x2061;</mo>"

    static func piece(_ expr: MatrixExpr) -> Piece {
        let term = PrettyPrinter.signed(expr)
        if term.isNegative { return negated(term.magnitude) }
        let magnitude = term.magnitude
        switch magnitude {
        case .number(let value):
            return number(value)
        case .variable(let name):
            return Piece(text: MathMLPrinter.name(name), level: .primary)
        case .add, .subtract:
            return sum(PrettyPrinter.sumTerms(magnitude))
        case .negate(let a):
            return negated(a)
        case .multiply:
            var parts: [String] = []
            for (position, factor) in PrettyPrinter.productFactors(magnitude).enumerated() {
                let current = operand(factor, atLeast: .prefix)
                if position > 0 { parts.append(current.isNumber ? mo("·") : invisibleTimes) }
                parts.append(current.text)
            }
            return Piece(text: row(parts), level: .term)
        case .hadamard:
            let operands = PrettyPrinter.hadamardFactors(magnitude).map { operand($0, atLeast: .prefix).text }
            return Piece(text: row(interleaved(operands, mo("⊙"))), level: .term)
        case .elementwiseDivide(let a, let b):
            let left: Piece
            if case .elementwiseDivide = a { left = piece(a) } else { left = operand(a, atLeast: .prefix) }
            return Piece(text: row([left.text, mo("⊘"), operand(b, atLeast: .prefix).text]), level: .term)
        case .divide(let a, let b):
            return Piece(text: "<mfrac>" + piece(a).text + piece(b).text + "</mfrac>", level: .prefix)
        case .power(let a, let exponent):
            if exponent == .half { return root(a) }
            return superscripted(a, exponentText(exponent))
        case .elementwisePower(let a, let exponent):
            return superscripted(a, row([mo("⊙"), exponentText(exponent)]))
        case .powerBy(let a, let t):
            return superscripted(a, piece(t).text)
        case .elementwisePowerBy(let a, let t):
            return superscripted(a, row([mo("⊙"), operand(t, atLeast: .primary).text]))
        case .transpose(let a):
            return superscripted(a, upright("⊤"))
        case .apply(let function, let a):
            return apply(function, a)
        case .apply2(let function, let a, let b):
            switch function {
            case .kron:
                return Piece(
                    text: row([operand(a, atLeast: .prefix).text, mo("⊗"), operand(b, atLeast: .prefix).text]),
                    level: .term)
            case .maximum, .minimum:
                return Piece(
                    text: row([upright(function.name), applyFunction, mo("("), piece(a).text, mo(","), piece(b).text, mo(")")]),
                    level: .primary)
            }
        case .identity(let n):
            return Piece(text: "<msub>" + mi("I") + dimension(n) + "</msub>", level: .primary)
        case .ones(let m, let n):
            return Piece(text: "<msub>" + "<mn mathvariant=\"bold\">1</mn>" + sizes(m, n) + "</msub>", level: .primary)
        case .zeros(let m, let n):
            return Piece(text: "<msub>" + "<mn mathvariant=\"bold\">0</mn>" + sizes(m, n) + "</msub>", level: .primary)
        case .commutation(let m, let n):
            return Piece(text: "<msub>" + mi("K") + row([dimension(m), mo(","), dimension(n)]) + "</msub>", level: .primary)
        case .sizeless(let constant):
            switch constant {
            case .ones: return Piece(text: "<mn mathvariant=\"bold\">1</mn>", level: .primary)
            case .zeros: return Piece(text: "<mn mathvariant=\"bold\">0</mn>", level: .primary)
            case .identity: return Piece(text: mi("I"), level: .primary)
            }
        }
    }

    /// `parts` with `separator` between neighbours.
    static func interleaved(_ parts: [String], _ separator: String) -> [String] {
        var result: [String] = []
        for (position, part) in parts.enumerated() {
            if position > 0 { result.append(separator) }
            result.append(part)
        }
        return result
    }

    static func operand(_ expr: MatrixExpr, atLeast minimum: Level) -> Piece {
        let result = piece(expr)
        return result.level >= minimum ? result : group(result.text)
    }

    static func group(_ inner: String) -> Piece {
        Piece(text: row([mo("("), inner, mo(")")]), level: .primary)
    }

    static func negated(_ magnitude: MatrixExpr) -> Piece {
        Piece(text: row([mo("−"), operand(magnitude, atLeast: .term).text]), level: .unary)
    }

    static func sum(_ terms: [PrettyPrinter.SignedTerm]) -> Piece {
        var parts: [String] = []
        for (position, term) in terms.enumerated() {
            if position > 0 || term.isNegative { parts.append(mo(term.isNegative ? "−" : "+")) }
            parts.append(operand(term.magnitude, atLeast: .term).text)
        }
        return Piece(text: row(parts), level: .sum)
    }

    static func superscripted(_ a: MatrixExpr, _ exponent: String) -> Piece {
        Piece(text: "<msup>" + operand(a, atLeast: .primary).text + exponent + "</msup>", level: .postfix)
    }

    static func root(_ a: MatrixExpr) -> Piece {
        Piece(text: "<msqrt>" + piece(a).text + "</msqrt>", level: .prefix)
    }

    static func call(_ name: String, _ argument: MatrixExpr) -> Piece {
        Piece(text: row([name, applyFunction, mo("("), piece(argument).text, mo(")")]), level: .primary)
    }

    static func apply(_ function: MatrixFunction, _ a: MatrixExpr) -> Piece {
        switch function {
        case .trace: return call(upright("tr"), a)
        case .determinant: return call(upright("det"), a)
        case .logDeterminant:
            var result = call(upright("log") + upright("det"), a)
            result.level = .prefix
            return result
        case .inverse: return superscripted(a, row([mo("−"), mn("1")]))
        case .pseudoInverse: return superscripted(a, mo("+"))
        case .sum, .mean, .softmax, .vec, .numel, .logSumExp:
            return call(upright(function.name), a)
        case .columnSums, .rowSums, .columnMeans, .rowMeans, .size:
            return Piece(
                text: row([upright(function.name), applyFunction, mo("("), piece(a).text, mo(","),
                           mn(String(function.axisArgument ?? 0)), mo(")")]),
                level: .primary)
        case .norm2:
            return Piece(text: "<msub>" + row([mo("‖"), piece(a).text, mo("‖")]) + mi("F") + "</msub>", level: .primary)
        case .norm1:
            return Piece(text: "<msub>" + row([mo("‖"), piece(a).text, mo("‖")]) + mn("1") + "</msub>", level: .primary)
        case .diagonalMatrix, .diagonal: return call(upright("diag"), a)
        case .diagonalVector: return call(upright("diagv"), a)
        case .elementwise(let builtin):
            if builtin == .sqrt { return root(a) }
            return call(upright(builtin.rawValue), a)
        case .declaredElementwise(let name), .declaredScalar(let name):
            return call(self.name(name), a)
        case .declaredElementwiseDerivative(let name):
            return call("<msup>" + self.name(name) + mo("′") + "</msup>", a)
        case .declaredScalarGradient(let name):
            return call(row([mo("∇"), self.name(name)]), a)
        }
    }

    /// A name: a Greek letter name as its letter, a trailing index as a subscript.
    static func name(_ name: String) -> String {
        // A name of the printer's own, `T₁`: its subscript digits as a subscript.
        if let first = name.first, let digits = Optional(name.dropFirst()), !digits.isEmpty,
           digits.allSatisfy({ "₀₁₂₃₄₅₆₇₈₉".contains($0) })
        {
            let plain = String(digits.map { Character(UnicodeScalar($0.unicodeScalars.first!.value - 0x2080 + 0x30)!) })
            return "<msub>" + mi(String(first)) + mn(plain) + "</msub>"
        }
        let (head, rest) = PrettyPrinter.splitName(name)
        guard !head.isEmpty else { return mi(name) }
        let base = mi(GreekNames.unicode(head) ?? String(head))
        if rest.isEmpty { return base }
        if rest.allSatisfy(\.isNumber) { return "<msub>" + base + mn(String(rest)) + "</msub>" }
        if rest.first == "_", rest.count > 1 { return "<msub>" + base + self.name(String(rest.dropFirst())) + "</msub>" }
        return mi(name)
    }

    static func dimension(_ dimension: Dimension) -> String {
        switch dimension {
        case .fixed(let size): return mn(String(size))
        case .named(let name): return self.name(name)
        case .product(let outer, let inner): return row([self.dimension(outer), mo("·"), self.dimension(inner)])
        }
    }

    static func sizes(_ m: Dimension, _ n: Dimension) -> String {
        n.isOne ? dimension(m) : row([dimension(m), mo("×"), dimension(n)])
    }

    static func number(_ value: Rational) -> Piece {
        guard value.isValid else { return Piece(text: "<mtext>overflow</mtext>", level: .primary) }
        if value.isNegative { return negated(.number(-value)) }
        if value.isInteger { return Piece(text: mn(String(value.numerator)), level: .primary, isNumber: true) }
        return Piece(text: "<mfrac>" + mn(String(value.numerator)) + mn(String(value.denominator)) + "</mfrac>",
                     level: .prefix, isNumber: true)
    }

    static func exponentText(_ value: Rational) -> String {
        guard value.isValid else { return "<mtext>overflow</mtext>" }
        if value.isNegative { return row([mo("−"), exponentText(-value)]) }
        if value.isInteger { return mn(String(value.numerator)) }
        return row([mn(String(value.numerator)), mo("/"), mn(String(value.denominator))])
    }

    /// Text escaped for XML character data.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
