// Splits expression text into tokens that carry their character-offset ranges.

/// One token of an expression.
struct Token: Hashable, Sendable {
    /// The kinds of tokens of the language.
    enum Kind: Hashable, Sendable {
        /// A number literal; `nil` when it does not fit (reported when the parser reaches it).
        case number(Rational?)
        /// A name: letters, digits and `_`, starting with a letter.
        case name(String)
        /// `+`.
        case plus
        /// `-` or the Unicode minus `−`.
        case minus
        /// `*`.
        case star
        /// `/`.
        case slash
        /// `.*` or `⊙`.
        case dotStar
        /// `./`.
        case dotSlash
        /// `^`.
        case caret
        /// `.^`.
        case dotCaret
        /// `'`.
        case quote
        /// `ᵀ`.
        case transposeMark
        /// `(`.
        case leftParenthesis
        /// `)`.
        case rightParenthesis
        /// `,`.
        case comma
        /// A character that starts no token; reported when the parser reaches it, so that the
        /// leftmost problem of the input is the one reported.
        case invalid(Character)
        /// The end of the input (an empty range at its end).
        case end
    }

    /// What the token is.
    let kind: Kind
    /// Where it is, in `Character` offsets.
    let range: SourceRange
    /// The text as written.
    let text: String
}

/// The lexer: characters to tokens, whitespace dropped. It never fails; characters that
/// start no token become ``Token/Kind/invalid(_:)`` tokens for the parser to report.
enum Lexer {
    /// The tokens of `text`, ending with one ``Token/Kind/end`` token.
    static func tokens(of text: String) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var position = 0
        while position < characters.count {
            let start = position
            let character = characters[position]
            let next: Character? = position + 1 < characters.count ? characters[position + 1] : nil
            var kind: Token.Kind
            if character.isWhitespace {
                position += 1
                continue
            } else if NameConventions.isNameStart(character) {
                position += 1
                while position < characters.count, NameConventions.isNameContinuation(characters[position]) {
                    position += 1
                }
                kind = .name(String(characters[start..<position]))
            } else if isDigit(character) || (character == "." && next.map(isDigit) == true) {
                // Digits, then a fraction only when a digit follows the point: `2.*X` is
                // `2 .* X`, as in MATLAB, not `2. * X`.
                while position < characters.count, isDigit(characters[position]) { position += 1 }
                if position + 1 < characters.count, characters[position] == ".",
                    isDigit(characters[position + 1])
                {
                    position += 1
                    while position < characters.count, isDigit(characters[position]) { position += 1 }
                }
                kind = .number(Rational(decimal: Substring(String(characters[start..<position]))))
            } else {
                (kind, position) = punctuation(character, next: next, at: position)
            }
            precondition(position > start, "the lexer must consume at least one character per token")
            tokens.append(Token(kind: kind, range: SourceRange(start, position),
                                text: String(characters[start..<position])))
        }
        tokens.append(Token(kind: .end, range: SourceRange(characters.count, characters.count), text: ""))
        return tokens
    }

    /// An operator or punctuation token starting with `character` at `position`, and the
    /// position after it.
    private static func punctuation(
        _ character: Character, next: Character?, at position: Int
    ) -> (Token.Kind, Int) {
        switch character {
        case "+": return (.plus, position + 1)
        case "-", "\u{2212}": return (.minus, position + 1)
        case "*": return (.star, position + 1)
        case "/": return (.slash, position + 1)
        case "\u{2299}": return (.dotStar, position + 1)
        case "^": return (.caret, position + 1)
        case "'": return (.quote, position + 1)
        case NameConventions.transposeMark: return (.transposeMark, position + 1)
        case "(": return (.leftParenthesis, position + 1)
        case ")": return (.rightParenthesis, position + 1)
        case ",": return (.comma, position + 1)
        case ".":
            switch next {
            case "*"?: return (.dotStar, position + 2)
            case "/"?: return (.dotSlash, position + 2)
            case "^"?: return (.dotCaret, position + 2)
            default: return (.invalid(character), position + 1)
            }
        default: return (.invalid(character), position + 1)
        }
    }

    /// True for `0`…`9`.
    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }
}
