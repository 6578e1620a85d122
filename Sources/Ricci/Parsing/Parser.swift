// The recursive-descent parser: text to a canonical MatrixExpr with the source range of every node.

/// The source ranges of a parsed tree in pre-order: entry `k` is the range of the `k`-th node
/// visited by a pre-order walk over ``MatrixExpr/children`` (root first, children left to
/// right).
///
/// A node's range covers the text of that sub-expression without the parentheses around it
/// (in `A*(X - Y)` the range of `X - Y` is `3..<8`); the range of an operator node covers
/// its operands with their parentheses (`(X - Y)'` is `0..<8`). A folded literal (`-2`,
/// `1/2`) is one leaf whose range covers all of its text.
public struct SourceMap: Hashable, Sendable {
    /// The ranges, in pre-order.
    let ranges: [SourceRange]

    /// The number of nodes of the tree.
    public var count: Int { ranges.count }

    /// The range of the `index`-th node of a pre-order walk; `nil` outside the tree.
    public func range(atPreorderIndex index: Int) -> SourceRange? {
        ranges.indices.contains(index) ? ranges[index] : nil
    }
}

/// An expression together with the text it was parsed from and where each node came from.
public struct ParsedExpression: Hashable, Sendable {
    /// The canonical expression: `Parser.parse(PlainPrinter.print(expression))` gives it back.
    public let expression: MatrixExpr
    /// The text as given.
    public let source: String
    /// The range of every node of ``expression``, in pre-order.
    public let sourceMap: SourceMap

    /// The text of `range` (character offsets) in ``source``.
    public func text(in range: SourceRange) -> String {
        let characters = Array(source)
        let lower = min(max(0, range.lowerBound), characters.count)
        let upper = min(max(lower, range.upperBound), characters.count)
        return String(characters[lower..<upper])
    }
}

/// The parser of the expression language of `LANGUAGE.md`.
///
/// ```
/// expr     := term (('+' | '-') term)*
/// term     := unary (('*' | '.*' | './' | '/') unary)*
/// unary    := '-' unary | power
/// power    := postfix ('^' exponent | '.^' exponent)?
/// exponent := '-' exponent | primary
/// postfix  := primary ("'" | '^T' | 'ᵀ')*
/// primary  := number | name | name '(' expr (',' expr)* ')' | name "'" '(' expr ')' | '(' expr ')'
/// ```
///
/// An exponent that is a constant (`2`, `-1`, `(1/3)`) makes ``MatrixExpr/power(_:_:)`` or
/// ``MatrixExpr/elementwisePower(_:_:)``; any other makes ``MatrixExpr/powerBy(_:_:)`` or
/// ``MatrixExpr/elementwisePowerBy(_:_:)``, whose exponent is a child of the tree.
///
/// The result is canonical, so that `parse(PlainPrinter.print(e)) == e` for every `e` the
/// parser can produce:
/// - a `-` applied directly to a number literal (no postfix, no power after it) makes one
///   negative literal: `-2` is `.number(-2)`, while `-(2)`, `-2'` and `-2^2` keep the
///   negation;
/// - within a term, `a / b` where both operands are numbers folds into one literal
///   (`1/2`, `-1/2/3`, `(1/2)/3`); dividing a number by the literal zero is an error;
/// - `ones(m)` is `.ones(m, 1)`; everything else is kept as written, left-associative.
public enum Parser {
    /// The deepest nesting accepted, of parentheses, calls and unary minus signs: deeper
    /// input is a ``ParseError`` rather than a stack overflow here.
    public static let maximumDepth = 256

    /// The tallest tree accepted. A flat chain of operators (`a + b + … + z`, a product of many
    /// factors) is not nesting, but its left-associative tree is as tall as the chain is long,
    /// and later passes recurse over trees: chains up to this length are accepted (the command
    /// line runs on a thread with a stack for them), longer ones are a ``ParseError``.
    public static let maximumHeight = 20_000

