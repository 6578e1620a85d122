// The Unicode printer: an expression as a careful person writes it on paper.

/// Prints a ``MatrixExpr`` in Unicode mathematical notation, for reading (`2 Xᵀ(X W − Y)`).
/// The output is not meant to be parsed again; ``PlainPrinter`` is.
///
/// Notation:
///
/// | expression | printed | note |
/// | --- | --- | --- |
/// | `A*B` | `A B`, `2 Xᵀ(X W − Y)` | juxtaposition; spacing below |
/// | `A + B`, `A - B`, `-A` | `A + B`, `A − B`, `−A` | U+2212 for minus |
/// | `A .* B`, `A ./ B` | `A ⊙ B`, `A ⊘ B` | |
/// | `A / s` | `A/s` | |
/// | `A'` | `Aᵀ`, `(X W − Y)ᵀ` | |
/// | `inv(A)` | `A⁻¹`, `(A + B)⁻¹` | |
/// | `s^3`, `s^(-1)` | `s³`, `s⁻¹` | integer exponents as superscripts |
/// | `s^0.5`, `sqrt(A)` | `√s`, `√(X W)` | the element-wise root of a scalar is the same number |
/// | `s^(1/3)` | `s^(1/3)` | other exponents inline |
/// | `A.^2`, `A.^(-1)` | `A^⊙2`, `A^⊙(−1)` | the Hadamard power, written with the product's ⊙ |
/// | `norm2(A)` | `‖A‖` | the Euclidean norm of all entries (Frobenius for a matrix) |
/// | `tr det sum` | `tr(A)`, `det(A)`, `sum(A)` | |
/// | `logdet(A)` | `log det(A)` | |
/// | `diagm(v)`, `diagv(A)` | `diag(v)`, `diagv(A)` | `diag` builds the matrix, `diagv` reads the vector |
/// | `exp(A)` … `softplus(A)` | `exp(A)`, `sigmoid(A)` | built-ins by name |
/// | `sigma(A)`, `sigma'(A)` | `σ(A)`, `σ′(A)` | declared element-wise function, U+2032 prime |
/// | `lambda(A)`, `grad_lambda(A)` | `λ(A)`, `∇λ(A)` | declared scalar function and its gradient |
/// | `I(n)`, `ones(m)`, `ones(m,n)`, `zeros(m,n)` | `Iₙ`, `𝟏ₘ`, `𝟏ₘₓₙ`, `𝟎ₘₓₙ` | subscripts only when every character has a Unicode subscript form; otherwise `I`, `𝟏`, `𝟎` |
/// | `kron(A, B)`, `commutation(m,n)` | `A ⊗ B`, `K₍m,n₎` | `⊗` at the level of `⊙` |
/// | `pinv(A)`, `norm1(A)` | `A⁺`, `‖A‖₁` | |
/// | `s^t`, `A.^t` | `s^t`, `A^⊙t`, `s^(t + 1)` | an exponent that is not a constant, inline |
/// | `sum(X, 1)`, `max(X, Y)`, `softmax(X)` | as written | |
/// | `2`, `1/2`, `5/12`, `-2` | `2`, `½`, `⁵⁄₁₂`, `−2` | a vulgar-fraction character where Unicode has one |
/// | `lambda`, `W1`, `x_i` | `λ`, `W₁`, `xᵢ` | Greek names as letters, trailing indices as subscripts |
///
/// Parentheses follow the precedence levels of ``PlainPrinter`` (sums, products, negation,
/// powers, postfix operators), plus a prefix level for `√` and fractions, which can be factors
/// (`½ x`, `√t X`) but not bases; every superscript sits on a single primary (`(Xᵀ)⁻¹`,
/// `(t²)³`, `(½)²`, `(log det(A))²`). Three differences make the output read like hand-written
/// math rather than a parse tree:
///
/// - Operators that are associative in the mathematics print flat: `A (B C)` as `A B C`,
///   `a + (b + c)` and `a + (b − c)` as `a + b + c` and `a + b − c`, `A ⊙ (B ⊙ C)` as
///   `A ⊙ B ⊙ C`. The right operand of `−`, `⊘` and `/` keeps its parentheses; their left
///   operand does not (`a − b − c`, `A ⊘ B ⊘ C`, `a/b/c`).
/// - Signs move to the front of a term, since every product-like operator is linear in each
///   operand: `A*(-B)` prints `−A B`, `a + (-2*X)` prints `a − 2 X`, `a - (-b)` prints
///   `a + b`, `(-X)'` prints `−Xᵀ`. A negated sum keeps its parentheses (`a − (b − c)`).
/// - Different product-like operators never share a level without parentheses, because a
///   reader has no convention for `A B ⊙ C`: `(A B) ⊙ C`, `(A ⊙ B)C`. The one exception is
///   division by a scalar, which commutes with every product: `A B/s` is `(A B)/s`, which
///   equals `A (B/s)`, so neither needs parentheses.
///
/// Spacing in a product: factors are separated by a space, except that
///
/// - a factor that ends in a superscript, a parenthesised group or a norm is followed by `(`
///   without a space: `Xᵀ(X W − Y)`, `(J + R)(A B)`, `‖x‖(A + B)`;
/// - a factor that ends in a parenthesised group or a norm (`(J + R)`, `(J + R)ᵀ`, `‖x‖²`) is
///   followed by a variable's name without a space: `(J + R)A`, `(A ⊙ B)Wᵀ`, `‖x‖²A`;
/// - a number is always followed by a space: `2 (J + R)`, `½ ‖A x − b‖²`.
///
/// A name before `(` keeps its space (`λ (W + V)`), so that a product never reads as the
/// application of a function (`λ(W + V)`). A function call stays a separate word on both
/// sides (`tr(A) B`, `σ′(X) (A + B)`, `(J + R) exp(X)`), so that `σ′(X)(A + B)` does not read
/// as a call of a call; a radical and a norm on the right are spaced too (`(a + b) √t`,
/// `A ‖x‖`).
public enum PrettyPrinter {
    /// The expression in Unicode notation, on one line.
    public static func print(_ expr: MatrixExpr) -> String {
        piece(expr).text
    }

