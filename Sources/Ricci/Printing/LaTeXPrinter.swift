// The LaTeX printer: an expression as math-mode source for a paper.

/// Prints a ``MatrixExpr`` as LaTeX math-mode source that compiles inside `\[ … \]` with
/// amsmath and nothing else: `2 X^{\top} \left(X W - Y\right)`.
///
/// Notation:
///
/// | expression | printed |
/// | --- | --- |
/// | `A*B`, `2*A` | `A B`, `2 A`; `\cdot` before a number that is not the first factor (`X \cdot 2`), so that digits never run together |
/// | `A + B`, `A - B`, `-A` | `A + B`, `A - B`, `-A` |
/// | `A .* B`, `A ./ B` | `A \odot B`, `A \oslash B` |
/// | `A / s`, `1/2` | `\frac{A}{s}`, `\frac{1}{2}` |
/// | `A'`, `inv(A)` | `A^{\top}`, `A^{-1}` |
/// | `s^2`, `s^(1/3)`, `s^0.5` | `s^{2}`, `s^{1/3}`, `\sqrt{s}` |
/// | `A.^2` | `A^{\odot 2}` |
/// | `norm2(A)` | `\left\| A \right\|_F`: the Frobenius norm, which for a vector is its Euclidean norm, so one subscript is right for both without knowing shapes |
/// | `tr det logdet sum` | `\operatorname{tr}`, `\det`, `\log\det`, `\operatorname{sum}` |
/// | `diagm(v)`, `diagv(A)` | `\operatorname{diag}\left(v\right)`, `\operatorname{diagv}\left(A\right)` |
/// | `exp log sin cos tanh` | `\exp`, `\log`, `\sin`, `\cos`, `\tanh` |
/// | `sqrt abs sigmoid relu softplus` | `\sqrt{A}`, `\operatorname{abs}`, `\operatorname{sigmoid}`, … |
/// | `sigma(A)`, `sigma'(A)` | `\sigma\left(A\right)`, `\sigma'\left(A\right)` |
/// | `lambda(A)`, `grad_lambda(A)` | `\lambda\left(A\right)`, `\nabla \lambda\left(A\right)` |
/// | `I(n)`, `ones(m)`, `ones(m,n)`, `zeros(m,n)` | `I_{n}`, `\mathbf{1}_{m}`, `\mathbf{1}_{m \times n}`, `\mathbf{0}_{m \times n}` |
/// | `kron(A, B)`, `commutation(m,n)`, `pinv(A)` | `A \otimes B`, `K_{m,n}`, `A^{+}` |
/// | `s^t`, `A.^t`, `max(A, B)`, `norm1(A)` | `s^{t}`, `A^{\odot t}`, `\max\left(A, B\right)`, `\left\| A \right\|_1` |
///
/// Names: a Greek letter name is its command (`lambda` → `\lambda`); a trailing index is a
/// subscript (`W1` → `W_{1}`, `x_i` → `x_{i}`, `x_hat` → `x_{\mathit{hat}}`); a variable name
/// of several letters is `\mathit{res}` (so that it does not read as the product `r e s`), a
/// function name of several letters `\operatorname{loss}`.
///
/// Every parenthesis is `\left( … \right)`, so that it grows around fractions; parentheses,
/// sign placement and flattening are those of ``PrettyPrinter`` (same tree, same levels),
/// except that `\frac` makes a division a single factor that needs no parentheses. Every
/// superscript sits on a single primary, so the output never has a double superscript, and
/// braces and `\left`/`\right` pairs are always balanced.
public enum LaTeXPrinter {
    /// The expression as LaTeX math-mode source, on one line.
    public static func print(_ expr: MatrixExpr) -> String {
        piece(expr).text
    }

    typealias Level = PrettyPrinter.Level

    /// Printed source with its binding level; numbers are marked so that a product can put
    /// `\cdot` before them.
    struct Piece {
        var text: String
        var level: Level
        var isNumber = false
    }