    /// Parses `text` as an expression; `functions` are the declared functions (`sigma` →
    /// element-wise, `lambda` → scalar). Throws ``ParseError`` pointing at the problem.
    public static func parse(
        _ text: String, functions: [String: DeclaredFunctionKind] = [:]
    ) throws -> ParsedExpression {
        var parser = ExpressionParser(text: text, functions: functions)
        let root = try parser.parseInput()
        var ranges: [SourceRange] = []
        root.node.appendPreorderRanges(to: &ranges)
        return ParsedExpression(expression: root.node.expression, source: text,
                                sourceMap: SourceMap(ranges: ranges))
    }

    /// The value of a constant expression (numbers combined by arithmetic), or `nil` when the
    /// expression has a variable or a function in it, or has no rational value (`2^(1/2)`,
    /// a division by zero). The result may be ``Rational/invalid`` after an overflow.
    static func constantValue(of expression: MatrixExpr) -> Rational? {
        switch expression {
        case .number(let value):
            return value
        case .negate(let a):
            return constantValue(of: a).map { -$0 }
        case .transpose(let a):
            return constantValue(of: a)
        case .add(let a, let b):
            return constantPair(a, b).map { $0 + $1 }
        case .subtract(let a, let b):
            return constantPair(a, b).map { $0 - $1 }
        case .multiply(let a, let b), .hadamard(let a, let b):
            return constantPair(a, b).map { $0 * $1 }
        case .divide(let a, let b), .elementwiseDivide(let a, let b):
            guard let (a, b) = constantPair(a, b), !b.isZero else { return nil }
            return a / b
        case .power(let a, let exponent), .elementwisePower(let a, let exponent):
            return constantValue(of: a)?.power(exponent)
        case .variable, .apply, .apply2, .identity, .ones, .zeros, .commutation, .sizeless, .powerBy,
            .elementwisePowerBy:
            return nil
        }
    }

    /// The values of two constant expressions, or `nil` when either is not constant.
    private static func constantPair(_ a: MatrixExpr, _ b: MatrixExpr) -> (Rational, Rational)? {
        guard let a = constantValue(of: a), let b = constantValue(of: b) else { return nil }
        return (a, b)
    }
}

/// A node of the tree being built, with its source range and the nodes of its children.
struct SyntaxNode {
    /// The expression this node is the root of.
    let expression: MatrixExpr
    /// The node's range (see ``SourceMap``).
    let range: SourceRange
    /// The nodes of `expression.children`, in the same order.
    let children: [SyntaxNode]
    /// The number of levels of the tree below and including this node.
    let height: Int

    /// Appends the ranges of this subtree in pre-order.
    func appendPreorderRanges(to ranges: inout [SourceRange]) {
        ranges.append(range)
        for child in children { child.appendPreorderRanges(to: &ranges) }
    }
}

/// A parsed operand: its node, the text it spans (its parentheses included), and whether it
/// is a bare number literal, the one thing a leading `-` folds into.
struct Operand {
    /// The node.
    var node: SyntaxNode
    /// The text spanned, parentheses included.
    var extent: SourceRange
    /// True for a number literal with no parentheses, postfix or power.
    var isBareNumber: Bool
}

/// Checks that every iteration of a parser loop consumes input, as swift-syntax's
/// `LoopProgressCondition` does: a loop that stops advancing is a bug in the parser that
/// would otherwise hang on some input, so it stops the program instead.
struct LoopProgress {
    private var lastPosition: Int?

    /// Records the token position at the top of an iteration; traps when it has not moved
    /// since the previous iteration.
    mutating func check(_ position: Int) {
        if let lastPosition {
            precondition(position > lastPosition, "parser loop made no progress at token \(position)")
        }
        lastPosition = position
    }
}

/// The operators of the grammar by token, one row each: what a token does when it follows
/// an operand. Keeping the table in one place (as swift-syntax keeps its precedence table)
/// lets each parse function ask for its own level and stop at anything else.
enum OperatorRole {
    /// `+` or `-`, the sum level.
    case sum((MatrixExpr, MatrixExpr) -> MatrixExpr)
    /// `*`, `.*`, `./` or `/`, the term level; `/` folds `number / number`.
    case term((MatrixExpr, MatrixExpr) -> MatrixExpr, isDivision: Bool)
    /// `^` or `.^` followed by an exponent (`^T` is a transpose; see `parsePostfix`).
    case power(isElementwise: Bool)
    /// `'` or `ᵀ`.
    case transpose
    /// Not an operator.
    case none