    // MARK: Layout shared with the LaTeX printer

    /// A term of a sum with its sign moved out.
    struct SignedTerm {
        let isNegative: Bool
        let magnitude: MatrixExpr
        /// True when `magnitude` differs from the expression it came from (a sign moved
        /// out of it), so that an unchanged tree is returned as it is, not rebuilt.
        var changed = true
    }

    /// Moves every sign that can leave `expr` to the front: through negation, negative
    /// literals, transposes and both operands of the product-like operators (`*`, `.*`, `./`,
    /// `/`), which are linear in each operand. The magnitude has no sign left at its top, so
    /// `signed(magnitude)` returns it unchanged.
    static func signed(_ expr: MatrixExpr) -> SignedTerm {
        func combine(_ a: MatrixExpr, _ b: MatrixExpr, _ make: (MatrixExpr, MatrixExpr) -> MatrixExpr)
            -> SignedTerm
        {
            let left = signed(a)
            let right = signed(b)
            guard left.changed || right.changed else { return SignedTerm(isNegative: false, magnitude: expr, changed: false) }
            return SignedTerm(
                isNegative: left.isNegative != right.isNegative,
                magnitude: make(left.magnitude, right.magnitude))
        }
        switch expr {
        case .negate(let a):
            let inner = signed(a)
            return SignedTerm(isNegative: !inner.isNegative, magnitude: inner.magnitude)
        case .number(let value):
            return value.isNegative
                ? SignedTerm(isNegative: true, magnitude: .number(-value))
                : SignedTerm(isNegative: false, magnitude: expr, changed: false)
        case .multiply(let a, let b): return combine(a, b, MatrixExpr.multiply)
        case .hadamard(let a, let b): return combine(a, b, MatrixExpr.hadamard)
        case .elementwiseDivide(let a, let b): return combine(a, b, MatrixExpr.elementwiseDivide)
        case .divide(let a, let b): return combine(a, b, MatrixExpr.divide)
        case .transpose(let a):
            let inner = signed(a)
            guard inner.changed else { return SignedTerm(isNegative: false, magnitude: expr, changed: false) }
            return SignedTerm(isNegative: inner.isNegative, magnitude: .transpose(inner.magnitude))
        case .variable, .add, .subtract, .power, .elementwisePower, .powerBy, .elementwisePowerBy, .apply, .apply2,
            .identity, .ones, .zeros, .commutation, .sizeless:
            return SignedTerm(isNegative: false, magnitude: expr, changed: false)
        }
    }