    static func piece(_ expr: MatrixExpr) -> Piece {
        let term = PrettyPrinter.signed(expr)
        if term.isNegative { return negated(term.magnitude) }
        let magnitude = term.magnitude
        switch magnitude {
        case .number(let value):
            return number(value)
        case .variable(let name):
            return Piece(text: latexName(name, multiLetter: mathItalic), level: .primary)
        case .add, .subtract:
            return sum(PrettyPrinter.sumTerms(magnitude))
        case .negate(let a):
            // `signed` has removed every leading negation; kept total all the same.
            return negated(a)
        case .multiply:
            var text = ""
            for (position, factor) in PrettyPrinter.productFactors(magnitude).enumerated() {
                let current = operand(factor, atLeast: .prefix)
                if position > 0 { text += current.isNumber ? " \\cdot " : " " }
                text += current.text
            }
            return Piece(text: text, level: .term)
        case .hadamard:
            let operands = PrettyPrinter.hadamardFactors(magnitude).map { operand($0, atLeast: .prefix) }
            return Piece(text: operands.map(\.text).joined(separator: " \\odot "), level: .term)
        case .elementwiseDivide(let a, let b):
            // Left-associative like division: `A ⊘ B ⊘ C` is `(A ⊘ B) ⊘ C`.
            let left: Piece
            if case .elementwiseDivide = a { left = piece(a) } else { left = operand(a, atLeast: .prefix) }
            let right = operand(b, atLeast: .prefix)
            return Piece(text: left.text + " \\oslash " + right.text, level: .term)
        case .divide(let a, let b):
            return Piece(
                text: "\\frac{" + piece(a).text + "}{" + piece(b).text + "}", level: .prefix)
        case .power(let a, let exponent):
            if exponent == .half { return root(a) }
            return superscripted(a, exponentText(exponent))
        case .elementwisePower(let a, let exponent):
            return superscripted(a, "\\odot " + exponentText(exponent))
        case .powerBy(let a, let t):
            return superscripted(a, piece(t).text)
        case .elementwisePowerBy(let a, let t):
            return superscripted(a, "\\odot " + operand(t, atLeast: .primary).text)
        case .transpose(let a):
            return superscripted(a, "\\top")
        case .apply(let function, let a):
            return apply(function, a)
        case .apply2(let function, let a, let b):
            switch function {
            case .kron:
                return Piece(
                    text: operand(a, atLeast: .prefix).text + " \\otimes " + operand(b, atLeast: .prefix).text,
                    level: .term)
            case .maximum, .minimum:
                return Piece(
                    text: "\\" + function.name + "\\left(" + piece(a).text + ", " + piece(b).text + "\\right)",
                    level: .primary)
            }
        case .identity(let n):
            return Piece(text: "I_{" + dimension(n) + "}", level: .primary)
        case .ones(let m, let n):
            let dimensions = n.isOne ? dimension(m) : dimension(m) + " \\times " + dimension(n)
            return Piece(text: "\\mathbf{1}_{" + dimensions + "}", level: .primary)
        case .zeros(let m, let n):
            let dimensions = n.isOne ? dimension(m) : dimension(m) + " \\times " + dimension(n)
            return Piece(text: "\\mathbf{0}_{" + dimensions + "}", level: .primary)
        case .commutation(let m, let n):
            return Piece(text: "K_{" + dimension(m) + "," + dimension(n) + "}", level: .primary)
        case .sizeless(let constant):
            switch constant {
            case .ones: return Piece(text: "\\mathbf{1}", level: .primary)
            case .zeros: return Piece(text: "\\mathbf{0}", level: .primary)
            case .identity: return Piece(text: "I", level: .primary)
            }
        }
    }

    /// `expr` printed at `minimum` or tighter, parenthesised when it binds more loosely.
    static func operand(_ expr: MatrixExpr, atLeast minimum: Level) -> Piece {
        let result = piece(expr)
        return result.level >= minimum ? result : group(result.text)
    }

    static func group(_ inner: String) -> Piece {
        Piece(text: "\\left(" + inner + "\\right)", level: .primary)
    }

    /// `-magnitude`: a product keeps its factors (`-2 X`), a sum is parenthesised.
    static func negated(_ magnitude: MatrixExpr) -> Piece {
        Piece(text: "-" + operand(magnitude, atLeast: .term).text, level: .unary)
    }

    static func sum(_ terms: [PrettyPrinter.SignedTerm]) -> Piece {
        var text = ""
        for (position, term) in terms.enumerated() {
            let body = operand(term.magnitude, atLeast: .term).text
            if position == 0 {
                text = (term.isNegative ? "-" : "") + body
            } else {
                text += (term.isNegative ? " - " : " + ") + body
            }
        }
        return Piece(text: text, level: .sum)
    }

    /// `base^{exponent}` on a single primary: `X^{\top}`, `\left(X^{\top}\right)^{-1}`.
    static func superscripted(_ a: MatrixExpr, _ exponent: String) -> Piece {
        Piece(text: operand(a, atLeast: .primary).text + "^{" + exponent + "}", level: .postfix)
    }

    /// `\sqrt{a}`: a prefix, so that a power of it is parenthesised (`\left(\sqrt{t}\right)^{2}`).
    static func root(_ a: MatrixExpr) -> Piece {
        Piece(text: "\\sqrt{" + piece(a).text + "}", level: .prefix)
    }