    /// The role of a token of `kind`.
    init(_ kind: Token.Kind) {
        switch kind {
        case .plus: self = .sum(MatrixExpr.add)
        case .minus: self = .sum(MatrixExpr.subtract)
        case .star: self = .term(MatrixExpr.multiply, isDivision: false)
        case .dotStar: self = .term(MatrixExpr.hadamard, isDivision: false)
        case .dotSlash: self = .term(MatrixExpr.elementwiseDivide, isDivision: false)
        case .slash: self = .term(MatrixExpr.divide, isDivision: true)
        case .caret: self = .power(isElementwise: false)
        case .dotCaret: self = .power(isElementwise: true)
        case .quote, .transposeMark: self = .transpose
        case .number, .name, .leftParenthesis, .rightParenthesis, .comma, .invalid, .end: self = .none
        }
    }
}

/// The state of one parse: the tokens, the position, and the nesting depth.
struct ExpressionParser {
    /// The input, read by character only for the text of an error message.
    private let source: String
    private let tokens: [Token]
    private let functions: [String: DeclaredFunctionKind]
    private var position = 0
    private var nesting = 0

    init(text: String, functions: [String: DeclaredFunctionKind]) {
        source = text
        tokens = Lexer.tokens(of: text)
        self.functions = functions
    }

    // MARK: Tokens

    private var current: Token { tokens[position] }

    private func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    /// Consumes the current token; the final `end` token is never consumed.
    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func text(in range: SourceRange) -> String {
        let characters = Array(source)
        return String(characters[range.lowerBound..<range.upperBound])
    }

    // MARK: Depth

    /// Enters one level of nesting; pair with `defer { leaveNesting() }`.
    private mutating func enterNesting() throws {
        nesting += 1
        if nesting > Parser.maximumDepth {
            throw ParseError.nestedTooDeeply(limit: Parser.maximumDepth, at: current.range)
        }
    }

    private mutating func leaveNesting() { nesting -= 1 }

    /// A node of the tree, refused when the tree would become deeper than the limit.
    private func node(_ expression: MatrixExpr, _ range: SourceRange, _ children: [SyntaxNode] = [])
        throws -> SyntaxNode
    {
        var height = 1
        for child in children where child.height >= height { height = child.height + 1 }
        guard height <= Parser.maximumHeight else {
            throw ParseError.tooLong(limit: Parser.maximumHeight, at: range)
        }
        return SyntaxNode(expression: expression, range: range, children: children, height: height)
    }

    /// An operator node over two operands.
    private func binary(
        _ make: (MatrixExpr, MatrixExpr) -> MatrixExpr, _ left: Operand, _ right: Operand
    ) throws -> Operand {
        let range = left.extent.union(right.extent)
        let built = try node(make(left.node.expression, right.node.expression), range, [left.node, right.node])
        return Operand(node: built, extent: range, isBareNumber: false)
    }

    // MARK: Grammar

    /// The whole input: one expression and nothing after it.
    mutating func parseInput() throws -> Operand {
        if case .end = current.kind { throw ParseError.emptyInput(at: SourceRange(0, 0)) }
        let result = try parseExpression()
        switch current.kind {
        case .end:
            return result
        case .rightParenthesis:
            throw ParseError.unmatchedClosingParenthesis(at: current.range)
        case .number, .name, .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret,
            .quote, .transposeMark, .leftParenthesis, .comma, .invalid:
            throw ParseError.unexpected(current, expected: "an operator or the end of the expression")
        }
    }

    /// `expr := term (('+' | '-') term)*`
    private mutating func parseExpression() throws -> Operand {
        try enterNesting()
        defer { leaveNesting() }
        var left = try parseTerm()
        var progress = LoopProgress()
        while true {
            progress.check(position)
            guard case .sum(let make) = OperatorRole(current.kind) else { return left }
            advance()
            left = try binary(make, left, try parseTerm())
        }
    }