    /// The terms of a sum, flattened where the sum is associative: a positive term that is
    /// itself a sum contributes its terms (`a + (b − c)` → `a`, `b`, `−c`); a negative one
    /// stays one term, to be parenthesised (`a − (b − c)`).
    static func sumTerms(_ expr: MatrixExpr) -> [SignedTerm] {
        let term = signed(expr)
        guard !term.isNegative else { return [term] }
        if case .add(let a, let b) = term.magnitude {
            return sumTerms(a) + sumTerms(b)
        }
        if case .subtract(let a, let b) = term.magnitude {
            let subtrahend = signed(b)
            // a − (−b) = a + b: the subtrahend's own sign turns it into an added term.
            return sumTerms(a)
                + (subtrahend.isNegative
                    ? sumTerms(subtrahend.magnitude)
                    : [SignedTerm(isNegative: true, magnitude: subtrahend.magnitude)])
        }
        return [term]
    }

    /// The factors of a matrix product, flattened: `A*(B*C)` and `(A*B)*C` are `[A, B, C]`.
    static func productFactors(_ expr: MatrixExpr) -> [MatrixExpr] {
        if case .multiply(let a, let b) = expr { return productFactors(a) + productFactors(b) }
        return [expr]
    }

    /// The operands of a Hadamard product, flattened.
    static func hadamardFactors(_ expr: MatrixExpr) -> [MatrixExpr] {
        if case .hadamard(let a, let b) = expr { return hadamardFactors(a) + hadamardFactors(b) }
        return [expr]
    }

    /// The leading letters of a name and the rest: `lambda2` → `lambda`, `2`; `x_hat` → `x`,
    /// `_hat`.
    static func splitName(_ name: String) -> (head: Substring, rest: Substring) {
        // An ASCII name is split on its bytes, without Unicode property look-ups.
        let bytes = name.utf8
        let end = bytes.allSatisfy({ $0 < 0x80 })
            ? bytes.firstIndex { !NameConventions.isASCIILetter($0) } ?? name.endIndex
            : name.firstIndex { !$0.isLetter } ?? name.endIndex
        return (name[..<end], name[end...])
    }

    // MARK: Pieces

    /// Binding strength of printed pieces, loosest first: the levels of ``PlainPrinter``, with
    /// a prefix level for `√` and fractions, which can be factors of a product but not the
    /// base of a superscript (`½ x`, `(½)²`, `(√t)²`).
    enum Level: Int, Comparable {
        case sum = 1, term, unary, prefix, postfix, primary
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// What a piece of text ends with, which decides the spacing of a product.
    enum Edge {
        /// A name, `I` or `𝟏` (subscripts included).
        case name
        /// A number literal.
        case number
        /// A superscript after a name or a call: `Xᵀ`, `tr(A)²`.
        case superscript
        /// A parenthesised group or a norm, possibly with superscripts: `(J + R)ᵀ`, `‖x‖²`.
        case closer
        /// The closing parenthesis of a function call: `tr(A)`.
        case call
        /// An inline exponent: `t^(1/3)`, `X^⊙2`.
        case exponent
    }

    /// What a piece of text starts with, which decides the spacing of a product.
    enum Start {
        /// A parenthesised group: `(J + R)`, `(X W − Y)ᵀ`.
        case group
        /// A variable's name, `I` or `𝟏`: `A`, `λ`, `Xᵀ`.
        case symbol
        /// A function's name: `tr(A)`, `∇λ(X)`, `log det(A)`.
        case call
        /// A number, a sign, `√` or a norm bar.
        case other
    }

