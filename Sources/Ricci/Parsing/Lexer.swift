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

extension Token.Kind {
    /// The text of an operator or punctuation token read from ASCII input, where each has
    /// one spelling; `nil` for names, numbers and the rest.
    var asciiSpelling: String? {
        switch self {
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .dotStar: return ".*"
        case .dotSlash: return "./"
        case .caret: return "^"
        case .dotCaret: return ".^"
        case .quote: return "'"
        case .leftParenthesis: return "("
        case .rightParenthesis: return ")"
        case .comma: return ","
        case .number, .name, .transposeMark, .invalid, .end: return nil
        }
    }
}

/// The lexer: characters to tokens, whitespace dropped. It never fails; characters that
/// start no token become ``Token/Kind/invalid(_:)`` tokens for the parser to report.
///
/// Input that is all ASCII (almost every input) is read as bytes, where offsets in bytes are
/// offsets in characters; other input is read as `Character`s, so that a caret lines up under
/// `λ` or `ᵀ`. Both go through the same scanner.
enum Lexer {
    /// The tokens of `text`, ending with one ``Token/Kind/end`` token.
    static func tokens(of text: String) -> [Token] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return tokens(of: Array(text.utf8)) }
        return tokens(of: Array(text))
    }

    private static func tokens<C: LexedCharacter>(of characters: [C]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(characters.count / 2 + 2)
        var position = 0
        while position < characters.count {
            let start = position
            let character = characters[position]
            let next: C? = position + 1 < characters.count ? characters[position + 1] : nil
            var kind: Token.Kind
            // The text of a name or a number is read once, for its kind and for the token.
            var text: String?
            if character.isWhitespaceCharacter {
                position += 1
                continue
            } else if character.isNameStart {
                position += 1
                while position < characters.count, characters[position].isNameContinuation { position += 1 }
                let name = C.text(characters[start..<position])
                (kind, text) = (.name(name), name)
            } else if character.isDigit || (character.scalar == "." && next?.isDigit == true) {
                // Digits, then a fraction only when a digit follows the point: `2.*X` is
                // `2 .* X`, as in MATLAB, not `2. * X`.
                while position < characters.count, characters[position].isDigit { position += 1 }
                if position + 1 < characters.count, characters[position].scalar == ".",
                    characters[position + 1].isDigit
                {
                    position += 1
                    while position < characters.count, characters[position].isDigit { position += 1 }
                }
                let digits = C.text(characters[start..<position])
                (kind, text) = (.number(Rational(decimal: Substring(digits))), digits)
            } else {
                (kind, position) = punctuation(character, next: next, at: position)
            }
            precondition(position > start, "the lexer must consume at least one character per token")
            // Punctuation in ASCII input has one spelling: a literal, not a string built anew.
            let spelling = text ?? (C.self == UInt8.self ? kind.asciiSpelling : nil)
            tokens.append(Token(
                kind: kind, range: SourceRange(start, position), text: spelling ?? C.text(characters[start..<position])))
        }
        tokens.append(Token(kind: .end, range: SourceRange(characters.count, characters.count), text: ""))
        return tokens
    }

    /// An operator or punctuation token starting with `character` at `position`, and the
    /// position after it.
    private static func punctuation<C: LexedCharacter>(_ character: C, next: C?, at position: Int) -> (Token.Kind, Int) {
        switch character.scalar {
        case "+": return (.plus, position + 1)
        case "-", "\u{2212}": return (.minus, position + 1)
        case "*": return (.star, position + 1)
        case "/": return (.slash, position + 1)
        case "\u{2299}": return (.dotStar, position + 1)
        case "^": return (.caret, position + 1)
        case "'": return (.quote, position + 1)
        case "\u{1D40}": return (.transposeMark, position + 1)
        case "(": return (.leftParenthesis, position + 1)
        case ")": return (.rightParenthesis, position + 1)
        case ",": return (.comma, position + 1)
        case ".":
            switch next?.scalar {
            case "*"?: return (.dotStar, position + 2)
            case "/"?: return (.dotSlash, position + 2)
            case "^"?: return (.dotCaret, position + 2)
            default: return (.invalid(character.character), position + 1)
            }
        default: return (.invalid(character.character), position + 1)
        }
    }
}

/// What the lexer needs of a character: a `Character`, or a byte of ASCII text.
private protocol LexedCharacter {
    /// The character's only Unicode scalar, or `nil` for a grapheme of several scalars.
    var scalar: Unicode.Scalar? { get }
    var character: Character { get }
    var isWhitespaceCharacter: Bool { get }
    var isNameStart: Bool { get }
    var isNameContinuation: Bool { get }
    /// `0`…`9`.
    var isDigit: Bool { get }
    static func text(_ characters: ArraySlice<Self>) -> String
}

extension Character: LexedCharacter {
    var scalar: Unicode.Scalar? { unicodeScalars.count == 1 ? unicodeScalars.first : nil }
    var character: Character { self }
    var isWhitespaceCharacter: Bool { isWhitespace }
    var isNameStart: Bool { NameConventions.isNameStart(self) }
    var isNameContinuation: Bool { NameConventions.isNameContinuation(self) }
    var isDigit: Bool { isASCII && isNumber }
    static func text(_ characters: ArraySlice<Character>) -> String { String(characters) }
}

extension UInt8: LexedCharacter {
    var scalar: Unicode.Scalar? { Unicode.Scalar(self) }
    var character: Character { Character(Unicode.Scalar(self)) }
    var isWhitespaceCharacter: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
    var isNameStart: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isNameContinuation: Bool { isNameStart || isDigit || self == 0x5F }
    var isDigit: Bool { (0x30...0x39).contains(self) }
    static func text(_ characters: ArraySlice<UInt8>) -> String { String(decoding: characters, as: UTF8.self) }
}
