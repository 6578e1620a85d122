// The catalog of errors the parser reports, each with the place in the input it points at.

/// An expression that does not follow the grammar of `LANGUAGE.md`.
///
/// Every parse error points at a range of the input in `Character` offsets: the offending
/// token, or an empty range at the end of the input when the input stops too early. Errors
/// are built from the catalog of static constructors below (as swift-syntax builds its
/// diagnostics), so that each message is written once.
public struct ParseError: RicciError, Hashable {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// Nothing but whitespace.
        case emptyInput
        /// The input stopped where `expected` was needed.
        case unexpectedEndOfInput(expected: String)
        /// A token (`found`) where `expected` was needed.
        case unexpectedToken(found: String, expected: String)
        /// A `)` with no `(` before it.
        case unmatchedClosingParenthesis
        /// A character that belongs to no token of the language.
        case unknownCharacter(Character)
        /// A number literal that does not fit in 64-bit integers, or a folded constant
        /// (`1/3/3/…`) that overflows.
        case numberTooLarge(String)
        /// A literal division by zero, `1/0`.
        case divisionByZero
        /// `a^b^c`, or a transpose right after a power, which the grammar does not chain.
        case powerNeedsParentheses
        /// A call of a name that is neither built in nor declared.
        case unknownFunction(String)
        /// A function name used without an argument list.
        case functionWithoutArguments(String)
        /// `f'(…)` where `f` is not a declared element-wise function.
        case notElementwiseDerivative(String, reason: String)
        /// `grad_f(…)` where `f` is not a declared scalar function.
        case notScalarGradient(String, reason: String)
        /// A call with the wrong number of arguments.
        case wrongArgumentCount(function: String, expected: String, found: Int)
        /// A size of `I(…)` or `ones(…)` that is not a dimension name or a positive integer.
        case invalidDimension(function: String, found: String)
        /// The axis of `sum(X, d)`, `mean(X, d)` or `size(X, d)` is not the literal 1 or 2.
        case invalidAxis(function: String, found: String)
        /// Deeper nesting than ``Parser/maximumDepth``.
        case nestedTooDeeply(limit: Int)
        /// A tree taller than ``Parser/maximumHeight`` (a chain of that many operators).
        case tooLong(limit: Int)
    }

    /// What went wrong.
    public let kind: Kind
    /// The offending part of the input (never `nil` for a parse error).
    public let range: SourceRange?

    /// An error of `kind` at `range`.
    public init(_ kind: Kind, at range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// Parse errors are bad input (exit status 2).
    public var category: ErrorCategory { .badInput }

    /// The one-line message.
    public var message: String {
        switch kind {
        case .emptyInput:
            return "empty expression"
        case .unexpectedEndOfInput(let expected):
            return "unexpected end of input, expected \(expected)"
        case .unexpectedToken(let found, let expected):
            return "unexpected '\(found)', expected \(expected)"
        case .unmatchedClosingParenthesis:
            return "unmatched ')'"
        case .unknownCharacter(let character):
            let codes = character.unicodeScalars
                .map { "U+" + String($0.value, radix: 16, uppercase: true) }
                .joined(separator: " ")
            return "unknown character '\(SourceExcerpt.printable(character))' (\(codes))"
        case .numberTooLarge(let text):
            return "number \(text) is too large or too precise to be represented exactly"
        case .divisionByZero:
            return "division by zero"
        case .powerNeedsParentheses:
            return "a power cannot be followed by another power or a transpose without parentheses: write (x^2)^3 or (x^2)'"
        case .unknownFunction(let name):
            return "unknown function '\(name)': " + FunctionCatalog.advice(forUnknown: name)
        case .functionWithoutArguments(let name):
            return "'\(name)' is a function: write \(name)(…)"
        case .notElementwiseDerivative(let name, let reason):
            return "\(name)'(…) is not defined: \(reason)"
        case .notScalarGradient(let name, let reason):
            return "\(NameConventions.gradientPrefix)\(name)(…) is not defined: \(reason)"
        case .wrongArgumentCount(let function, let expected, let found):
            return "\(function) takes \(expected), got \(found)"
        case .invalidDimension(let function, let found):
            return "the size '\(found)' in \(function)(…) must be a dimension name or a positive integer"
        case .invalidAxis(let function, let found):
            return "the axis '\(found)' in \(function)(X, d) must be 1 (down the columns) or 2 (along the rows)"
        case .nestedTooDeeply(let limit):
            return "expression nested too deeply (more than \(limit) levels of parentheses, calls or signs)"
        case .tooLong(let limit):
            return "expression too long (a chain of more than \(limit) operations)"
        }
    }

    // MARK: Catalog

    /// Nothing to parse.
    static func emptyInput(at range: SourceRange) -> ParseError { .init(.emptyInput, at: range) }

    /// The input ended where `expected` was needed.
    static func unexpectedEnd(expected: String, at range: SourceRange) -> ParseError {
        .init(.unexpectedEndOfInput(expected: expected), at: range)
    }

    /// `token` where `expected` was needed; a lexically invalid token reports its character,
    /// and the end of the input reports that the input ended.
    static func unexpected(_ token: Token, expected: String) -> ParseError {
        switch token.kind {
        case .end: return unexpectedEnd(expected: expected, at: token.range)
        case .invalid(let character): return .init(.unknownCharacter(character), at: token.range)
        case .number(nil): return .init(.numberTooLarge(token.text), at: token.range)
        case .number, .name, .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret,
            .quote, .transposeMark, .leftParenthesis, .rightParenthesis, .comma:
            return .init(.unexpectedToken(found: token.text, expected: expected), at: token.range)
        }
    }

    /// A `)` without its `(`.
    static func unmatchedClosingParenthesis(at range: SourceRange) -> ParseError {
        .init(.unmatchedClosingParenthesis, at: range)
    }

    /// A literal that does not fit.
    static func numberTooLarge(_ text: String, at range: SourceRange) -> ParseError {
        .init(.numberTooLarge(text), at: range)
    }

    /// A literal division by zero, pointing at the divisor.
    static func divisionByZero(at range: SourceRange) -> ParseError { .init(.divisionByZero, at: range) }

    /// A chained power or a transpose after a power.
    static func powerNeedsParentheses(at range: SourceRange) -> ParseError {
        .init(.powerNeedsParentheses, at: range)
    }

    /// A call of an unknown function.
    static func unknownFunction(_ name: String, at range: SourceRange) -> ParseError {
        .init(.unknownFunction(name), at: range)
    }

    /// A function name without `(…)`.
    static func functionWithoutArguments(_ name: String, at range: SourceRange) -> ParseError {
        .init(.functionWithoutArguments(name), at: range)
    }

    /// `name'(…)` for a name that is not a declared element-wise function.
    static func notElementwiseDerivative(
        _ name: String, isBuiltin: Bool, kind: DeclaredFunctionKind?, at range: SourceRange
    ) -> ParseError {
        let reason: String
        switch (isBuiltin, kind) {
        case (true, _):
            reason = "the derivative notation f'(…) is for declared element-wise functions, not built-in ones"
        case (false, .scalar?):
            reason = "\(name) is a scalar function; its gradient is written \(NameConventions.gradientPrefix)\(name)(…)"
        case (false, .elementwise?):
            preconditionFailure("\(name)'(…) of a declared element-wise function is valid")
        case (false, nil):
            reason = "the derivative notation f'(…) is for functions declared with --func \(name):elementwise"
        }
        return .init(.notElementwiseDerivative(name, reason: reason), at: range)
    }

    /// `grad_name(…)` for a name that is not a declared scalar function.
    static func notScalarGradient(
        _ name: String, kind: DeclaredFunctionKind?, at range: SourceRange
    ) -> ParseError {
        let reason: String
        switch kind {
        case .elementwise?:
            reason = "\(name) is an element-wise function; its derivative is written \(name)'(…)"
        case .scalar?:
            preconditionFailure("\(NameConventions.gradientPrefix)\(name)(…) of a declared scalar function is valid")
        case nil:
            reason = "the gradient notation grad_f(…) is for functions declared with --func \(name):scalar"
        }
        return .init(.notScalarGradient(name, reason: reason), at: range)
    }

    /// A call with `found` arguments where `expected` (in words) are needed.
    static func wrongArgumentCount(
        function: String, expected: String, found: Int, at range: SourceRange
    ) -> ParseError {
        .init(.wrongArgumentCount(function: function, expected: expected, found: found), at: range)
    }

    /// A bad size argument of `I(…)` or `ones(…)`.
    static func invalidDimension(function: String, found: String, at range: SourceRange) -> ParseError {
        .init(.invalidDimension(function: function, found: found), at: range)
    }

    /// An axis argument other than 1 or 2.
    static func invalidAxis(function: String, found: String, at range: SourceRange) -> ParseError {
        .init(.invalidAxis(function: function, found: found), at: range)
    }

    /// Nesting beyond the limit.
    static func nestedTooDeeply(limit: Int, at range: SourceRange) -> ParseError {
        .init(.nestedTooDeeply(limit: limit), at: range)
    }

    /// A chain beyond the limit.
    static func tooLong(limit: Int, at range: SourceRange) -> ParseError {
        .init(.tooLong(limit: limit), at: range)
    }
}