    /// Printed text with its binding level and the kinds of its first and last characters.
    struct Piece {
        var text: String
        var level: Level
        var start: Start
        var edge: Edge
    }

    static func piece(_ expr: MatrixExpr) -> Piece {
        let term = signed(expr)
        if term.isNegative { return negated(term.magnitude) }
        let magnitude = term.magnitude
        switch magnitude {
        case .number(let value):
            return number(value)
        case .variable(let name):
            return Piece(text: prettyName(name), level: .primary, start: .symbol, edge: .name)
        case .add, .subtract:
            return sum(sumTerms(magnitude))
        case .negate(let a):
            // `signed` has removed every leading negation; kept total all the same.
            return negated(a)
        case .multiply:
            return product(productFactors(magnitude))
        case .hadamard:
            let operands = hadamardFactors(magnitude).map { operand($0, atLeast: .prefix) }
            return Piece(
                text: operands.map(\.text).joined(separator: " ⊙ "), level: .term,
                start: operands[0].start, edge: operands[operands.count - 1].edge)
        case .elementwiseDivide(let a, let b):
            // Left-associative like division: `A ⊘ B ⊘ C` is `(A ⊘ B) ⊘ C`.
            let left: Piece
            if case .elementwiseDivide = a { left = piece(a) } else { left = operand(a, atLeast: .prefix) }
            let right = operand(b, atLeast: .prefix)
            return Piece(
                text: left.text + " ⊘ " + right.text, level: .term, start: left.start, edge: right.edge)
        case .divide(let a, let b):
            return divide(a, b)
        case .power(let a, let exponent):
            if exponent == .half { return root(a) }
            if exponent.isInteger { return postfix(a, superscript(exponent.numerator)) }
            let base = operand(a, atLeast: .primary)
            return Piece(
                text: base.text + "^(" + rationalText(exponent) + ")", level: .postfix,
                start: base.start, edge: .exponent)
        case .elementwisePower(let a, let exponent):
            let base = operand(a, atLeast: .primary)
            let power =
                exponent.isInteger && !exponent.isNegative
                ? String(exponent.numerator) : "(" + rationalText(exponent) + ")"
            return Piece(
                text: base.text + "^⊙" + power, level: .postfix, start: base.start, edge: .exponent)
        case .powerBy(let a, let t):
            return inlinePower(a, "^", t)
        case .elementwisePowerBy(let a, let t):
            return inlinePower(a, "^⊙", t)
        case .transpose(let a):
            return postfix(a, "ᵀ")
        case .apply(let function, let a):
            return apply(function, a)
        case .apply2(let function, let a, let b):
            switch function {
            case .kron:
                let operands = [a, b].map { operand($0, atLeast: .prefix) }
                return Piece(
                    text: operands[0].text + " ⊗ " + operands[1].text, level: .term, start: operands[0].start,
                    edge: operands[1].edge)
            case .maximum, .minimum:
                return Piece(
                    text: function.name + "(" + piece(a).text + ", " + piece(b).text + ")", level: .primary,
                    start: .call, edge: .call)
            }
        case .identity(let n):
            return Piece(
                text: "I" + (subscriptText([n]) ?? ""), level: .primary, start: .symbol, edge: .name)
        case .ones(let m, let n):
            let dimensions = n.isOne ? subscriptText([m]) : subscriptText([m, n])
            return Piece(text: "𝟏" + (dimensions ?? ""), level: .primary, start: .symbol, edge: .name)
        case .zeros(let m, let n):
            let dimensions = n.isOne ? subscriptText([m]) : subscriptText([m, n])
            return Piece(text: "𝟎" + (dimensions ?? ""), level: .primary, start: .symbol, edge: .name)
        case .commutation(let m, let n):
            return Piece(text: "K₍\(m),\(n)₎", level: .primary, start: .symbol, edge: .name)
        case .sizeless(let constant):
            let symbol: String
            switch constant {
            case .ones: symbol = "𝟏"
            case .zeros: symbol = "𝟎"
            case .identity: symbol = "I"
            }
            return Piece(text: symbol, level: .primary, start: .symbol, edge: .name)
        }
    }