    /// `term := unary (('*' | '.*' | './' | '/') unary)*`, folding `number / number`.
    private mutating func parseTerm() throws -> Operand {
        var left = try parseUnary()
        var progress = LoopProgress()
        while true {
            progress.check(position)
            guard case .term(let make, let isDivision) = OperatorRole(current.kind) else { return left }
            advance()
            let right = try parseUnary()
            if isDivision, case .number(let dividend) = left.node.expression,
                case .number(let divisor) = right.node.expression
            {
                // A quotient of two numbers is one literal: `1/2` prints and parses as one.
                guard !divisor.isZero else { throw ParseError.divisionByZero(at: right.node.range) }
                let range = left.extent.union(right.extent)
                let quotient = dividend / divisor
                guard quotient.isValid else { throw ParseError.numberTooLarge(text(in: range), at: range) }
                left = Operand(node: try node(.number(quotient), range), extent: range, isBareNumber: false)
            } else {
                left = try binary(make, left, right)
            }
        }
    }

    /// `unary := '-' unary | power`, folding `-` into a bare number literal.
    private mutating func parseUnary() throws -> Operand {
        guard case .minus = current.kind else { return try parsePower() }
        try enterNesting()
        defer { leaveNesting() }
        let minus = advance()
        let operand = try parseUnary()
        let range = minus.range.union(operand.extent)
        if operand.isBareNumber, case .number(let value) = operand.node.expression {
            return Operand(node: try node(.number(-value), range), extent: range, isBareNumber: false)
        }
        let negation = try node(.negate(operand.node.expression), range, [operand.node])
        return Operand(node: negation, extent: range, isBareNumber: false)
    }

    /// `power := postfix ('^' exponent | '.^' exponent)?`
    private mutating func parsePower() throws -> Operand {
        let base = try parsePostfix()
        guard case .power(let isElementwise) = OperatorRole(current.kind) else { return base }
        advance()
        let exponent = try parseExponent()
        let range = base.extent.union(exponent.extent)
        let power: SyntaxNode
        if let value = Parser.constantValue(of: exponent.node.expression) {
            guard value.isValid else { throw ParseError.numberTooLarge(text(in: exponent.extent), at: exponent.extent) }
            let expression: MatrixExpr = isElementwise
                ? .elementwisePower(base.node.expression, value) : .power(base.node.expression, value)
            power = try node(expression, range, [base.node])
        } else {
            let expression: MatrixExpr = isElementwise
                ? .elementwisePowerBy(base.node.expression, exponent.node.expression)
                : .powerBy(base.node.expression, exponent.node.expression)
            power = try node(expression, range, [base.node, exponent.node])
        }
        switch OperatorRole(current.kind) {
        case .power, .transpose:
            // The grammar has one optional power and no postfix after it; `x^2^3` and
            // `x^2'` would be ambiguous to a reader, so they ask for parentheses.
            throw ParseError.powerNeedsParentheses(at: current.range)
        case .sum, .term, .none:
            return Operand(node: power, extent: range, isBareNumber: false)
        }
    }

    /// `exponent := '-' exponent | primary`: `2`, `-1`, `(1/3)`, `t`, `-t`, `(t + 1)`. A
    /// transpose right after it is not part of it: `x^2'` asks for parentheses, as `(x^2)'`
    /// and `x^(2')` read differently.
    private mutating func parseExponent() throws -> Operand {
        switch current.kind {
        case .minus:
            try enterNesting()
            defer { leaveNesting() }
            let minus = advance()
            let operand = try parseExponent()
            let range = minus.range.union(operand.extent)
            if case .number(let value) = operand.node.expression {
                return Operand(node: try node(.number(-value), range), extent: range, isBareNumber: false)
            }
            return Operand(node: try node(.negate(operand.node.expression), range, [operand.node]), extent: range,
                           isBareNumber: false)
        case .end:
            throw ParseError.unexpected(current, expected: "an exponent")
        case .number, .name, .plus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret, .quote,
            .transposeMark, .leftParenthesis, .rightParenthesis, .comma, .invalid:
            return try parsePrimary()
        }
    }

