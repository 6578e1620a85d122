// Greek letter names and how the Unicode and LaTeX printers spell them.

/// The Greek letters a name can spell out: the lower-case `alpha` … `omega` and the upper-case
/// letters that differ from Latin ones (`Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi
/// Omega`), which are exactly those LaTeX has commands for.
///
/// A name matches only as a whole word (`lambda`, not `lambdas`); the printers split a trailing
/// index off first, so `lambda2` prints `λ₂` and `\lambda_{2}`.
enum GreekNames {
    /// One letter: its name, its Unicode character, its LaTeX command.
    struct Letter {
        let name: String
        let unicode: String
        let latex: String
    }

    /// Every letter, lower case in alphabetical order, then upper case.
    static let letters: [Letter] = [
        Letter(name: "alpha", unicode: "α", latex: "\\alpha"),
        Letter(name: "beta", unicode: "β", latex: "\\beta"),
        Letter(name: "gamma", unicode: "γ", latex: "\\gamma"),
        Letter(name: "delta", unicode: "δ", latex: "\\delta"),
        Letter(name: "epsilon", unicode: "ε", latex: "\\epsilon"),
        Letter(name: "zeta", unicode: "ζ", latex: "\\zeta"),
        Letter(name: "eta", unicode: "η", latex: "\\eta"),
        Letter(name: "theta", unicode: "θ", latex: "\\theta"),
        Letter(name: "iota", unicode: "ι", latex: "\\iota"),
        Letter(name: "kappa", unicode: "κ", latex: "\\kappa"),
        Letter(name: "lambda", unicode: "λ", latex: "\\lambda"),
        Letter(name: "mu", unicode: "μ", latex: "\\mu"),
        Letter(name: "nu", unicode: "ν", latex: "\\nu"),
        Letter(name: "xi", unicode: "ξ", latex: "\\xi"),
        // LaTeX has no \omicron: the letter looks like a Latin o.
        Letter(name: "omicron", unicode: "ο", latex: "o"),
        Letter(name: "pi", unicode: "π", latex: "\\pi"),
        Letter(name: "rho", unicode: "ρ", latex: "\\rho"),
        Letter(name: "sigma", unicode: "σ", latex: "\\sigma"),
        Letter(name: "tau", unicode: "τ", latex: "\\tau"),
        Letter(name: "upsilon", unicode: "υ", latex: "\\upsilon"),
        Letter(name: "phi", unicode: "φ", latex: "\\phi"),
        Letter(name: "chi", unicode: "χ", latex: "\\chi"),
        Letter(name: "psi", unicode: "ψ", latex: "\\psi"),
        Letter(name: "omega", unicode: "ω", latex: "\\omega"),
        Letter(name: "Gamma", unicode: "Γ", latex: "\\Gamma"),
        Letter(name: "Delta", unicode: "Δ", latex: "\\Delta"),
        Letter(name: "Theta", unicode: "Θ", latex: "\\Theta"),
        Letter(name: "Lambda", unicode: "Λ", latex: "\\Lambda"),
        Letter(name: "Xi", unicode: "Ξ", latex: "\\Xi"),
        Letter(name: "Pi", unicode: "Π", latex: "\\Pi"),
        Letter(name: "Sigma", unicode: "Σ", latex: "\\Sigma"),
        Letter(name: "Upsilon", unicode: "Υ", latex: "\\Upsilon"),
        Letter(name: "Phi", unicode: "Φ", latex: "\\Phi"),
        Letter(name: "Psi", unicode: "Ψ", latex: "\\Psi"),
        Letter(name: "Omega", unicode: "Ω", latex: "\\Omega"),
    ]

    /// The letters by name.
    static let byName: [String: Letter] = Dictionary(
        uniqueKeysWithValues: letters.map { ($0.name, $0) })

    /// The Unicode letter a whole name spells (`lambda` → `λ`), if it spells one.
    static func unicode(_ name: Substring) -> String? { byName[String(name)]?.unicode }

    /// The LaTeX command a whole name spells (`lambda` → `\lambda`), if it spells one.
    static func latex(_ name: Substring) -> String? { byName[String(name)]?.latex }
}