    /// `s^t`, `X^⊙t` for an exponent that is not a constant: the exponent inline, in
    /// parentheses unless it is a single primary (`s^t`, `s^(t + 1)`).
    static func inlinePower(_ a: MatrixExpr, _ symbol: String, _ exponent: MatrixExpr) -> Piece {
        let base = operand(a, atLeast: .primary)
        let power = operand(exponent, atLeast: .primary)
        return Piece(text: base.text + symbol + power.text, level: .postfix, start: base.start, edge: .exponent)
    }

    /// `expr` printed at `minimum` or tighter, parenthesised when it binds more loosely.
    static func operand(_ expr: MatrixExpr, atLeast minimum: Level) -> Piece {
        let result = piece(expr)
        return result.level >= minimum ? result : group(result)
    }

    static func group(_ inner: Piece) -> Piece {
        Piece(text: "(" + inner.text + ")", level: .primary, start: .group, edge: .closer)
    }

    /// `−magnitude`: a product keeps its factors (`−2 X`), a sum is parenthesised.
    static func negated(_ magnitude: MatrixExpr) -> Piece {
        let body = operand(magnitude, atLeast: .term)
        return Piece(text: "−" + body.text, level: .unary, start: .other, edge: body.edge)
    }

    static func sum(_ terms: [SignedTerm]) -> Piece {
        var text = ""
        var start = Start.other
        var edge = Edge.name
        for (position, term) in terms.enumerated() {
            let body = operand(term.magnitude, atLeast: .term)
            if position == 0 {
                text = (term.isNegative ? "−" : "") + body.text
                start = term.isNegative ? .other : body.start
            } else {
                text += (term.isNegative ? " − " : " + ") + body.text
            }
            edge = body.edge
        }
        return Piece(text: text, level: .sum, start: start, edge: edge)
    }

    /// Factors by juxtaposition, spaced by ``separator(between:and:)``. A division by a scalar
    /// may stand unparenthesised as the last factor (`A B/s`), where either reading is the same
    /// number.
    static func product(_ factors: [MatrixExpr]) -> Piece {
        var text = ""
        var start = Start.other
        var previous: Piece?
        for (position, factor) in factors.enumerated() {
            let current: Piece
            if case .divide = factor, position == factors.count - 1 {
                current = piece(factor)
            } else {
                current = operand(factor, atLeast: .prefix)
            }
            if let previous {
                text += separator(between: previous, and: current)
            } else {
                start = current.start
            }
            text += current.text
            previous = current
        }
        return Piece(text: text, level: .term, start: start, edge: previous?.edge ?? .name)
    }

    /// The space between two factors of a product (see the type's documentation).
    static func separator(between left: Piece, and right: Piece) -> String {
        switch (left.edge, right.start) {
        case (.number, _), (.exponent, _): return " "
        case (.name, .group), (.call, .group): return " "
        case (.superscript, .group), (.closer, .group): return ""
        case (.closer, .symbol): return ""
        case (.name, .symbol), (.superscript, .symbol), (.call, .symbol): return " "
        case (_, .call), (_, .other): return " "
        }
    }

    /// `a/b`: a product or a division may stand on the left unparenthesised (`λ R/2`,
    /// `a/b/c`); the right side is a single factor, and a fraction there is parenthesised so
    /// that `x/(½)` does not run two slashes together.
    static func divide(_ a: MatrixExpr, _ b: MatrixExpr) -> Piece {
        let left = operand(a, atLeast: isProductOrDivision(a) ? .term : .prefix)
        var right = operand(b, atLeast: .prefix)
        if case .number(let value) = b, !value.isInteger { right = group(right) }
        return Piece(text: left.text + "/" + right.text, level: .term, start: left.start, edge: right.edge)
    }

    static func isProductOrDivision(_ expr: MatrixExpr) -> Bool {
        if case .multiply = expr { return true }
        if case .divide = expr { return true }
        return false
    }