    /// `postfix := primary ("'" | '^T' | 'ᵀ')*`
    private mutating func parsePostfix() throws -> Operand {
        var operand = try parsePrimary()
        var progress = LoopProgress()
        while true {
            progress.check(position)
            let end: SourceRange
            switch OperatorRole(current.kind) {
            case .transpose:
                end = advance().range
            case .power where current.kind == .caret && peek().kind == .name("T"):
                // `^T` is a transpose; `^Tx` lexes as `^` and the name `Tx`, an exponent error.
                advance()
                end = advance().range
            case .sum, .term, .power, .none:
                return operand
            }
            let range = operand.extent.union(end)
            let transpose = try node(.transpose(operand.node.expression), range, [operand.node])
            operand = Operand(node: transpose, extent: range, isBareNumber: false)
        }
    }

    /// `primary := number | name | call | '(' expr ')'`
    private mutating func parsePrimary() throws -> Operand {
        let token = current
        switch token.kind {
        case .number(let value):
            guard let value else { throw ParseError.numberTooLarge(token.text, at: token.range) }
            advance()
            return Operand(node: try node(.number(value), token.range), extent: token.range, isBareNumber: true)
        case .name(let name):
            return try parseName(name)
        case .leftParenthesis:
            return try parseParenthesized()
        case .end, .invalid, .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret,
            .quote, .transposeMark, .rightParenthesis, .comma:
            throw ParseError.unexpected(token, expected: "an expression")
        }
    }

    /// `'(' expr ')'`: the inner expression, with the parentheses in its extent.
    private mutating func parseParenthesized() throws -> Operand {
        let open = advance()
        let inner = try parseExpression()
        let close = try expectClosingParenthesis(expected: "an operator or ')'")
        return Operand(node: inner.node, extent: open.range.union(close.range), isBareNumber: false)
    }

    /// Consumes a `)`; at the end of the input the error says that `)` is what is missing.
    private mutating func expectClosingParenthesis(expected: String) throws -> Token {
        switch current.kind {
        case .rightParenthesis:
            return advance()
        case .end:
            throw ParseError.unexpectedEnd(expected: "')'", at: current.range)
        case .number, .name, .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret,
            .quote, .transposeMark, .leftParenthesis, .comma, .invalid:
            throw ParseError.unexpected(current, expected: expected)
        }
    }

    /// A variable, a call `name(…)`, or a derivative call `name'(…)`.
    private mutating func parseName(_ name: String) throws -> Operand {
        let nameToken = current
        if peek().kind == .leftParenthesis {
            return try parseCall(name)
        }
        if peek().kind == .quote, peek(2).kind == .leftParenthesis {
            return try parseDerivativeCall(name)
        }
        if isFunctionName(name) {
            throw ParseError.functionWithoutArguments(name, at: nameToken.range)
        }
        advance()
        return Operand(node: try node(.variable(name), nameToken.range), extent: nameToken.range,
                       isBareNumber: false)
    }

    /// True for the names that can only be called: built-ins, `I`, `ones`, declared
    /// functions and the gradients of declared scalar functions.
    private func isFunctionName(_ name: String) -> Bool {
        if !functions.isEmpty {
            if functions[name] != nil { return true }
            if name.hasPrefix(NameConventions.gradientPrefix),
                functions[String(name.dropFirst(NameConventions.gradientPrefix.count))] == .scalar
            {
                return true
            }
        }
        // Every built-in name but `I` is longer than one letter, and most variables are one.
        if name.utf8.count == 1 { return name == "I" }
        return NameConventions.reservedNames.contains(name)
    }

