// What a name may look like, and what an undeclared name is taken to be.

/// The conventions that give a name its meaning when nothing is declared about it, and the
/// characters a name may contain.
///
/// - A name is a letter followed by letters, ASCII digits and `_`. Unicode letters count
///   (`λ`, `Σ`), except `ᵀ` (U+1D40), which is the transpose mark (`Xᵀ`).
/// - An undeclared name is a scalar when it names a lower-case Greek letter (`alpha`, `λ`),
///   optionally followed by a subscript written as digits or `_…` (`beta2`, `lambda_reg`);
///   otherwise a matrix when its first letter is upper case (`X`, `Sigma`, `Λ`), and a column
///   vector when it is not (`x`, `w2`).
public enum NameConventions {
    /// The transpose mark `ᵀ`: a modifier letter, so `Character.isLetter` accepts it, but it
    /// is an operator in the language.
    static let transposeMark: Character = "\u{1D40}"

    /// True for a character that may start a name: a letter other than `ᵀ`.
    static func isNameStart(_ character: Character) -> Bool {
        character.isLetter && character != transposeMark
    }

    /// True for a character that may continue a name: a letter other than `ᵀ`, an ASCII
    /// digit, or `_`. Only ASCII digits count, so that `x²` is not read as one name.
    static func isNameContinuation(_ character: Character) -> Bool {
        isNameStart(character) || character == "_" || (character.isASCII && character.isNumber)
    }

    /// True for the bytes of `A`…`Z` and `a`…`z`.
    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// True when `name` is a letter followed by letters, ASCII digits and `_`.
    public static func isValidName(_ name: String) -> Bool {
        // An ASCII name is checked on its bytes, without Unicode property look-ups.
        let bytes = name.utf8
        if let first = bytes.first, bytes.allSatisfy({ $0 < 0x80 }) {
            return isASCIILetter(first)
                && bytes.dropFirst().allSatisfy { isASCIILetter($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        }
        guard let first = name.first, isNameStart(first) else { return false }
        return name.dropFirst().allSatisfy(isNameContinuation)
    }

    /// Names that belong to built-in functions (`tr`, `exp`, `max`, …) and constants (`I`,
    /// `eye`, `ones`, `zeros`, `commutation`); none of them can name a variable or a
    /// declared function.
    public static let reservedNames: Set<String> = Set(FunctionCatalog.names)

    /// The prefix of the gradient of a declared scalar function (`grad_lambda`).
    public static let gradientPrefix = "grad_"

    /// The lower-case Greek letters by their Latin names.
    static let lowercaseGreek: [String: Character] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
        "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
        "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]

    /// The upper-case Greek letters that do not look like Latin ones (`Alpha` would print as
    /// an `A` indistinguishable from a variable named `A`, so it keeps its spelling).
    static let uppercaseGreek: [String: Character] = [
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// The Greek letter a name spells: `lambda` → `λ`, `Sigma` → `Σ`; a name that is itself a
    /// single Greek letter (`λ`) gives that letter. `nil` for every other name, including
    /// subscripted ones (`lambda2`), which a printer keeps as written.
    public static func greekLetter(for name: String) -> Character? {
        if let letter = lowercaseGreek[name] ?? uppercaseGreek[name] { return letter }
        if name.count == 1, let letter = name.first, isGreekLetter(letter) { return letter }
        return nil
    }

    /// True for a Greek letter character, upper or lower case (U+0391…U+03C9 and the
    /// lower-case variant forms `ϑ ϕ ϖ ϱ ϵ`).
    static func isGreekLetter(_ character: Character) -> Bool {
        isLowercaseGreekLetter(character) || isUppercaseGreekLetter(character)
    }

    /// True for `α…ω` (final `ς` included) and the variant forms `ϑ ϕ ϖ ϱ ϵ`.
    static func isLowercaseGreekLetter(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first
        else { return false }
        switch scalar.value {
        case 0x03B1...0x03C9, 0x03D1, 0x03D5, 0x03D6, 0x03F1, 0x03F5: return true
        default: return false
        }
    }

    /// True for `Α…Ω` (U+0391…U+03A9).
    static func isUppercaseGreekLetter(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first
        else { return false }
        return (0x0391...0x03A9).contains(scalar.value)
    }

    /// True when an undeclared `name` is a scalar by convention: a lower-case Greek letter,
    /// spelled out (`lambda`) or as the character (`λ`), optionally followed by a subscript of
    /// digits (`beta2`) or by `_` and anything (`lambda_reg`).
    public static func isGreekScalarName(_ name: String) -> Bool {
        let base = name.prefix { $0 != "_" && !($0.isASCII && $0.isNumber) }
        let suffix = name.dropFirst(base.count)
        let suffixIsSubscript =
            suffix.isEmpty || suffix.first == "_" || suffix.allSatisfy { $0.isASCII && $0.isNumber }
        guard suffixIsSubscript else { return false }
        if lowercaseGreek[String(base)] != nil { return true }
        return base.count == 1 && base.first.map(isLowercaseGreekLetter) == true
    }

    /// What an undeclared variable named `name` is: ``Shape/Kind/scalar`` for a Greek scalar
    /// name, ``Shape/Kind/matrix`` for an upper-case initial, ``Shape/Kind/vector`` otherwise
    /// (a lower-case initial, or a letter without case).
    public static func inferredKind(of name: String) -> Shape.Kind {
        // An ASCII name is classified on its bytes (no Unicode property look-ups); a Greek
        // scalar name then needs at least two letters (`mu`).
        if let first = name.utf8.first, name.utf8.allSatisfy({ $0 < 0x80 }), first >= 0x41 && first <= 0x5A {
            return .matrix
        }
        if isGreekScalarName(name) { return .scalar }
        if let first = name.first, first.isUppercase { return .matrix }
        return .vector
    }
}