    /// `√a`; the radicand is a single primary, else parenthesised (`√t`, `√(xᵀx)`).
    static func root(_ a: MatrixExpr) -> Piece {
        let body = operand(a, atLeast: .primary)
        return Piece(text: "√" + body.text, level: .prefix, start: .other, edge: body.edge)
    }

    /// A superscript on a primary: `Xᵀ`, `(A + B)⁻¹`, `‖x‖²`; stacked superscripts are
    /// parenthesised (`(Xᵀ)⁻¹`).
    static func postfix(_ a: MatrixExpr, _ superscript: String) -> Piece {
        let base = operand(a, atLeast: .primary)
        return Piece(
            text: base.text + superscript, level: .postfix, start: base.start,
            edge: base.edge == .closer ? .closer : .superscript)
    }

    static func call(_ name: String, _ argument: MatrixExpr) -> Piece {
        Piece(text: name + "(" + piece(argument).text + ")", level: .primary, start: .call, edge: .call)
    }

    static func apply(_ function: MatrixFunction, _ a: MatrixExpr) -> Piece {
        switch function {
        case .trace: return call("tr", a)
        case .determinant: return call("det", a)
        case .logDeterminant:
            // Two words: a superscript on it would be ambiguous (`(log det(A))²`).
            var result = call("log det", a)
            result.level = .prefix
            return result
        case .inverse: return postfix(a, "⁻¹")
        case .pseudoInverse: return postfix(a, "⁺")
        case .sum, .mean, .softmax, .logSumExp, .vec, .numel: return call(function.name, a)
        case .columnSums, .rowSums, .columnMeans, .rowMeans, .size:
            return Piece(
                text: function.name + "(" + piece(a).text + ", \(function.axisArgument ?? 0))", level: .primary,
                start: .call, edge: .call)
        case .norm2:
            return Piece(text: "‖" + piece(a).text + "‖", level: .primary, start: .other, edge: .closer)
        case .norm1:
            return Piece(text: "‖" + piece(a).text + "‖₁", level: .primary, start: .other, edge: .closer)
        case .diagonalMatrix, .diagonal: return call("diag", a)
        case .diagonalVector: return call("diagv", a)
        case .elementwise(let builtin):
            switch builtin {
            case .sqrt: return root(a)
            case .exp, .log, .sin, .cos, .tanh, .abs, .sigmoid, .relu, .softplus, .sign, .step, .tan, .asin, .acos,
                .atan, .sinh, .cosh, .log1p:
                return call(builtin.rawValue, a)
            }
        case .declaredElementwise(let name): return call(prettyName(name), a)
        case .declaredElementwiseDerivative(let name): return call(prettyName(name) + "′", a)
        case .declaredScalar(let name): return call(prettyName(name), a)
        case .declaredScalarGradient(let name): return call("∇" + prettyName(name), a)
        }
    }

    // MARK: Names and numbers