    /// `name(…)`: a built-in, a constant (`I`, `eye`, `ones`, `zeros`, `commutation`), a
    /// declared function, or `grad_` of a declared scalar function.
    private mutating func parseCall(_ name: String) throws -> Operand {
        switch name {
        case "I", "eye", "ones", "zeros", "commutation":
            return try parseConstantCall(name, advance())
        case "sum", "mean", "size":
            return try parseAxisCall(name, advance())
        default:
            break
        }
        let nameToken = advance()
        if let binary = BinaryFunction(rawValue: name) { return try parseBinaryApplication(binary, nameToken) }
        // Resolve the function before its arguments so that an unknown name is reported first.
        let function: MatrixFunction
        if let builtin = MatrixFunction.builtins[name] {
            function = builtin
        } else if let kind = functions[name] {
            switch kind {
            case .elementwise: function = .declaredElementwise(name)
            case .scalar: function = .declaredScalar(name)
            }
        } else if name.hasPrefix(NameConventions.gradientPrefix),
            name.count > NameConventions.gradientPrefix.count
        {
            let base = String(name.dropFirst(NameConventions.gradientPrefix.count))
            guard functions[base] == .scalar else {
                throw ParseError.notScalarGradient(base, kind: functions[base], at: nameToken.range)
            }
            function = .declaredScalarGradient(base)
        } else {
            throw ParseError.unknownFunction(name, at: nameToken.range)
        }
        return try parseApplication(function, nameToken)
    }

    /// `max(A, B)`, `min(A, B)`, `kron(A, B)`.
    private mutating func parseBinaryApplication(_ function: BinaryFunction, _ nameToken: Token) throws -> Operand {
        let (arguments, close) = try parseArguments()
        let range = nameToken.range.union(close.range)
        guard arguments.count == 2 else {
            throw ParseError.wrongArgumentCount(
                function: function.name, expected: "2 arguments", found: arguments.count, at: range)
        }
        let application = try node(
            .apply2(function, arguments[0].node.expression, arguments[1].node.expression), range,
            [arguments[0].node, arguments[1].node])
        return Operand(node: application, extent: range, isBareNumber: false)
    }

    /// `sum(X)`, `sum(X, d)`, `mean(X)`, `mean(X, d)` and `size(X, d)`, the axis `d` a literal
    /// 1 (down the columns) or 2 (along the rows), as in MATLAB.
    private mutating func parseAxisCall(_ name: String, _ nameToken: Token) throws -> Operand {
        let (arguments, close) = try parseArguments()
        let range = nameToken.range.union(close.range)
        let isSize = name == "size"
        guard arguments.count == 2 || (arguments.count == 1 && !isSize) else {
            throw ParseError.wrongArgumentCount(
                function: name, expected: isSize ? "2 arguments" : "1 or 2 arguments", found: arguments.count,
                at: range)
        }
        let function: MatrixFunction
        if arguments.count == 1 {
            function = name == "sum" ? .sum : .mean
        } else {
            let axis = arguments[1]
            guard case .number(let value) = axis.node.expression, value == 1 || value == 2 else {
                throw ParseError.invalidAxis(function: name, found: text(in: axis.extent), at: axis.extent)
            }
            switch (name, value == 1) {
            case ("sum", true): function = .columnSums
            case ("sum", false): function = .rowSums
            case ("mean", true): function = .columnMeans
            case ("mean", false): function = .rowMeans
            default: function = .size(axis: value == 1 ? 1 : 2)
            }
        }
        let argument = arguments[0]
        let application = try node(.apply(function, argument.node.expression), range, [argument.node])
        return Operand(node: application, extent: range, isBareNumber: false)
    }

    /// `name'(…)`: the derivative of a declared element-wise function.
    private mutating func parseDerivativeCall(_ name: String) throws -> Operand {
        let nameToken = advance()
        let quote = advance()
        guard functions[name] == .elementwise, MatrixFunction.builtins[name] == nil else {
            throw ParseError.notElementwiseDerivative(
                name, isBuiltin: NameConventions.reservedNames.contains(name), kind: functions[name],
                at: nameToken.range.union(quote.range))
        }
        return try parseApplication(.declaredElementwiseDerivative(name), nameToken)
    }

    /// The argument list of a one-argument function, and the application node.
    private mutating func parseApplication(_ function: MatrixFunction, _ nameToken: Token) throws -> Operand {
        let (arguments, close) = try parseArguments()
        let range = nameToken.range.union(close.range)
        guard arguments.count == 1 else {
            throw ParseError.wrongArgumentCount(
                function: function.name, expected: "1 argument", found: arguments.count, at: range)
        }
        let argument = arguments[0]
        let application = try node(.apply(function, argument.node.expression), range, [argument.node])
        return Operand(node: application, extent: range, isBareNumber: false)
    }