    static func call(_ name: String, _ argument: MatrixExpr) -> Piece {
        Piece(text: name + "\\left(" + piece(argument).text + "\\right)", level: .primary)
    }

    static func apply(_ function: MatrixFunction, _ a: MatrixExpr) -> Piece {
        switch function {
        case .trace: return call("\\operatorname{tr}", a)
        case .determinant: return call("\\det", a)
        case .logDeterminant:
            // Two words: a superscript on it would be ambiguous.
            var result = call("\\log\\det", a)
            result.level = .prefix
            return result
        case .inverse: return superscripted(a, "-1")
        case .pseudoInverse: return superscripted(a, "+")
        case .sum, .mean, .softmax, .vec, .numel:
            return call("\\operatorname{" + function.name + "}", a)
        case .logSumExp: return call("\\operatorname{logsumexp}", a)
        case .columnSums, .rowSums, .columnMeans, .rowMeans, .size:
            return Piece(
                text: "\\operatorname{\(function.name)}\\left(" + piece(a).text + ", \(function.axisArgument ?? 0)\\right)",
                level: .primary)
        case .norm2:
            return Piece(text: "\\left\\| " + piece(a).text + " \\right\\|_F", level: .primary)
        case .norm1:
            return Piece(text: "\\left\\| " + piece(a).text + " \\right\\|_1", level: .primary)
        case .diagonalMatrix, .diagonal: return call("\\operatorname{diag}", a)
        case .diagonalVector: return call("\\operatorname{diagv}", a)
        case .elementwise(let builtin):
            switch builtin {
            case .exp, .log, .sin, .cos, .tan, .tanh, .sinh, .cosh: return call("\\" + builtin.rawValue, a)
            case .asin, .acos, .atan: return call("\\arc" + builtin.rawValue.dropFirst(), a)
            case .sqrt: return root(a)
            case .abs, .sigmoid, .relu, .softplus, .sign, .step, .log1p:
                return call("\\operatorname{" + builtin.rawValue + "}", a)
            }
        case .declaredElementwise(let name), .declaredScalar(let name):
            return call(latexName(name, multiLetter: operatorName), a)
        case .declaredElementwiseDerivative(let name):
            return call(latexName(name, multiLetter: operatorName) + "'", a)
        case .declaredScalarGradient(let name):
            return call("\\nabla " + latexName(name, multiLetter: operatorName), a)
        }
    }

    // MARK: Names and numbers

    /// A name: the leading letters as a Greek command, a single letter, or `multiLetter`
    /// applied to them; then a trailing index as a subscript (`W_{1}`, `x_{\mathit{hat}}`).
    /// A name of any other form is set whole with `multiLetter`, its underscores escaped.
    static func latexName(_ name: String, multiLetter: (String) -> String) -> String {
        let (head, rest) = PrettyPrinter.splitName(name)
        guard !head.isEmpty else { return multiLetter(escaped(name)) }
        let base = GreekNames.latex(head) ?? (head.count == 1 ? String(head) : multiLetter(String(head)))
        if rest.isEmpty { return base }
        if rest.allSatisfy(\.isNumber) { return base + "_{" + String(rest) + "}" }
        if rest.first == "_", rest.count > 1 {
            return base + "_{" + latexName(String(rest.dropFirst()), multiLetter: mathItalic) + "}"
        }
        return multiLetter(escaped(name))
    }

    static func mathItalic(_ text: String) -> String { "\\mathit{" + text + "}" }

    static func operatorName(_ text: String) -> String { "\\operatorname{" + text + "}" }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "_" { result += "\\" }
            result.append(character)
        }
        return result
    }

    static func dimension(_ dimension: Dimension) -> String {
        switch dimension {
        case .fixed(let size): return String(size)
        case .named(let name): return latexName(name, multiLetter: mathItalic)
        case .product(let outer, let inner): return self.dimension(outer) + " " + self.dimension(inner)
        }
    }

    static func number(_ value: Rational) -> Piece {
        guard value.isValid else { return Piece(text: "\\text{overflow}", level: .primary) }
        if value.isNegative { return negated(.number(-value)) }
        if value.isInteger { return Piece(text: String(value.numerator), level: .primary, isNumber: true) }
        return Piece(
            text: "\\frac{\(value.numerator)}{\(value.denominator)}", level: .prefix, isNumber: true)
    }

    /// An exponent inside `^{…}`: `2`, `-1`, `1/3`.
    static func exponentText(_ value: Rational) -> String {
        value.isValid ? value.description : "\\text{overflow}"
    }
}
