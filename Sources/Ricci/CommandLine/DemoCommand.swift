// `ricci demo`: the worked examples of the seed documents, derived and verified.

enum DemoCommand {
    /// Derives every example of ``SeedGallery``, verifies it, checks it against the hand
    /// derivation where the document gives one, and prints input → result. Exits 0 only when
    /// every example verifies and matches.
    static func run() -> CommandResult {
        var lines: [String] = []
        var failures = 0
        for example in SeedGallery.examples {
            lines.append(example.source)
            lines.append("  ∂/∂\(example.variable)  \(example.expression)")
            do {
                let declarations = try example.parsedDeclarations()
                let checked = try CheckedExpression(parsing: example.expression, declarations: declarations)
                let derivative = try Ricci.derivative(of: checked, withRespectTo: example.variable)
                lines.append("     =  \(derivative.pretty)")
                let verification = derivative.verify()
                var verdict = "verified: \(verification.verdict.rawValue)"
                if verification.verdict != .passed { failures += 1 }
                if let hand = example.handDerivation {
                    try CorpusRunner.compare(
                        derivative, expected: hand, inIndexForm: false, expectedGradient: nil, declarations: declarations,
                        positive: [], increasing: [], environment: checked.environment)
                    let handSize = try CheckedExpression(parsing: hand, declarations: declarations).expression.operatorCount
                    let size = derivative.matrix?.operatorCount ?? 0
                    verdict += " · equals the hand derivation (\(size) operators, by hand \(handSize))"
                    if size > handSize {
                        failures += 1
                        verdict += " · LONGER than by hand"
                    }
                }
                lines.append("        \(verdict)")
            } catch {
                failures += 1
                lines.append("     !  \(error)")
            }
            lines.append("")
        }
        let count = SeedGallery.examples.count
        lines.append("\(count - failures) of \(count) examples derived, verified and as compact as by hand")
        return CommandResult(output: lines.joined(separator: "\n") + "\n", error: "", status: failures == 0 ? 0 : 3)
    }
}