    /// `'(' (expr (',' expr)*)? ')'`: the arguments and the closing parenthesis.
    private mutating func parseArguments() throws -> (arguments: [Operand], close: Token) {
        advance()
        if case .rightParenthesis = current.kind { return ([], advance()) }
        var arguments: [Operand] = []
        var progress = LoopProgress()
        while true {
            progress.check(position)
            arguments.append(try parseExpression())
            if case .comma = current.kind {
                advance()
            } else {
                return (arguments, try expectClosingParenthesis(expected: "an operator, ',' or ')'"))
            }
        }
    }

    /// `I(n)`, `eye(n)`, `ones(m)`, `ones(m, n)`, `zeros(…)` likewise, `commutation(m, n)`:
    /// sizes are dimension names or positive integers. `I()`, `eye()`, `ones()` and
    /// `zeros()` leave the size to shape checking.
    private mutating func parseConstantCall(_ name: String, _ nameToken: Token) throws -> Operand {
        let (dimensions, close) = try parseDimensionArguments(of: name)
        let range = nameToken.range.union(close.range)
        let expression: MatrixExpr
        switch (name, dimensions.count) {
        case ("I", 0), ("eye", 0):
            expression = .sizeless(.identity)
        case ("ones", 0):
            expression = .sizeless(.ones)
        case ("zeros", 0):
            expression = .sizeless(.zeros)
        case ("I", 1), ("eye", 1):
            expression = .identity(dimensions[0])
        case ("ones", 1):
            expression = .ones(dimensions[0], .one)
        case ("ones", 2):
            expression = .ones(dimensions[0], dimensions[1])
        case ("zeros", 1):
            expression = .zeros(dimensions[0], .one)
        case ("zeros", 2):
            expression = .zeros(dimensions[0], dimensions[1])
        case ("commutation", 2):
            expression = .commutation(dimensions[0], dimensions[1])
        default:
            let expected: String
            switch name {
            case "I", "eye": expected = "0 or 1 arguments"
            case "commutation": expected = "2 arguments"
            default: expected = "0, 1 or 2 arguments"
            }
            throw ParseError.wrongArgumentCount(function: name, expected: expected, found: dimensions.count, at: range)
        }
        return Operand(node: try node(expression, range), extent: range, isBareNumber: false)
    }

    /// `'(' (size (',' size)*)? ')'`: the sizes and the closing parenthesis.
    private mutating func parseDimensionArguments(of function: String) throws
        -> (dimensions: [Dimension], close: Token)
    {
        advance()
        if case .rightParenthesis = current.kind { return ([], advance()) }
        var dimensions: [Dimension] = []
        var progress = LoopProgress()
        while true {
            progress.check(position)
            dimensions.append(try parseDimension(of: function))
            switch current.kind {
            case .comma:
                advance()
            case .rightParenthesis:
                return (dimensions, advance())
            case .end:
                throw ParseError.unexpectedEnd(expected: "')'", at: current.range)
            case .number, .name, .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret,
                .dotCaret, .quote, .transposeMark, .leftParenthesis, .invalid:
                throw ParseError.unexpected(current, expected: "',' or ')'")
            }
        }
    }

    /// One size argument: a dimension name or a positive integer literal.
    private mutating func parseDimension(of function: String) throws -> Dimension {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            return .named(name)
        case .number(let value?) where value.isInteger && value.numerator > 0:
            advance()
            return .fixed(value.numerator)
        case .end, .invalid:
            throw ParseError.unexpected(token, expected: "a dimension name or a positive integer")
        case .minus:
            // Report `-1` as a whole rather than its sign alone.
            let range = peek().kind == .end ? token.range : token.range.union(peek().range)
            throw ParseError.invalidDimension(function: function, found: text(in: range), at: range)
        case .number, .plus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret, .quote,
            .transposeMark, .leftParenthesis, .rightParenthesis, .comma:
            throw ParseError.invalidDimension(function: function, found: token.text, at: token.range)
        }
    }
}