    /// A variable or function name: the leading letters as a Greek letter when they spell
    /// one, a trailing index (`2`, `_2`, `_ij`) as subscripts when Unicode has them, the rest
    /// as written (`lambda_reg` → `λ_reg`).
    static func prettyName(_ name: String) -> String {
        // A name changes only where it opens with two ASCII letters or more (a Greek name) or
        // holds an ASCII digit or `_` (an index): most names are one letter, and the names of
        // repeats (`T₁`) are written already.
        var leadingLetters = 0
        var opensLetters = true
        var holdsIndex = false
        for byte in name.utf8 {
            if opensLetters, NameConventions.isASCIILetter(byte) { leadingLetters += 1 } else { opensLetters = false }
            if (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") { holdsIndex = true }
        }
        if leadingLetters < 2 && !holdsIndex { return name }
        let (head, rest) = splitName(name)
        // Greek names have two letters or more (`mu`, `pi`, `lambda`).
        let letters = (head.utf8.count >= 2 ? GreekNames.unicode(head) : nil) ?? String(head)
        if rest.isEmpty { return letters }
        let isIndex = rest.allSatisfy(\.isNumber) || (rest.first == "_" && rest.count > 1)
        let index = rest.first == "_" ? rest.dropFirst() : rest
        if isIndex, let subscripted = subscriptText(index) { return letters + subscripted }
        return letters + rest
    }

    /// ``subscriptCharacters`` by ASCII code.
    private static let asciiSubscripts: [Character?] = (0..<128).map { code in
        subscriptCharacters[Character(Unicode.Scalar(UInt8(code)))]
    }

    static func number(_ value: Rational) -> Piece {
        guard value.isValid else {
            return Piece(text: value.description, level: .primary, start: .other, edge: .name)
        }
        if value.isNegative { return negated(.number(-value)) }
        if value.isInteger {
            return Piece(text: String(value.numerator), level: .primary, start: .other, edge: .number)
        }
        return Piece(text: fractionText(value), level: .prefix, start: .other, edge: .number)
    }

    /// Unicode's vulgar-fraction characters, by numerator and denominator.
    static let vulgarFractions: [Rational: String] = [
        Rational(1, 2): "½", Rational(1, 3): "⅓", Rational(2, 3): "⅔", Rational(1, 4): "¼",
        Rational(3, 4): "¾", Rational(1, 5): "⅕", Rational(2, 5): "⅖", Rational(3, 5): "⅗",
        Rational(4, 5): "⅘", Rational(1, 6): "⅙", Rational(5, 6): "⅚", Rational(1, 7): "⅐",
        Rational(1, 8): "⅛", Rational(3, 8): "⅜", Rational(5, 8): "⅝", Rational(7, 8): "⅞",
        Rational(1, 9): "⅑", Rational(1, 10): "⅒",
    ]

    /// A positive non-integer: `½`, or superscript numerator, fraction slash (U+2044),
    /// subscript denominator: `⁵⁄₁₂`.
    static func fractionText(_ value: Rational) -> String {
        if let glyph = vulgarFractions[value] { return glyph }
        return superscript(value.numerator) + "⁄" + (subscriptText(String(value.denominator)[...]) ?? "")
    }

    /// An exponent written inline: `1/3`, `−1/2`, `−1`.
    static func rationalText(_ value: Rational) -> String {
        guard value.isValid else { return value.description }
        return (value.isNegative ? "−" : "") + value.magnitude.description
    }

    /// An integer in superscript digits: `²`, `⁻¹`.
    static func superscript(_ value: Int) -> String {
        var result = ""
        for byte in String(value).utf8 {
            result.append(byte == UInt8(ascii: "-") ? "⁻" : superscriptDigitsByValue[Int(byte - UInt8(ascii: "0"))])
        }
        return result
    }

    /// `⁰ … ⁹` by digit value.
    private static let superscriptDigitsByValue: [Character] = Array("⁰¹²³⁴⁵⁶⁷⁸⁹")

    /// The characters Unicode has subscript forms for: digits and some lower-case letters.
    static let subscriptCharacters: [Character: Character] = [
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇",
        "8": "₈", "9": "₉", "a": "ₐ", "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ",
        "l": "ₗ", "m": "ₘ", "n": "ₙ", "o": "ₒ", "p": "ₚ", "r": "ᵣ", "s": "ₛ", "t": "ₜ",
        "u": "ᵤ", "v": "ᵥ", "x": "ₓ",
    ]

    /// `text` in subscript characters, or `nil` when one of them has no subscript form.
    static func subscriptText(_ text: Substring) -> String? {
        var result = ""
        for character in text {
            let lowered = character.asciiValue.map { asciiSubscripts[Int($0)] } ?? subscriptCharacters[character]
            guard let lowered else { return nil }
            result.append(lowered)
        }
        return result
    }

    /// Dimensions as a subscript, separated by `ₓ` (`ₘₓₙ`), or `nil` when one cannot be
    /// written in subscripts.
    static func subscriptText(_ dimensions: [Dimension]) -> String? {
        var parts: [String] = []
        for dimension in dimensions {
            guard let part = subscriptText(dimension.description[...]) else { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "ₓ")
    }
}
